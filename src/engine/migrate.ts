import { isPlumblineError, PlumblineError } from '../errors/plumbline-error.js'
import type { AppliedRevision } from '../execute/apply-revision.js'
import { executePlan } from '../execute/execute-plan.js'
import type { Plan, PlanStep } from '../plan/plan.js'
import { cosmeticEditSteps, statementsOf } from '../plan/plan-recovery.js'
import { analyze } from '../state/analyze.js'
import type { Diagnosis, State } from '../state/diagnosis.js'
import { lateMerged } from '../state/late-merge.js'
import type { Observation } from '../state/observation.js'
import { trackingTablesDdl } from '../tracking/tracking-tables.js'
import { observe } from './observe.js'
import { type Misfit, preflight } from './preflight.js'
import { quickHealthy, recordHealthyCatalog } from './quick-health.js'
import { stateRefusal } from './refusal.js'
import type { Session } from './session.js'
import { DEFAULT_LOCK_TIMEOUT_MS, withMigrationLock } from './with-lock.js'

/** Options of `up`. */
export interface MigrateOptions {
  /** Apply up to and including this revision. */
  readonly to?: string
  /** Print the plan; write nothing at all (no tracking table, no lock). */
  readonly dryRun?: boolean
  readonly lockTimeoutMs?: number
  /**
   * Also apply migrations merged with a version older than ones already applied (`OUT_OF_ORDER`,
   * none of their effects in the database), where they stand, before the pending ones: each
   * pre-flighted and verified as any other, and the database diagnosed at head afterwards.
   */
  readonly outOfOrder?: boolean
}

/** What `up` did. Errors are values here: `ok` false with `error` set. */
export interface MigrateResult {
  readonly ok: boolean
  /** The state before `up` ran (`null` when it could not be diagnosed). */
  readonly state: State | null
  readonly plan: Plan
  readonly applied: ReadonlyArray<AppliedRevision>
  /**
   * Applied revisions whose files were edited in whitespace or comments only: their new
   * checksums were recorded (audited) before anything was applied.
   */
  readonly acceptedEdits?: ReadonlyArray<string>
  /** Revisions applied out of order on request (`outOfOrder`), in the order they were applied. */
  readonly outOfOrder?: ReadonlyArray<string>
  /** Absent on the one-round-trip healthy path. */
  readonly diagnosis?: Diagnosis
  readonly error?: PlumblineError
}

/**
 * `up`: applies pending migrations with verification. Refuses — before any change — when the
 * database is not fresh, healthy or pending, or when a pending migration does not fit the live
 * schema. Under the migration lock, so racing processes apply each migration exactly once.
 */
