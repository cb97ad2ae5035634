import type { DialectName } from '../config/connection-url.js'
import type { Schema } from '../schema/model.js'
import type { RevisionDelta } from './revision-delta.js'

/** The expected state after one revision. */
export interface RevisionState {
  readonly id: string
  readonly checksum: string
  readonly normalizedChecksum: string
  /** Fingerprint of the expected schema after this revision. */
  readonly fingerprint: string
  readonly delta: RevisionDelta
  /**
   * What each statement of the migration did to the schema, in order (a statement that changes
   * only data has an empty delta); together they compose to `delta`. Recorded only for a SQL
   * migration that runs statement by statement with a journal — every one on a dialect without
   * transactional DDL, `no-transaction` ones elsewhere — so that recovery can tell from the live
   * schema how far a stopped run got. Absent for a migration that runs in one transaction, and
   * for code migrations, which cannot be split.
   */
  readonly statementDeltas?: ReadonlyArray<RevisionDelta>
  /** The expected schema after this revision (rebuilt from the deltas, never stored). */
  readonly schema: Schema
}

/**
 * The history: what the schema must look like after each revision, in order. The empty schema
 * before the first revision is `initial`.
 */
export interface History {
  readonly dialect: DialectName
  readonly initial: Schema
  readonly revisions: ReadonlyArray<RevisionState>
}
