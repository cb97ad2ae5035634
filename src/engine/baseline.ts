import { isPlumblineError, PlumblineError } from '../errors/plumbline-error.js'
import { executePlan } from '../execute/execute-plan.js'
import type { Plan, PlanStep } from '../plan/plan.js'
import { diff } from '../schema/diff.js'
import { describeObject, objectKey } from '../schema/model.js'
import { analyze } from '../state/analyze.js'
import { trackingTablesDdl } from '../tracking/tracking-tables.js'
import { observe } from './observe.js'
import type { Session } from './session.js'
import { DEFAULT_LOCK_TIMEOUT_MS, withMigrationLock } from './with-lock.js'

/** Options of `baseline`. */
export interface BaselineOptions {
  /** The revision to record (default: the last migration). */
  readonly revision?: string
  /** Record it even though the live schema does not match (the differences are audited). */
  readonly force?: boolean
  readonly dryRun?: boolean
  readonly lockTimeoutMs?: number
}

/** What `baseline` did. */
export interface BaselineResult {
  readonly ok: boolean
  readonly plan: Plan
  readonly error?: PlumblineError
}

/**
 * `baseline`: records revisions up to one as applied without running them — refused when the live
 * schema does not match that revision's expected schema, unless `force`.
 */
export async function baseline(session: Session, options: BaselineOptions = {}): Promise<BaselineResult> {
  const empty: Plan = { steps: [], blockers: [] }
  try {
    const ctx = await session.context()
    const id = options.revision ?? session.migrations.at(-1)?.id
    const at = session.migrations.findIndex((m) => m.id === id)
    if (id === undefined || at < 0) {
      throw new PlumblineError({
        code: 'UNKNOWN_TARGET_REVISION',
        message: `--revision ${id}: no migration has that id`,
        hint: 'see `plumbline status`',
      })
    }
    const run = async (): Promise<BaselineResult> => {
      const observation = await observe(session.conn, session.dialect, session.migrations, {
        lockHeld: !options.dryRun,
      })
      const diagnosis = analyze(observation, ctx.history)
      const d = diff(ctx.history.revisions[at]!.schema, observation.live)
      const managed = new Set(ctx.history.revisions.flatMap((r) => r.schema.objects.map(objectKey)))
      const surplus = d.extra.filter((o) => managed.has(objectKey(o)))
      const differences = [
        ...d.missing.map((o) => `${describeObject(o)} is missing`),
        ...d.changed.map(
          (c) =>
            `${describeObject(c.expected)} differs\n      expected: ${c.expected.definition}\n      found:    ${c.actual.definition}`,
        ),
        ...surplus.map((o) => `${describeObject(o)} exists, but ${id} does not have it yet`),
      ]
      if (differences.length > 0 && !options.force) {
        throw new PlumblineError({
          code: 'BASELINE_REFUSED',
          message: `baseline refused: the live schema does not match ${id}:\n${differences.map((x) => `  - ${x}`).join('\n')}`,
          hint: diagnosis.inferred?.exact
            ? `the schema matches ${diagnosis.inferred.revision ?? 'no revision (empty)'} exactly: baseline --revision ${diagnosis.inferred.revision}`
            : 'run `plumbline diagnose` to see which revision the schema is nearest to; --force records it anyway',
          details: { differences },
        })
      }
      const recorded = new Set(
        observation.tracking.rows.filter((r) => r.status === 'applied').map((r) => r.revision),
      )
      const revisions = session.migrations
        .slice(0, at + 1)
        .map((m) => m.id)
        .filter((r) => !recorded.has(r))
      const steps: PlanStep[] = []
      if (!observation.tracking.exists) {
        steps.push({
          action: 'create_tracking_tables',
          description: 'create plumbline_migrations and plumbline_events',
          sql: trackingTablesDdl(session.dialect.name),
        })
      }
      if (revisions.length > 0) {
        steps.push({
          action: 'record_applied',
          revisions,
          description: `record ${revisions.length} revision(s) up to ${id} as applied without running them`,
          reason:
            differences.length === 0
              ? `baseline: the live schema matches ${id}`
              : `baseline --force despite: ${differences.join('; ')}`,
          sql: [],
        })
      }
      const plan: Plan = { steps, blockers: [] }
      if (options.dryRun) return { ok: true, plan }
      const outcome = await executePlan(ctx, plan)
      return { ok: outcome.ok, plan, ...(outcome.error ? { error: outcome.error } : {}) }
    }
    return options.dryRun
      ? await run()
      : await withMigrationLock(session, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, run)
  } catch (error) {
    if (!isPlumblineError(error)) throw error
    return { ok: false, plan: empty, error }
  }
}
