import { parseConnectionUrl } from '../config/connection-url.js'
import type { Connection, Dialect } from '../dialects/dialect.js'
import { open } from '../dialects/registry.js'
import { type BaselineOptions, type BaselineResult, baseline as baselineSession } from '../engine/baseline.js'
import { type DiagnoseResult, diagnoseSession } from '../engine/diagnose.js'
import { type MigrateOptions, type MigrateResult, migrate as migrateSession } from '../engine/migrate.js'
import { quickHealthy } from '../engine/quick-health.js'
import { type RecoverOptions, type RecoverResult, recover as recoverSession } from '../engine/recover.js'
import { type RevertOptions, type RevertResult, revert } from '../engine/revert.js'
import { openSession, type Session, type SessionOptions } from '../engine/session.js'
import { type StatusResult, status as statusSession } from '../engine/status.js'
import { isPlumblineError, PlumblineError } from '../errors/plumbline-error.js'
import type { ChecksConfig } from '../integrity/check-spec.js'
import { resolveIntegrityConfig } from '../integrity/integrity-config.js'
import { listMigrationChecksums } from '../source/load-migrations.js'
import type { Diagnosis, State } from '../state/diagnosis.js'

/**
 * Where the database and the migrations are: a URL and a folder — and, when migrations name
 * checks as their conditions, the checks (contract §9).
 */
export type Target = Omit<SessionOptions, 'url' | 'integrity'> & {
  readonly url: string
  readonly checks?: ChecksConfig
}

function sessionOptions(options: Target): SessionOptions {
  return {
    ...options,
    integrity: resolveIntegrityConfig({ ...(options.checks ? { checks: options.checks } : {}) }),
  }
}

async function withSession<T>(options: Target, fn: (s: Session) => Promise<T>): Promise<T> {
  const session = await openSession(sessionOptions(options))
  try {
    return await fn(session)
  } finally {
    await session.close()
  }
}

/**
 * Applies pending migrations, each verified against the schema it must produce.
 *
 * @example
 * const result = await migrate({ url: 'sqlite:app.db', dir: './migrations' })
 * if (!result.ok) console.error(result.error?.message)
 */
export function migrate(options: Target & MigrateOptions): Promise<MigrateResult> {
  return withSession({ create: true, ...options }, (s) => migrateSession(s, options))
}

/**
 * Reverts applied migrations with their down sections, verified.
 *
 * @example
 * await rollback({ url, dir: './migrations', steps: 1 })
 */
export function rollback(options: Target & RevertOptions): Promise<RevertResult> {
  return withSession(options, (s) => revert(s, options))
}

/**
 * Records revisions as applied without running them, when the live schema matches.
 *
 * @example
 * await baseline({ url, dir: './migrations', revision: '0004_users_timezone' })
 */
export function baseline(options: Target & BaselineOptions): Promise<BaselineResult> {
  return withSession({ create: true, ...options }, (s) => baselineSession(s, options))
}

/**
 * Every migration with its state.
 *
 * @example
 * const { state, migrations } = await status({ url, dir: './migrations' })
 */
export function status(options: Target): Promise<StatusResult> {
  return withSession({ allowEmpty: true, ...options }, statusSession)
}

/**
 * Classifies the database: state, strategy, problems with evidence, inferred revision, and the
 * plan `recover` would run. Changes nothing.
 *
 * @example
 * const { diagnosis } = await diagnose({ url, dir: './migrations' })
 * console.log(diagnosis.state, diagnosis.strategy)
 */
export function diagnose(options: Target): Promise<DiagnoseResult> {
  return withSession({ allowEmpty: true, ...options }, (s) => diagnoseSession(s))
}

/**
 * Resolves a broken migration state: backup, plan, run, diagnose again, until healthy.
 *
 * @example
 * const result = await recover({ url, dir: './migrations', backup: 'required' })
 */
export function recover(options: Target & RecoverOptions): Promise<RecoverResult> {
  return withSession({ create: true, ...options }, (s) => recoverSession(s, options))
}

/** What `ensureHealthy` did; it never throws. */
export interface HealthResult {
  readonly ok: boolean
  /** The state found at start (`null` when the database could not be reached or read). */
  readonly state: State | null
  /** The full diagnosis, when one was needed (the healthy path needs none). */
  readonly diagnosis: Diagnosis | null
  /** What was done to make it healthy: the plan steps that ran. */
  readonly actions: ReadonlyArray<{
    readonly action: string
    readonly revision?: string
    readonly status: string
  }>
  readonly error?: PlumblineError
}