export async function migrate(session: Session, options: MigrateOptions = {}): Promise<MigrateResult> {
  const empty: Plan = { steps: [], blockers: [] }
  try {
    if (
      options.to === undefined &&
      !options.dryRun &&
      (await quickHealthy(session.conn, session.dialect, session.migrations))
    ) {
      return { ok: true, state: 'healthy', plan: empty, applied: [] }
    }
    if (options.to !== undefined && !session.migrations.some((m) => m.id === options.to)) {
      throw new PlumblineError({
        code: 'UNKNOWN_TARGET_REVISION',
        message: `--to ${options.to}: no migration has that id`,
        hint: `ids are file names without extension, e.g. ${session.migrations.at(-1)?.id ?? '0001_init'}`,
      })
    }
    // On a server, the history file is read while the server reads its catalog for the
    // observation (the read is sent first); SQLite reads in this process, so nothing overlaps.
    let ctx = session.dialect.name === 'sqlite' ? await session.context() : undefined
    const run = async (): Promise<MigrateResult | typeof REPLAY> => {
      const observing = observe(session.conn, session.dialect, session.migrations, {
        lockHeld: !options.dryRun,
      })
      if (ctx === undefined) {
        // Awaited below; a failure of the file must not leave it unhandled meanwhile.
        observing.catch(() => {})
        // A history that must be replayed on a shadow takes seconds: never under the lock.
        if ((await session.projectFromFile()) === undefined) {
          await observing
          return REPLAY
        }
        ctx = await session.context()
      }
      const observed = await observing
      // What the database is (reported), and what up goes on from (see below).
      const found = analyze(observed, ctx.history)
      let observation = observed
      let diagnosis = found
      // A whitespace- or comment-only edit of an applied file changes nothing that ran (a checkout
      // with other line endings, a comment fixed): up records the file's checksum, audited, and
      // goes on from the state the database is in underneath.
      // Out of order, a late merge may be what the database shows first: the edits are looked
      // for whatever the state.
      const edits = cosmeticEditSteps(found, { inAnyState: options.outOfOrder === true })
      let accepting: typeof edits = []
      if (edits.length > 0) {
        const accepted = acceptEdits(
          observed,
          edits.map((e) => e.revision),
        )
        const underneath = analyze(accepted, ctx.history)
        if (
          ['fresh', 'healthy', 'pending'].includes(underneath.state) ||
          (options.outOfOrder && lateMerged(underneath).length > 0)
        ) {
          observation = accepted
          diagnosis = underneath
          accepting = edits
        }
      }
      // Migrations merged late, applied where they stand on request: what is pending underneath.
      const late = options.outOfOrder ? lateMerged(diagnosis) : []
      if (late.length > 0)
        diagnosis = { ...diagnosis, state: 'pending', pending: [...late, ...diagnosis.pending] }
      if (!['fresh', 'healthy', 'pending'].includes(diagnosis.state)) {
        // An object a pending revision creates, already there with another definition, reads as
        // drift: pre-flight names the collision and both definitions, so it speaks first.
        if (diagnosis.state === 'drift') {
          const misfits = preflight(ctx.history, observation.live, diagnosis.pending)
          if (misfits.length > 0) throw preflightFailed(misfits, diagnosis.state)
        }
        const lateProblems = diagnosis.problems.filter(
          (p) => p.code === 'OUT_OF_ORDER' && p.evidence?.lateMerge === true,
        )
        const lateIds = lateProblems.map((p) => p.revision as string)
        // With the option, a late merge is only still here when more is wrong than it.
        const refusal = stateRefusal(
          'up',
          diagnosis,
          options.outOfOrder && lateIds.length > 0
            ? [
                `  --out-of-order applies ${lateIds.join(', ')} only when ${lateIds.length === 1 ? 'its' : 'their'} missing effects are all that is wrong with the database: here, more is`,
              ]
            : [],
        )
        if (!options.outOfOrder && lateMerged(diagnosis).length > 0) {
          throw new PlumblineError({
            code: refusal.code,
            message: refusal.message,
            hint: lateMergeHint(lateProblems, diagnosis.tracked.revision, session.migrations.at(-1)!.id),
            ...(refusal.details ? { details: refusal.details } : {}),
          })
        }
        throw refusal
      }
      if (diagnosis.state === 'healthy' && !options.dryRun && accepting.length === 0)
        await recordHealthyCatalog(session)
      const upTo =
        options.to === undefined ? diagnosis.pending.length : diagnosis.pending.indexOf(options.to) + 1
      if (options.to !== undefined && upTo === 0 && accepting.length === 0) {
        return { ok: true, state: found.state, plan: empty, applied: [], diagnosis: found }
      }
      const pending = diagnosis.pending.slice(0, upTo)
      const misfits = preflight(ctx.history, observation.live, pending)
      if (misfits.length > 0) throw preflightFailed(misfits, diagnosis.state)
      const steps: PlanStep[] = [...accepting]
      if (!observation.tracking.exists) {
        steps.push({
          action: 'create_tracking_tables',
          description: 'create plumbline_migrations and plumbline_events',
          sql: trackingTablesDdl(session.dialect.name),
        })
      }
      const byId = new Map(session.migrations.map((m) => [m.id, m] as const))
      for (const id of pending) {
        const m = byId.get(id)!
        steps.push({
          action: 'apply_migration',
          revision: id,
          description: late.includes(id) ? `apply ${id} out of order, verified` : `apply ${id}, verified`,
          sql: statementsOf(m),
          ...(late.includes(id) ? { outOfOrder: true as const } : {}),
        })
      }
      const plan: Plan = { steps, blockers: [] }
      if (options.dryRun) return { ok: true, state: found.state, plan, applied: [], diagnosis: found }
      let outcome = await executePlan(ctx, plan)
      // Healthy underneath, and nothing applied wrote the head row's catalog fingerprint.
      if (outcome.ok && accepting.length > 0 && diagnosis.pending.length === 0)
        await recordHealthyCatalog(session)
      // Out of order, each migration's own effect was verified; that they add up to the head's
      // schema is checked here, by a diagnosis of the whole database.
      if (outcome.ok && late.length > 0 && upTo === diagnosis.pending.length) {
        const after = analyze(
          await observe(session.conn, session.dialect, session.migrations, { lockHeld: true }),
          ctx.history,
        )
        if (after.state === 'healthy') await recordHealthyCatalog(session)
        else outcome = { ...outcome, ok: false, error: notAtHead(after) }
      }
      const applied = outcome.steps.flatMap((s) => (s.applied ? [s.applied] : []))
      const acceptedEdits = outcome.steps.flatMap((s) =>
        s.step.action === 'update_checksum' && s.status === 'done' ? [s.step.revision] : [],
      )
      return {
        ok: outcome.ok,
        state: found.state,
        plan,
        applied,
        ...(acceptedEdits.length > 0 ? { acceptedEdits } : {}),
        ...(late.length > 0
          ? { outOfOrder: applied.filter((a) => late.includes(a.revision)).map((a) => a.revision) }
          : {}),
        diagnosis: found,
        ...(outcome.error ? { error: outcome.error } : {}),
      }
    }
    const attempt = () =>
      options.dryRun
        ? run()
        : withMigrationLock(
            session,
            options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
            run,
            // A history file that does not read is reported without waiting for another's lock.
            ctx === undefined ? { whileWaiting: () => session.projectFromFile() } : {},
          )
    const result = await attempt()
    if (result !== REPLAY) return result
    ctx = await session.context()
    const again = await attempt()
    if (again === REPLAY) throw new Error('migrate: the history was loaded, yet asked for again')
    return again
  } catch (error) {
    if (!isPlumblineError(error)) throw error
    return {
      ok: false,
      state: (error.details?.state as State | undefined) ?? null,
      plan: empty,
      applied: [],
      error,
    }
  }
}

