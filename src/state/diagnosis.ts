import type { DialectName } from '../config/connection-url.js'
import type { ObjectKind } from '../schema/model.js'
import type { TrackingRow } from '../tracking/tracking-model.js'
import type { JournalProgress } from './journal-progress.js'

/** The states of contract §5, most severe first: `state` is the first that applies. */
export const STATES = [
  'locked',
  'corrupted_tracking',
  'unknown_revision',
  'checksum_mismatch',
  'failed',
  'partial',
  'untracked_schema',
  'drift',
  'pending',
  'fresh',
  'healthy',
] as const
/** A database's migration state. */
export type State = (typeof STATES)[number]

/** How a state is resolved (contract §5). */
export type Strategy =
  | 'normal_migration'
  | 'no_action'
  | 'initialize_tracking'
  | 'complete_partial_migration'
  | 'repair_tracking'
  | 'resume_failed'
  | 'manual'

/** Stable codes of the problems a diagnosis names. */
export type ProblemCode =
  | 'LOCKED'
  | 'TRACKING_DEFECT'
  | 'UNKNOWN_REVISION'
  | 'MISSING_FILE'
  | 'OUT_OF_ORDER'
  | 'TRACKING_BEHIND_SCHEMA'
  | 'CHECKSUM_MISMATCH'
  | 'COSMETIC_EDIT'
  | 'FAILED_MIGRATION'
  | 'PARTIAL_MIGRATION'
  | 'INTERRUPTED_MIGRATION'
  | 'UNTRACKED_SCHEMA'
  | 'MISSING_OBJECT'
  | 'MISSING_CHANGE'
  | 'CHANGED_OBJECT'
  | 'EXTRA_OBJECT'
  | 'AMBIGUOUS_REVISION'

/** The object a problem is about. */
export interface ProblemObject {
  readonly kind: ObjectKind
  readonly name: string
  readonly table?: string
  readonly schema?: string
}

/** One thing wrong (or worth knowing), with its evidence. */
export interface Problem {
  readonly code: ProblemCode
  readonly severity: 'error' | 'warning'
  /** The revision the problem belongs to, when it belongs to one. */
  readonly revision?: string | null
  readonly object?: ProblemObject
  readonly message: string
  /** Expected and actual definitions, for missing, changed and extra objects. */
  readonly expected?: string | null
  readonly actual?: string | null
  /** Anything else that shows it: raw tracking rows, the lock holder, checksums. */
  readonly evidence?: Readonly<Record<string, unknown>>
}

/** Where a revision stands, for the timeline of `diagnose --detailed` and `status`. */
export type RevisionStatus =
  | 'applied'
  | 'pending'
  | 'failed'
  | 'partial'
  | 'running'
  | 'rolled_back'
  | 'missing_file'

/** One revision of the timeline. */
export interface RevisionLine {
  readonly id: string
  readonly status: RevisionStatus
  /** The tracking row, when there is one that read cleanly. */
  readonly row: TrackingRow | null
  /** How many of the objects this revision is responsible for are missing from the live schema. */
  readonly missingObjects: number
  /** How many it should have, by the history. */
  readonly ownedObjects: number
  /**
   * For a stopped journaled run (failed, partial or running row of a migration run statement by
   * statement): how far it got, by its journal and by the live schema.
   */
  readonly journal?: JournalProgress
}

/** The revision the live schema is really at. */
export interface Inference {
  readonly revision: string | null
  /** The live schema matches that revision's expected schema exactly (unmanaged extras aside). */
  readonly exact: boolean
  /** Objects missing, changed, or surplus managed objects, relative to that revision. */
  readonly distance: number
  /** Other revisions that match exactly as well (their schemas are identical). */
  readonly alsoExact: ReadonlyArray<string | null>
}

/** The result of comparing history, live schema and tracking (contract §5 plus the timeline). */
export interface Diagnosis {
  readonly dialect: DialectName
  readonly state: State
  readonly strategy: Strategy
  /** The last migration file's id. */
  readonly head: string | null
  /** The latest revision the tracking table claims as applied. */
  readonly tracked: { readonly revision: string | null }
  readonly inferred: Inference | null
  /** Revisions to apply after the plan, in order. */
  readonly pending: ReadonlyArray<string>
  readonly problems: ReadonlyArray<Problem>
  readonly timeline: ReadonlyArray<RevisionLine>
}
