import type { SchemaObject } from '../schema/model.js'

/** One step of a plan. Every step carries the SQL it will run (possibly none) and why. */
export type PlanStep =
  | {
      readonly action: 'create_tracking_tables'
      readonly description: string
      readonly sql: ReadonlyArray<string>
    }
  | {
      /** Records revisions as applied without running them (baseline, initialize_tracking). */
      readonly action: 'record_applied'
      readonly description: string
      readonly sql: ReadonlyArray<string>
      readonly revisions: ReadonlyArray<string>
      readonly reason: string
    }
  | {
      /** Replaces the tracking rows with what the schema shows (the old rows go to the audit log). */
      readonly action: 'rewrite_tracking'
      readonly description: string
      readonly sql: ReadonlyArray<string>
      /** Revisions to record as applied, in order; every other row is removed. */
      readonly revisions: ReadonlyArray<string>
      /** The table's columns are damaged: set it aside (renamed, never dropped) and create it anew. */
      readonly rebuildTable: boolean
      readonly reason: string
    }
  | {
      /** Accepts a whitespace- or comment-only edit of an applied file. */
      readonly action: 'update_checksum'
      readonly description: string
      readonly sql: ReadonlyArray<string>
      readonly revision: string
    }
  | {
      /** Runs a revision again, verified, because none of its effects are there. */
      readonly action: 'rerun_revision'
      readonly description: string
      readonly sql: ReadonlyArray<string>
      readonly revision: string
    }
  | {
      /** Creates the missing objects of a partly applied revision from their expected definitions. */
      readonly action: 'create_missing_objects'
      readonly description: string
      readonly sql: ReadonlyArray<string>
      readonly revision: string
      readonly objects: ReadonlyArray<SchemaObject>
    }
  | {
      /** Continues a migration that stopped part-way, after its last statement that took effect. */
      readonly action: 'resume_migration'
      readonly description: string
      readonly sql: ReadonlyArray<string>
      readonly revision: string
      readonly fromStatement: number
    }
  | {
      /** Clears the record of an attempt that rolled back completely, so the revision is pending again. */
      readonly action: 'clear_failed_attempt'
      readonly description: string
      readonly sql: ReadonlyArray<string>
      readonly revision: string
    }
  | {
      readonly action: 'apply_migration'
      readonly description: string
      readonly sql: ReadonlyArray<string>
      readonly revision: string
      /** Applied after later revisions, on request (`up --out-of-order`); its audit event says so. */
      readonly outOfOrder?: true
    }
  | {
      readonly action: 'revert_migration'
      readonly description: string
      readonly sql: ReadonlyArray<string>
      readonly revision: string
    }

/** What a plan cannot do by itself: a human must decide. */
export interface Blocker {
  readonly revision: string | null
  readonly message: string
}

/** A list of steps run by the one executor, and what stands in its way. */
export interface Plan {
  readonly steps: ReadonlyArray<PlanStep>
  /** Non-empty: the plan cannot resolve the state alone (strategy `manual`, exit 3). */
  readonly blockers: ReadonlyArray<Blocker>
}
