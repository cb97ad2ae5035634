/**
 * One statement of a check run: SQL with positional markers, its parameters, and the declared
 * types of the sample columns where the schema knows them (so a PostgreSQL `date` sample reads
 * `2025-07-02`, not a midnight in the local time zone).
 */
export interface CompiledQuery {
  readonly sql: string
  readonly params: ReadonlyArray<unknown>
  readonly types: Readonly<Record<string, string>>
}

/**
 * The ordering and limit of a check's samples. The limit is a validated integer written into
 * the text: MySQL's prepared statements reject some numeric parameters after LIMIT.
 */
export function sampleLimit(sample: number): string {
  // One row at least, so that the window total arrives even when no samples are wanted.
  return `LIMIT ${Math.max(1, Math.trunc(sample))}`
}

/** Ordinals `1, 2, …, n` for ORDER BY over the first n columns of a result. */
export function ordinals(n: number): string {
  return Array.from({ length: n }, (_, i) => String(i + 1)).join(', ')
}
