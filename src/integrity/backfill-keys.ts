import type { Connection } from '../dialects/dialect.js'
import { PlumblineError } from '../errors/plumbline-error.js'
import type { ResolvedBackfill } from './backfill-spec.js'
import { Params, quoteIdentifier, quoteTable } from './sql-text.js'
import type { TableFacts } from './table-facts.js'

/** How the key's values order, which decides the bound before the first row. */
export type KeyKind = 'number' | 'text'

/** One batch's key range `(from, to]` and the rows of the batched table in it. */
export interface BatchBounds {
  readonly from: unknown
  readonly to: unknown
  readonly rows: number
}

/**
 * The kind of a backfill's key column, from the schema. Integers and decimals, or text: those
 * have a value below every key (`min - 1`, `''`) to start the first batch after. Throws
 * `BACKFILL_INVALID` when the table or the column is not there, or the type is neither.
 */
export function keyKind(backfill: ResolvedBackfill, facts: TableFacts | undefined): KeyKind {
  const fail = (message: string, hint: string): never => {
    throw new PlumblineError({
      code: 'BACKFILL_INVALID',
      message: `backfill ${JSON.stringify(backfill.name)}: ${message}`,
      hint,
    })
  }
  if (facts === undefined) {
    return fail(
      `table ${backfill.table} does not exist`,
      'check `table` (write schema.table when several schemas hold the name)',
    )
  }
  const column = facts.columns.get(backfill.key)
  if (column === undefined) {
    return fail(
      `table ${backfill.table} has no column ${backfill.key}`,
      `its columns: ${[...facts.columns.keys()].join(', ')}`,
    )
  }
  // SQLite's affinity rules: a declared type containing INT is an integer, CHAR/CLOB/TEXT text.
  if (/int|serial|numeric|decimal|real|double|float|number/i.test(column.type)) return 'number'
  if (/char|text|clob|string/i.test(column.type)) return 'text'
  return fail(
    `key column ${backfill.key} is of type ${column.type || '(none)'}, not an integer or text`,
    'batch by the primary key or another indexed integer or text column',
  )
}

/** The bound before the smallest key: the first batch is `(before, to]`. `null`: the table is empty. */
export async function boundBeforeFirst(
  conn: Connection,
  backfill: ResolvedBackfill,
  kind: KeyKind,
): Promise<unknown> {
  const key = quoteIdentifier(conn.dialect, backfill.key)
  const [row] = await conn.query(`SELECT MIN(${key}) AS m FROM ${quoteTable(conn.dialect, backfill.table)}`)
  const min = row?.m
  if (min == null) return null
  if (kind === 'text') {
    if (min === '') {
      throw new PlumblineError({
        code: 'BACKFILL_INVALID',
        message: `backfill ${JSON.stringify(backfill.name)}: a row of ${backfill.table} has an empty ${backfill.key}`,
        hint: 'no text sorts before an empty key, so no batch could start before it; batch by another column',
      })
    }
    return ''
  }
  if (typeof min === 'bigint') return (min - 1n).toString()
  if (typeof min === 'string' && /^-?\d+$/.test(min)) return (BigInt(min) - 1n).toString()
  return Number(min) - 1
}

/**
 * The next batch after `from`: the `size` smallest keys above it, read by keyset (an index range
 * from `from`, never an OFFSET over the rows already done). One statement yields both the upper
 * bound and the row count; `null` when no key is left. With a key that is not unique, the rows
 * sharing the upper bound all fall in this batch.
 */
export async function nextBatch(
  conn: Connection,
  backfill: ResolvedBackfill,
  from: unknown,
  size: number,
): Promise<BatchBounds | null> {
  const d = conn.dialect
  const key = quoteIdentifier(d, backfill.key)
  const params = new Params(d)
  const [row] = await conn.query(
    `SELECT MAX(k) AS hi, COUNT(*) AS n FROM (
       SELECT ${key} AS k FROM ${quoteTable(d, backfill.table)} WHERE ${key} > ${params.add(from)} ORDER BY ${key} LIMIT ${Math.trunc(size)}
     ) batch`,
    params.values,
  )
  if (row === undefined || row.hi == null || Number(row.n) === 0) return null
  return Object.freeze({ from, to: keyValue(row.hi), rows: Number(row.n) })
}

/** Rows of the batched table after `from`: what is left to do. */
export async function rowsAfter(
  conn: Connection,
  backfill: ResolvedBackfill,
  from: unknown,
): Promise<number> {
  const d = conn.dialect
  const params = new Params(d)
  const [row] = await conn.query(
    `SELECT COUNT(*) AS n FROM ${quoteTable(d, backfill.table)} WHERE ${quoteIdentifier(d, backfill.key)} > ${params.add(from)}`,
    params.values,
  )
  return Number(row?.n ?? 0)
}

/** A key as the checkpoint stores it (JSON): a 64-bit integer the driver gave as bigint, as text. */
function keyValue(value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value
}
