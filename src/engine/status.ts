import type { RevisionStatus, State } from '../state/diagnosis.js'
import { outOfOrderFix } from '../state/late-merge.js'
import { diagnoseSession } from './diagnose.js'
import type { Session } from './session.js'

/** One migration as `status` shows it. */
export interface MigrationStatusLine {
  readonly id: string
  readonly status: RevisionStatus
  readonly appliedAt: string | null
  readonly appliedBy: string | null
  readonly durationMs: number | null
  /** For failed and partial attempts: how far it got and why it stopped. */
  readonly statementsDone: number | null
  readonly statementsTotal: number | null
  /**
   * For a stopped journaled run: statements the live schema proves took effect (the journal may
   * lag one schema statement behind); `null` when it contradicts the journal or was not checked.
   */
  readonly statementsVerified: number | null
  readonly error: string | null
  /** Objects of this revision missing from the live schema. */
  readonly missingObjects: number
}

/** `status`: every migration with its state, the database's state, and who holds the lock. */
export interface StatusResult {
  readonly state: State
  readonly strategy: string
  readonly head: string | null
  readonly tracked: string | null
  readonly migrations: ReadonlyArray<MigrationStatusLine>
  readonly lock: {
    readonly host: string | null
    readonly pid: number | null
    readonly since: string | null
    readonly description: string
  } | null
  readonly problems: number
  /**
   * Migrations merged with a version older than ones applied, never run, when they are all that
   * is wrong: `up --out-of-order` applies them (see `MigrateOptions.outOfOrder`). Empty otherwise,
   * and when one of them changes no schema (whether it ran is for a human to say).
   */
  readonly mergedLate: ReadonlyArray<string>
}

/** Reads the state of every migration. Changes nothing. */
export async function status(session: Session): Promise<StatusResult> {
  const { diagnosis, observation } = await diagnoseSession(session)
  return {
    state: diagnosis.state,
    strategy: diagnosis.strategy,
    head: diagnosis.head,
    tracked: diagnosis.tracked.revision,
    migrations: diagnosis.timeline.map((line) => ({
      id: line.id,
      status: line.status,
      appliedAt: line.row?.appliedAt ?? null,
      appliedBy: line.row?.appliedBy ?? null,
      durationMs: line.row?.durationMs ?? null,
      statementsDone: line.row?.statementsDone ?? null,
      statementsTotal: line.row?.statementsTotal ?? null,
      statementsVerified: line.journal?.verified ?? null,
      error: line.row?.error ?? null,
      missingObjects: line.missingObjects,
    })),
    lock: observation.lock
      ? {
          host: observation.lock.host,
          pid: observation.lock.pid,
          since: observation.lock.since,
          description: observation.lock.description,
        }
      : null,
    problems: diagnosis.problems.filter((p) => p.severity === 'error').length,
    mergedLate: outOfOrderFix(diagnosis),
  }
}
