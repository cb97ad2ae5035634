import type { DialectName } from '../config/connection-url.js'
import { tokenize } from '../source/sql-lexer.js'
import type { ResolvedCheck, ResolvedCheckOf } from './check-spec.js'
import { columnTypes } from './compile-references.js'
import { type CompiledQuery, sampleLimit } from './compiled-query.js'
import { failFlag, notTrue, Params, quoteIdentifier, quoteTable } from './sql-text.js'
import type { TableFacts } from './table-facts.js'

/** A check decided row by row on one table: these share one scan per table. */
export type RowCheck =
  | ResolvedCheckOf<'notNull'>
  | ResolvedCheckOf<'acceptedValues'>
  | ResolvedCheckOf<'expect'>

/** True for the kinds that are fused into one scan per table. */
export function isRowCheck(check: ResolvedCheck): check is RowCheck {
  return check.kind === 'notNull' || check.kind === 'acceptedValues' || check.kind === 'expect'
}

/** One check of a fused scan: the count column it owns, and how to fetch its samples. */
export interface FusedMember {
  readonly check: RowCheck
  /** The column of the count statement's one row that holds this check's violations. */
  readonly alias: string
  /** The violating rows, primary key first, `sample` of them; run only when the count is not 0. */
  readonly samples: CompiledQuery
}

/** The row checks of one table: one aggregate statement counts the violations of all of them. */
export interface FusedRowChecks {
  readonly table: string
  readonly count: CompiledQuery
  readonly members: ReadonlyArray<FusedMember>
}

/**
 * Fuses the row checks of one table into one scan that returns one row: each check's count of
 * violating rows. PostgreSQL counts with `count(*) FILTER (WHERE (p) IS NOT TRUE)`; SQLite and
 * MySQL, which have no FILTER on aggregates, with `SUM(CASE WHEN (p) THEN 0 ELSE 1 END)`. In both
 * a predicate that is NULL counts as a violation. Samples come from a follow-up query per failing
 * check, which stops after `sample` rows: a passing suite costs exactly one scan per table.
 */
export function compileRowChecks(
  dialect: DialectName,
  table: string,
  checks: ReadonlyArray<RowCheck>,
  facts: TableFacts | undefined,
): FusedRowChecks {
  const params = new Params(dialect)
  const aggregates: string[] = []
  const members: FusedMember[] = checks.map((check, i) => {
    const alias = `c${i}`
    const { good, scope } = predicateOf(dialect, check, params)
    aggregates.push(
      dialect === 'postgres'
        ? `count(*) FILTER (WHERE ${scope === undefined ? '' : `(${scope}) AND `}(${good}) IS NOT TRUE) AS ${alias}`
        : `COALESCE(SUM(${scope === undefined ? failFlag(good) : `CASE WHEN (${scope}) THEN ${failFlag(good)} ELSE 0 END`}), 0) AS ${alias}`,
    )
    return Object.freeze({ check, alias, samples: compileSamples(dialect, table, check, facts) })
  })
  const sql = `SELECT ${aggregates.join(',\n  ')}\nFROM ${quoteTable(dialect, table)}`
  return Object.freeze({
    table,
    count: Object.freeze({ sql, params: params.values, types: {} }),
    members: Object.freeze(members),
  })
}

/** The condition a good row meets (NULL is not good), and the rows it applies to. */
function predicateOf(
  dialect: DialectName,
  check: RowCheck,
  params: Params,
): { good: string; scope?: string } {
  const q = (name: string) => quoteIdentifier(dialect, name)
  switch (check.kind) {
    case 'notNull':
      return { good: check.spec.columns.map((c) => `${q(c)} IS NOT NULL`).join(' AND ') }
    case 'acceptedValues': {
      const column = q(check.spec.column)
      // better-sqlite3 binds no booleans; SQLite stores them as 1 and 0 anyway.
      const values = check.spec.values.map((v) =>
        params.add(dialect === 'sqlite' && typeof v === 'boolean' ? Number(v) : v),
      )
      const inList = `${column} IN (${values.join(', ')})`
      return { good: check.spec.nulls === 'pass' ? `${column} IS NULL OR ${inList}` : inList }
    }
    case 'expect': {
      const good = check.spec.nulls === 'pass' ? `(${check.spec.that}) IS NOT FALSE` : check.spec.that
      return check.spec.where === undefined ? { good } : { good, scope: check.spec.where }
    }
  }
}

function compileSamples(
  dialect: DialectName,
  table: string,
  check: RowCheck,
  facts: TableFacts | undefined,
): CompiledQuery {
  const params = new Params(dialect)
  const q = (name: string) => quoteIdentifier(dialect, name)
  const { good, scope } = predicateOf(dialect, check, params)
  const key = facts?.primaryKey ?? []
  const shown = facts === undefined ? [] : [...new Set([...key, ...checkedColumns(dialect, check, facts)])]
  const where = `${scope === undefined ? '' : `(${scope}) AND `}${notTrue(dialect, good)}`
  const sql =
    `SELECT ${shown.length === 0 ? '*' : shown.map(q).join(', ')} FROM ${quoteTable(dialect, table)}\n` +
    `WHERE ${where}${key.length === 0 ? '' : ` ORDER BY ${key.map(q).join(', ')}`} ${sampleLimit(check.sample)}`
  return Object.freeze({ sql, params: params.values, types: columnTypes(facts, shown) })
}

/** The columns a sample should show: the ones the check names, or the ones its predicate reads. */
function checkedColumns(dialect: DialectName, check: RowCheck, facts: TableFacts): ReadonlyArray<string> {
  if (check.kind === 'notNull') return check.spec.columns
  if (check.kind === 'acceptedValues') return [check.spec.column]
  const byLowerName = new Map([...facts.columns.values()].map((c) => [c.name.toLowerCase(), c]))
  const found = new Set<string>()
  for (const text of [check.spec.that, check.spec.where ?? '']) {
    let tokens: ReturnType<typeof tokenize>
    try {
      tokens = tokenize(text, dialect)
    } catch {
      continue // the server will say what is wrong with the predicate
    }
    for (const t of tokens) {
      const raw = text.slice(t.start, t.end)
      const name =
        t.kind === 'literal' && /^["`[]/.test(raw) ? raw.slice(1, -1) : t.kind === 'word' ? raw : undefined
      const column = name === undefined ? undefined : byLowerName.get(name.toLowerCase())
      if (column) found.add(column.name)
    }
  }
  return [...found].sort((a, b) => facts.columns.get(a)!.position - facts.columns.get(b)!.position)
}
