import type { Connection, Dialect, Row } from '../dialects/dialect.js'
import { isPlumblineError } from '../errors/plumbline-error.js'
import { type CheckReport, type CheckResult, makeReport, type SampleRow } from './check-result.js'
import type { ResolvedCheck } from './check-spec.js'
import { compileReconcile } from './compile-reconcile.js'
import { compileReferences } from './compile-references.js'
import { compileRowChecks, type FusedMember, isRowCheck, type RowCheck } from './compile-row-checks.js'
import { compileSqlCheck } from './compile-sql-check.js'
import { compileUnique } from './compile-unique.js'
import type { CompiledQuery } from './compiled-query.js'
import { isolatedQuery } from './isolated-query.js'
import { raiseTempTableLimits } from './mysql-temp-tables.js'
import { proveCheck } from './prove-check.js'
import { openReadSnapshot } from './read-snapshot.js'
import { sampleRow, totalOf } from './sample-values.js'
import { splitTableName, type TableFacts, tableFacts } from './table-facts.js'

/** How to run a set of checks. */
export interface RunChecksOptions {
  /**
   * The caller holds a transaction on `conn` (a migration's): the checks read through it and
   * see its uncommitted changes. Otherwise (the default) the run opens its own read-only snapshot.
   */
  readonly inTransaction?: boolean
}

/**
 * Runs checks against one connection, all through one consistent snapshot, and reports each.
 * Never throws for a check that cannot run (a bad column, a missing table): that check's status
 * is `error` with the server's message, and the others still run. Throws only when the
 * connection itself fails.
 *
 * Costs, per run: one catalog read of the tables involved; nothing for a check a constraint
 * proves; one scan per table for all of its row checks (`notNull`, `acceptedValues`, `expect`),
 * plus a short sample query per failing one; one statement per other check.
 *
 * @example
 * const { checks } = resolveIntegrityConfig(config)
 * const report = await runChecks(conn, dialect, [...checks.values()])
 * if (report.failed > 0) process.exitCode = 1
 */
export async function runChecks(
  conn: Connection,
  dialect: Dialect,
  checks: ReadonlyArray<ResolvedCheck>,
  options: RunChecksOptions = {},
): Promise<CheckReport> {
  if (checks.length === 0) return makeReport([])
  const grouping = checks.some((c) => c.kind === 'reconcile' || c.kind === 'unique')
  const restore = grouping ? await raiseTempTableLimits(conn) : async () => {}
  try {
    const snapshot = options.inTransaction ? undefined : await openReadSnapshot(conn)
    try {
      return makeReport(await runInside(conn, dialect, checks))
    } finally {
      await snapshot?.end()
    }
  } finally {
    await restore()
  }
}

async function runInside(
  conn: Connection,
  dialect: Dialect,
  checks: ReadonlyArray<ResolvedCheck>,
): Promise<CheckResult[]> {
  const facts = await readFacts(conn, dialect, checks)
  const results = new Map<string, CheckResult>()
  const rowChecks = new Map<string, RowCheck[]>()
  for (const check of checks) {
    const proof = proveCheck(check, facts)
    if (proof !== undefined) {
      results.set(check.name, proven(check, proof))
      continue
    }
    if (isRowCheck(check)) {
      const list = rowChecks.get(check.spec.table) ?? []
      list.push(check)
      rowChecks.set(check.spec.table, list)
    }
  }
  for (const [table, list] of rowChecks) {
    for (const result of await runRowChecks(conn, table, list, facts.get(table)))
      results.set(result.name, result)
  }
  for (const check of checks) {
    if (results.has(check.name) || isRowCheck(check)) continue
    results.set(check.name, await runSingle(conn, check, facts))
  }
  return checks.map((c) => results.get(c.name)!)
}

/** The schema facts of every table a check reads by name (a `sql` check reads none by name). */
async function readFacts(
  conn: Connection,
  dialect: Dialect,
  checks: ReadonlyArray<ResolvedCheck>,
): Promise<ReadonlyMap<string, TableFacts>> {
  const tables = new Set<string>()
  for (const check of checks) {
    if (check.kind === 'reconcile') tables.add(check.spec.left.table).add(check.spec.right.table)
    else if (check.kind === 'references') tables.add(check.spec.from.table).add(check.spec.to.table)
    else if (check.kind !== 'sql') tables.add(check.spec.table)
  }
  if (tables.size === 0) return new Map()
  const schema = await dialect.introspect(conn, { only: [...tables].map(splitTableName) })
  return tableFacts(schema, tables, conn.dialect)
}

