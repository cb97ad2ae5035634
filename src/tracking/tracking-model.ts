import type { TrackingStatus } from './tracking-tables.js'

/** A tracking row that read cleanly. Times are ISO-8601 UTC strings. */
export interface TrackingRow {
  readonly revision: string
  readonly checksum: string
  readonly normalizedChecksum: string | null
  readonly status: TrackingStatus
  readonly appliedAt: string
  readonly startedAt: string | null
  readonly appliedBy: string | null
  readonly host: string | null
  readonly pid: number | null
  readonly durationMs: number | null
  readonly statementsTotal: number | null
  readonly statementsDone: number | null
  readonly error: string | null
  readonly errorStatement: string | null
  /** The model fingerprint of the expected schema after this revision. */
  readonly schemaFingerprint: string | null
  /** The server-side catalog fingerprint measured right after this revision was verified. */
  readonly catalogFingerprint: string | null
  readonly plumblineVersion: string | null
}

/** What is wrong with one stored row or with the table as a whole. */
export type TrackingDefectCode =
  | 'MISSING_COLUMNS'
  | 'NULL_REVISION'
  | 'DUPLICATE_REVISION'
  | 'GARBAGE_STATUS'
  | 'GARBAGE_CHECKSUM'
  | 'GARBAGE_TIME'
  | 'GARBAGE_NUMBER'

/** One defect found while reading the tracking table: the raw row is kept as evidence. */
export interface TrackingDefect {
  readonly code: TrackingDefectCode
  /** Position of the row in the order read (0-based), absent for table-level defects. */
  readonly row?: number
  readonly revision?: string | null
  readonly column?: string
  readonly message: string
  /** The row as stored, values as text: evidence for the audit log. */
  readonly raw?: Readonly<Record<string, string | null>>
}

/** The tracking table as observed: never throws on garbage, reports it. */
export interface TrackingObservation {
  /** False when `plumbline_migrations` does not exist. */
  readonly exists: boolean
  readonly columns: ReadonlyArray<string>
  /** Rows that read cleanly, in the order stored (by `applied_at`, then revision). */
  readonly rows: ReadonlyArray<TrackingRow>
  readonly defects: ReadonlyArray<TrackingDefect>
  /** Every row as stored, including the defective ones. */
  readonly raw: ReadonlyArray<Readonly<Record<string, string | null>>>
}
