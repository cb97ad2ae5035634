import type { Plan } from '../plan/plan.js'
import { planRecovery } from '../plan/plan-recovery.js'
import { analyze } from '../state/analyze.js'
import type { Diagnosis } from '../state/diagnosis.js'
import type { Observation } from '../state/observation.js'
import { trackingTablesDdl } from '../tracking/tracking-tables.js'
import { observe } from './observe.js'
import type { Session } from './session.js'

/** A diagnosis with the plan `recover` would run for it, and what was observed. */
export interface DiagnoseResult {
  readonly diagnosis: Diagnosis
  readonly plan: Plan
  readonly observation: Observation
}

/**
 * Compares history, live schema and tracking table; changes nothing, creates nothing in the
 * target database (a shadow replay, when the history file is stale, happens elsewhere).
 */
export async function diagnoseSession(
  session: Session,
  options: { readonly migrate?: boolean; readonly lockHeld?: boolean } = {},
): Promise<DiagnoseResult> {
  const project = await session.project()
  const observation = await observe(session.conn, session.dialect, session.migrations, {
    lockHeld: options.lockHeld ?? false,
  })
  const diagnosis = analyze(observation, project.history)
  const plan = planRecovery({
    diagnosis,
    history: project.history,
    migrations: session.migrations,
    live: observation.live,
    tracking: observation.tracking,
    renderer: session.dialect.renderer,
    trackingDdl: trackingTablesDdl(session.dialect.name),
    migrate: options.migrate ?? true,
    transactionalDdl: session.dialect.capabilities.transactionalDdl,
  })
  return { diagnosis, plan, observation }
}