async function runSingle(
  conn: Connection,
  check: Exclude<ResolvedCheck, RowCheck>,
  facts: ReadonlyMap<string, TableFacts>,
): Promise<CheckResult> {
  const d = conn.dialect
  let compiled: CompiledQuery
  let aggregates: ReadonlySet<string> = new Set()
  switch (check.kind) {
    case 'reconcile':
      compiled = compileReconcile(d, check.spec, check.sample, facts)
      aggregates = new Set(['left', 'right'])
      break
    case 'references':
      compiled = compileReferences(d, check.spec, check.sample, facts)
      break
    case 'unique':
      compiled = compileUnique(d, check.spec, check.sample, facts)
      aggregates = new Set(['rows', 'plumbline_rows'])
      break
    case 'sql':
      compiled = compileSqlCheck(check.spec, check.sample)
      break
  }
  let rows: Row[]
  try {
    rows = await isolatedQuery(conn, compiled.sql, compiled.params)
  } catch (error) {
    return failedToRun(check, error)
  }
  const samples = rows.slice(0, check.sample).map((r) => sampleRow(r, compiled.types, aggregates))
  return judged(check, totalOf(rows), samples)
}

/** One scan for all row checks of a table; a scan that fails is retried check by check. */
async function runRowChecks(
  conn: Connection,
  table: string,
  checks: ReadonlyArray<RowCheck>,
  facts: TableFacts | undefined,
): Promise<CheckResult[]> {
  const fused = compileRowChecks(conn.dialect, table, checks, facts)
  let counts: Row | undefined
  try {
    counts = (await isolatedQuery(conn, fused.count.sql, fused.count.params))[0]
  } catch (error) {
    if (checks.length === 1) return [failedToRun(checks[0]!, error)]
    // One bad predicate fails the shared scan: find which, so the others still report.
    const results: CheckResult[] = []
    for (const check of checks) results.push(...(await runRowChecks(conn, table, [check], facts)))
    return results
  }
  const results: CheckResult[] = []
  for (const member of fused.members)
    results.push(await memberResult(conn, member, Number(counts?.[member.alias] ?? 0)))
  return results
}

async function memberResult(conn: Connection, member: FusedMember, violations: number): Promise<CheckResult> {
  const { check, samples } = member
  if (violations === 0 || check.sample === 0) return judged(check, violations, [])
  try {
    const rows = await isolatedQuery(conn, samples.sql, samples.params)
    return judged(
      check,
      violations,
      rows.slice(0, check.sample).map((r) => sampleRow(r, samples.types)),
    )
  } catch (error) {
    return failedToRun(check, error)
  }
}

function base(check: ResolvedCheck) {
  return {
    name: check.name,
    kind: check.kind,
    severity: check.severity,
    ...(check.description === undefined ? {} : { description: check.description }),
  }
}

function judged(check: ResolvedCheck, violations: number, samples: ReadonlyArray<SampleRow>): CheckResult {
  const status = violations === 0 ? 'pass' : check.severity === 'warn' ? 'warn' : 'fail'
  return Object.freeze({ ...base(check), status, violations, samples: Object.freeze([...samples]) })
}

function proven(check: ResolvedCheck, by: string): CheckResult {
  return Object.freeze({
    ...base(check),
    status: 'pass',
    violations: 0,
    samples: Object.freeze([]),
    proven: true,
    provenBy: by,
  })
}

/**
 * A check the server refused to run. Only statement errors are a check's own; a lost connection
 * or a refused login is the run's, and is thrown.
 */
function failedToRun(check: ResolvedCheck, error: unknown): CheckResult {
  if (!isPlumblineError(error) || (error.code !== 'QUERY_FAILED' && error.code !== 'PERMISSION_DENIED'))
    throw error
  const detail = (error.details as { detail?: unknown } | undefined)?.detail
  return Object.freeze({
    ...base(check),
    status: 'error',
    violations: null,
    samples: Object.freeze([]),
    error: Object.freeze({
      code: error.code,
      message: error.message,
      ...(typeof detail === 'string' ? { detail } : {}),
    }),
  })
}
