import { isPlumblineError, PlumblineError } from '../errors/plumbline-error.js'
import type { AppliedRevision } from '../execute/apply-revision.js'
import { executePlan } from '../execute/execute-plan.js'
import type { Plan, PlanStep } from '../plan/plan.js'
import { analyze } from '../state/analyze.js'
import { CODE_SUPPORT } from './code-migrations.js'
import { observe } from './observe.js'
import { stateRefusal } from './refusal.js'
import type { Session } from './session.js'
import { DEFAULT_LOCK_TIMEOUT_MS, withMigrationLock } from './with-lock.js'

/** Options of `down`: revert to just after `to`, or the last `steps` revisions (default 1). */
export interface RevertOptions {
  readonly to?: string
  readonly steps?: number
  readonly dryRun?: boolean
  readonly lockTimeoutMs?: number
}

/** What `down` did. */
export interface RevertResult {
  readonly ok: boolean
  readonly plan: Plan
  readonly reverted: ReadonlyArray<AppliedRevision>
  readonly error?: PlumblineError
}

/**
 * `down`: runs down sections, newest first, each verified against the schema of the revision
 * before it. Refuses before any change when a revision to revert has no down section, or the
 * database is not healthy or pending.
 */
export async function revert(session: Session, options: RevertOptions = {}): Promise<RevertResult> {
  const empty: Plan = { steps: [], blockers: [] }
  try {
    const ctx = await session.context()
    const run = async (): Promise<RevertResult> => {
      const observation = await observe(session.conn, session.dialect, session.migrations, {
        lockHeld: !options.dryRun,
      })
      const diagnosis = analyze(observation, ctx.history)
      if (!['healthy', 'pending'].includes(diagnosis.state)) throw stateRefusal('down', diagnosis)
      const trackedIndex = session.migrations.findIndex((m) => m.id === diagnosis.tracked.revision)
      let from: number
      if (options.to !== undefined) {
        const at = session.migrations.findIndex((m) => m.id === options.to)
        if (at < 0) {
          throw new PlumblineError({
            code: 'UNKNOWN_TARGET_REVISION',
            message: `--to ${options.to}: no migration has that id`,
            hint: 'see `plumbline status`',
          })
        }
        from = at + 1
      } else from = Math.max(0, trackedIndex + 1 - (options.steps ?? 1))
      const targets = session.migrations.slice(from, trackedIndex + 1).reverse()
      for (const m of targets) {
        const hasDown =
          m.kind === 'sql'
            ? m.down !== undefined
            : typeof (await CODE_SUPPORT.loadCode!(m)).down === 'function'
        if (!hasDown) {
          throw new PlumblineError({
            code: 'NO_DOWN_SECTION',
            message: `down refused before any change: ${m.id} has no down section`,
            hint: `add a "-- plumbline:down" section to ${m.path} (or export down(ctx)), or write a new migration that undoes it`,
          })
        }
      }
      const steps: PlanStep[] = targets.map((m) => ({
        action: 'revert_migration',
        revision: m.id,
        description: `revert ${m.id}, verified`,
        sql: m.kind === 'sql' ? m.down!.statements.map((s) => s.sql) : [`-- ${m.path}: down(ctx)`],
      }))
      const plan: Plan = { steps, blockers: [] }
      if (options.dryRun) return { ok: true, plan, reverted: [] }
      const outcome = await executePlan(ctx, plan)
      return {
        ok: outcome.ok,
        plan,
        reverted: outcome.steps.flatMap((s) => (s.applied ? [s.applied] : [])),
        ...(outcome.error ? { error: outcome.error } : {}),
      }
    }
    return options.dryRun
      ? await run()
      : await withMigrationLock(session, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, run)
  } catch (error) {
    if (!isPlumblineError(error)) throw error
    return { ok: false, plan: empty, reverted: [], error }
  }
}
