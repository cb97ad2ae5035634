import type { Connection, Dialect } from '../dialects/dialect.js'
import { PlumblineError } from '../errors/plumbline-error.js'
import { sourceError } from '../source/source-error.js'
import type { CheckReport } from './check-result.js'
import { type IntegrityConfig, selectChecks } from './integrity-config.js'
import { runChecks } from './run-checks.js'
import { ENTRY_NAME } from './spec-reader.js'

/** When a migration's condition is checked: before its first statement, or after its last. */
export type CheckPhase = 'before' | 'after'

/** The checks a migration names as its conditions. */
export interface MigrationChecks {
  readonly before: ReadonlyArray<string>
  readonly after: ReadonlyArray<string>
}

/** A migration without conditions. */
export const NO_MIGRATION_CHECKS: MigrationChecks = Object.freeze({
  before: Object.freeze([]),
  after: Object.freeze([]),
})

/** One condition directive: its phase and the checks it names. */
export interface CheckDirective {
  readonly phase: CheckPhase
  readonly names: ReadonlyArray<string>
}

const CHECK_DIRECTIVE = /^(?:--|\/\/)[ \t]*plumbline:check-(before|after)\b(.*)$/i

/**
 * Reads a condition directive from a header line: `-- plumbline:check-after <name> [<name>…]`
 * in SQL, `// plumbline:check-before <name>` in code. Names are separated by spaces or commas.
 * Returns `undefined` for any other line (the caller's own directives go on as before).
 * Throws `MIGRATION_DIRECTIVE_UNKNOWN` for a condition directive that names no check, or a
 * name no check could have.
 *
 * @example
 * parseCheckDirective('-- plumbline:check-after points-log-matches-daily-stats', '0004_x.sql', 1)
 * // → { phase: 'after', names: ['points-log-matches-daily-stats'] }
 */
export function parseCheckDirective(
  lineText: string,
  file: string,
  line: number,
): CheckDirective | undefined {
  const match = CHECK_DIRECTIVE.exec(lineText.trim())
  if (match === null) return undefined
  const phase = match[1]!.toLowerCase() as CheckPhase
  const names = match[2]!.split(/[\s,]+/).filter((n) => n !== '')
  const bad = names.find((n) => !ENTRY_NAME.test(n))
  if (names.length === 0 || bad !== undefined) {
    throw sourceError({
      code: 'MIGRATION_DIRECTIVE_UNKNOWN',
      file,
      line,
      message:
        names.length === 0
          ? `"${lineText.trim()}" names no check`
          : `"${lineText.trim()}" names ${JSON.stringify(bad)}, which is not a check name`,
      hint: `write plumbline:check-${phase} followed by the names of checks defined under \`checks\` in plumbline.config`,
    })
  }
  return Object.freeze({ phase, names: Object.freeze(names) })
}

/** Gathers a migration's condition directives into one set per phase, each name once. */
export function collectMigrationChecks(directives: Iterable<CheckDirective>): MigrationChecks {
  const before = new Set<string>()
  const after = new Set<string>()
  for (const d of directives) for (const n of d.names) (d.phase === 'before' ? before : after).add(n)
  return Object.freeze({ before: Object.freeze([...before]), after: Object.freeze([...after]) })
}

/**
 * Reads a code migration's `export const checks = { before: [...], after: [...] }` (either key
 * optional). Absent: no conditions. Throws `MIGRATION_CODE_INVALID` for another shape.
 */
export function readCodeMigrationChecks(moduleExports: unknown, file: string): MigrationChecks {
  const exported = (moduleExports as { checks?: unknown } | null)?.checks
  if (exported === undefined) return NO_MIGRATION_CHECKS
  const invalid = (problem: string): never => {
    throw sourceError({
      code: 'MIGRATION_CODE_INVALID',
      file,
      message: `the module's \`checks\` export ${problem}`,
      hint: "export const checks = { before: ['check-name'], after: ['other-check'] }",
    })
  }
  if (typeof exported !== 'object' || exported === null || Array.isArray(exported))
    return invalid('is not an object')
  const record = exported as Record<string, unknown>
  const unknownKey = Object.keys(record).find((k) => k !== 'before' && k !== 'after')
  if (unknownKey !== undefined) invalid(`has the unknown key "${unknownKey}" (only before and after)`)
  const list = (phase: CheckPhase): ReadonlyArray<string> => {
    const value = record[phase] ?? []
    if (!Array.isArray(value) || !value.every((n) => typeof n === 'string' && ENTRY_NAME.test(n))) {
      return invalid(`.${phase} is not an array of check names`)
    }
    return value
  }
  return collectMigrationChecks([
    { phase: 'before', names: list('before') },
    { phase: 'after', names: list('after') },
  ])
}