/**
 * For an application's start-up, on every replica. The healthy path is one round trip: the
 * tracking head and a server-side catalog fingerprint, compared with what was recorded when the
 * head revision was verified. Otherwise it diagnoses, and — with `recover: 'safe'` — runs only
 * strategies that cannot lose data (`'all'`: any the plan allows; `'none'`: only reports).
 * Replicas starting at once queue on the migration lock, and each migration is applied once.
 * It never throws for a database-state problem: `ok` says whether the app may start.
 *
 * @example
 * const health = await ensureHealthy({ url: process.env.DATABASE_URL!, dir: './migrations', recover: 'safe' })
 * if (!health.ok) { console.error(health.error?.message ?? health.state); process.exit(1) }
 */
export async function ensureHealthy(
  options: Target & {
    readonly recover?: 'none' | 'safe' | 'all'
    readonly lockTimeoutMs?: number
    /** Also apply migrations merged late, where they stand, as `up --out-of-order` does. */
    readonly outOfOrder?: boolean
  },
): Promise<HealthResult> {
  let session: Session | undefined
  try {
    const quick = await healthyAtOnce(options)
    if (quick === true) return { ok: true, state: 'healthy', diagnosis: null, actions: [] }
    session = await openSession(
      sessionOptions({
        create: options.recover !== 'none',
        history: 'auto',
        ...options,
        ...(quick === false ? {} : { opened: quick }),
      }),
    )
    const mode = options.recover ?? 'safe'
    if (mode !== 'none' && options.outOfOrder === true) {
      // As `up --out-of-order`; a state up refuses is left to the recovery below.
      const up = await migrateSession(session, {
        outOfOrder: true,
        ...(options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.lockTimeoutMs }),
      })
      const refused = up.error?.code === 'STATE_NEEDS_RECOVERY' || up.error?.code === 'STATE_NEEDS_DECISION'
      if (up.outOfOrder !== undefined || !refused) {
        return {
          ok: up.ok,
          state: up.state,
          diagnosis: up.diagnosis ?? null,
          actions: upActions(up),
          ...(up.error ? { error: up.error } : {}),
        }
      }
    }
    if (mode === 'none') {
      const { diagnosis } = await diagnoseSession(session)
      return { ok: diagnosis.state === 'healthy', state: diagnosis.state, diagnosis, actions: [] }
    }
    const result = await recoverSession(session, {
      safeOnly: mode === 'safe',
      backup: mode === 'all' ? 'auto' : 'off',
      ...(options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.lockTimeoutMs }),
    })
    const actions = result.rounds.flatMap((r) =>
      (r.outcome?.steps ?? []).map((s) => ({
        action: s.step.action,
        ...('revision' in s.step ? { revision: s.step.revision } : {}),
        status: s.status,
      })),
    )
    return {
      ok: result.ok,
      state: result.rounds[0]?.diagnosis.state ?? result.final?.state ?? null,
      diagnosis: result.rounds[0]?.diagnosis ?? result.final,
      actions,
      ...(result.error ? { error: result.error } : {}),
    }
  } catch (error) {
    const e = isPlumblineError(error)
      ? error
      : new PlumblineError({
          code: 'INTERNAL',
          message: error instanceof Error ? error.message : String(error),
          cause: error,
        })
    return { ok: false, state: null, diagnosis: null, actions: [], error: e }
  } finally {
    await session?.close()
  }
}

/**
 * The steps of an `up` that ran, as `ensureHealthy` reports them: every step of a plan that
 * completed; of one that stopped, the revisions it applied.
 */
function upActions(up: MigrateResult): HealthResult['actions'] {
  const status = new Map(up.applied.map((a) => [a.revision, a.status === 'skipped' ? 'skipped' : 'done']))
  if (!up.ok)
    return [...status].map(([revision, done]) => ({ action: 'apply_migration', revision, status: done }))
  return up.plan.steps.map((step) => ({
    action: step.action,
    ...('revision' in step ? { revision: step.revision } : {}),
    status: ('revision' in step ? status.get(step.revision) : undefined) ?? 'done',
  }))
}

/**
 * The healthy path: the folder's ids and checksums (no file is parsed), a connection, one
 * statement. `false` sends the caller down the full path, which loads and validates everything
 * and reports what is wrong. A server that cannot be reached or refuses the login is reported
 * from here (trying again would double a connect timeout); a SQLite file that does not exist yet
 * takes the full path, which may create it. Not healthy: the open connection, for the full path to
 * use instead of connecting again.
 */
async function healthyAtOnce(
  options: Target,
): Promise<true | false | { readonly dialect: Dialect; readonly conn: Connection }> {
  const target = parseConnectionUrl(options.url)
  const listed = await listMigrationChecksums(options.dir)
  let opened: Awaited<ReturnType<typeof open>>
  try {
    opened = await open(target, { create: false })
  } catch (error) {
    if (target.dialect === 'sqlite') return false
    throw error
  }
  let healthy: boolean
  try {
    healthy = await quickHealthy(opened.conn, opened.dialect, listed)
  } catch (error) {
    await opened.conn.close()
    throw error
  }
  if (!healthy) return opened
  await opened.conn.close()
  return true
}