/** The observation as it reads once the edited files' checksums are recorded. */
function acceptEdits(observation: Observation, revisions: ReadonlyArray<string>): Observation {
  const files = new Map(observation.migrations.map((m) => [m.id, m] as const))
  const rows = observation.tracking.rows.map((row) =>
    revisions.includes(row.revision) ? { ...row, checksum: files.get(row.revision)!.checksum } : row,
  )
  return { ...observation, tracking: { ...observation.tracking, rows } }
}

/**
 * The way on from migrations merged late: up --out-of-order, or a newer version. A data-only one
 * may have run with its row lost: then baseline records it.
 */
function lateMergeHint(
  late: ReadonlyArray<Diagnosis['problems'][number]>,
  tracked: string | null,
  head: string,
): string {
  const ids = late.map((p) => p.revision as string)
  const one = ids.length === 1
  if (late.some((p) => p.evidence?.schemaNeutral === true))
    return `decide whether ${ids.join(', ')} ran: if not, apply ${one ? 'it' : 'them'} where ${one ? 'it stands' : 'they stand'} with \`plumbline up --out-of-order\`; if ${one ? 'it' : 'they'} did and the row was lost, record ${one ? 'it' : 'them'} with \`plumbline baseline --revision ${tracked ?? head}\``
  return `apply ${ids.join(', ')} where ${one ? 'it stands' : 'they stand'} with \`plumbline up --out-of-order\` (each is verified, then the whole schema), or give ${one ? 'it' : 'each'} a version after ${head}`
}

function notAtHead(after: Diagnosis): PlumblineError {
  const problems = after.problems.filter((p) => p.severity === 'error').map((p) => `  - ${p.message}`)
  return new PlumblineError({
    code: 'STATE_NEEDS_DECISION',
    message: `the migrations applied out of order each took effect, but together they do not make the schema the migrations define: the database is now ${after.state.replace(/_/g, ' ')}${
      problems.length > 0 ? `:\n${problems.join('\n')}` : ''
    }`,
    hint: 'run `plumbline diagnose --detailed` for the differences: a migration merged late conflicts with one applied before it',
    details: { state: after.state, problems: after.problems.map((p) => p.code) },
  })
}

/** What a run under the lock answers when the history must first be replayed on a shadow. */
const REPLAY = Symbol('replay')

function preflightFailed(misfits: ReadonlyArray<Misfit>, state: State): PlumblineError {
  return new PlumblineError({
    code: 'PREFLIGHT_FAILED',
    message: `up refused before any change: ${misfits.length === 1 ? 'a pending migration does' : `${misfits.length} pending migrations do`} not fit the live schema:\n${misfits.map((m) => `  - ${m.message}`).join('\n')}`,
    hint: 'decide what the existing object should be (rename or drop it, or change the migration), then run up again',
    details: { misfits, state },
  })
}
