import type { DialectName } from '../config/connection-url.js'
import type { LockHolder } from '../lock/migration-lock.js'
import type { Schema } from '../schema/model.js'
import type { Migration } from '../source/migration.js'
import type { TrackingObservation } from '../tracking/tracking-model.js'

/** What `analyze` needs to know of a migration file. */
export type MigrationInfo = Pick<
  Migration,
  'id' | 'version' | 'checksum' | 'normalizedChecksum' | 'transaction' | 'path'
>

/** Everything observed of a database, as plain data: the input of the pure analysis. */
export interface Observation {
  readonly dialect: DialectName
  /** The live schema (plumbline's own tables are never part of it). */
  readonly live: Schema
  readonly tracking: TrackingObservation
  /** Another process holding the migration lock, if any. */
  readonly lock: LockHolder | null
  /** The migration files, in order. */
  readonly migrations: ReadonlyArray<MigrationInfo>
}