/**
 * Throws `CHECK_UNKNOWN` when a migration names a check the config does not define. Call it
 * when the migrations are loaded, so a typo stops the run before any migration starts.
 */
export function assertConditionsDefined(
  migrationId: string,
  checks: MigrationChecks,
  config: IntegrityConfig,
): void {
  const unknown = [...checks.before, ...checks.after].filter((n) => !config.checks.has(n))
  if (unknown.length === 0) return
  throw new PlumblineError({
    code: 'CHECK_UNKNOWN',
    message: `migration ${migrationId} names ${unknown.length === 1 ? 'a check' : 'checks'} the config does not define: ${unknown.join(', ')}`,
    hint: 'define it under `checks` in plumbline.config, or fix the name in the migration',
    details: { revision: migrationId, unknown },
  })
}

/**
 * What the migration runner does after a phase's checks:
 * - `continue`: every check passed (or only warned);
 * - `stop`: a `before` check failed or could not run — do not start the migration;
 * - `rollback`: an `after` check failed or could not run — roll the migration's transaction back
 *   (without one, the migration stays applied and the run must stop and say so).
 */
export type ConditionAction = 'continue' | 'stop' | 'rollback'

/** The outcome of one phase's checks. */
export interface ConditionOutcome {
  readonly phase: CheckPhase
  readonly action: ConditionAction
  readonly report: CheckReport
  /** Names of the checks that failed or could not run. */
  readonly failing: ReadonlyArray<string>
}

/**
 * Runs the checks a migration names for one phase. By default it reads through the caller's
 * transaction (`inTransaction: true`: it never opens or ends one), which is what both phases
 * want when the migration runs in a transaction: `before` sees the state the migration starts
 * from, `after` sees the migration's own uncommitted changes. For a migration that runs without
 * a transaction pass `inTransaction: false`: the checks then take their own read snapshot.
 *
 * Never throws for a failing check: the outcome says what to do. Throws `CHECK_UNKNOWN` for a
 * name the config does not define, and a connection error as it comes.
 *
 * @example
 * const before = await runChecksFor(conn, dialect, integrity, migration.checks.before, 'before')
 * if (before.action !== 'continue') throw conditionError(migration.id, before)
 */
export async function runChecksFor(
  conn: Connection,
  dialect: Dialect,
  config: IntegrityConfig,
  names: ReadonlyArray<string>,
  phase: CheckPhase,
  options: { readonly inTransaction?: boolean } = {},
): Promise<ConditionOutcome> {
  if (names.length === 0)
    return Object.freeze({ phase, action: 'continue', report: { checks: [], failed: 0 }, failing: [] })
  const checks = selectChecks(config, names)
  const report = await runChecks(conn, dialect, checks, { inTransaction: options.inTransaction ?? true })
  const failing = report.checks.filter((c) => c.status === 'fail' || c.status === 'error').map((c) => c.name)
  const action: ConditionAction = failing.length === 0 ? 'continue' : phase === 'before' ? 'stop' : 'rollback'
  return Object.freeze({ phase, action, report, failing: Object.freeze(failing) })
}

/**
 * The `CHECK_FAILED` error for a phase that did not pass, naming the checks, their violations
 * and what happened to the migration; the report is in `details`.
 */
export function conditionError(migrationId: string, outcome: ConditionOutcome): PlumblineError {
  const parts = outcome.report.checks
    .filter((c) => outcome.failing.includes(c.name))
    .map((c) =>
      c.status === 'error'
        ? `${c.name} could not run (${c.error?.message ?? 'error'})`
        : `${c.name} found ${c.violations} violations`,
    )
  const what =
    outcome.phase === 'before'
      ? `migration ${migrationId} was not started: a check it requires before it failed`
      : `migration ${migrationId} was rolled back: a check it requires after it failed`
  return new PlumblineError({
    code: 'CHECK_FAILED',
    message: `${what}: ${parts.join('; ')}`,
    hint: `see the samples with \`plumbline check ${outcome.failing.join(' ')}\`, repair the data (plumbline backfill), then run again`,
    details: { revision: migrationId, phase: outcome.phase, report: outcome.report },
  })
}
