import type { DialectName } from '../config/connection-url.js'

/** The tracking table's name (contract §3). */
export const MIGRATIONS_TABLE = 'plumbline_migrations'
/** The audit log's name (contract §3). */
export const EVENTS_TABLE = 'plumbline_events'

/** The statuses a tracking row may hold (contract §3), plus `running` while a migration is under way. */
export const TRACKING_STATUSES = ['applied', 'failed', 'partial', 'rolled_back', 'running'] as const
/** A tracking row's status. */
export type TrackingStatus = (typeof TRACKING_STATUSES)[number]

/**
 * Columns of `plumbline_migrations`, in order. One row per revision: a retry updates the row and
 * every attempt is also written to `plumbline_events`.
 */
export const MIGRATIONS_COLUMNS = [
  'revision',
  'checksum',
  'normalized_checksum',
  'status',
  'applied_at',
  'started_at',
  'applied_by',
  'host',
  'pid',
  'duration_ms',
  'statements_total',
  'statements_done',
  'error',
  'error_statement',
  'schema_fingerprint',
  'catalog_fingerprint',
  'plumbline_version',
] as const

/** Columns of `plumbline_events`, in order. */
export const EVENTS_COLUMNS = ['id', 'at', 'event', 'revision', 'actor', 'host', 'pid', 'details'] as const

/** Columns the tracking table cannot be read without; the others are optional for tolerant reading. */
export const REQUIRED_MIGRATIONS_COLUMNS = ['revision', 'checksum', 'status', 'applied_at'] as const

/** DDL creating both tables; every statement is idempotent. */
export function trackingTablesDdl(dialect: DialectName): ReadonlyArray<string> {
  const t = TYPES[dialect]
  return [
    `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
  revision ${t.key} PRIMARY KEY,
  checksum ${t.short} NOT NULL,
  normalized_checksum ${t.short},
  status ${t.short} NOT NULL,
  applied_at ${t.time} NOT NULL,
  started_at ${t.time},
  applied_by ${t.short},
  host ${t.short},
  pid ${t.int},
  duration_ms ${t.int},
  statements_total ${t.int},
  statements_done ${t.int},
  error ${t.text},
  error_statement ${t.text},
  schema_fingerprint ${t.short},
  catalog_fingerprint ${t.short},
  plumbline_version ${t.short}
)`,
    `CREATE TABLE IF NOT EXISTS ${EVENTS_TABLE} (
  id ${t.serial},
  at ${t.time} NOT NULL,
  event ${t.short} NOT NULL,
  revision ${t.short},
  actor ${t.short},
  host ${t.short},
  pid ${t.int},
  details ${t.text}
)`,
  ]
}

const TYPES: Record<
  DialectName,
  { key: string; short: string; text: string; int: string; time: string; serial: string }
> = {
  sqlite: {
    key: 'TEXT',
    short: 'TEXT',
    text: 'TEXT',
    int: 'INTEGER',
    time: 'TEXT',
    // The rowid: plumbline never deletes an event, so the next id is always above every earlier
    // one. AUTOINCREMENT would add a write to sqlite_sequence to every event, one more page for
    // every migration's commit to journal and sync.
    serial: 'INTEGER PRIMARY KEY',
  },
  postgres: {
    key: 'text',
    short: 'text',
    text: 'text',
    int: 'bigint',
    time: 'timestamptz',
    serial: 'bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
  },
  mysql: {
    key: 'VARCHAR(255)',
    short: 'VARCHAR(255)',
    text: 'LONGTEXT',
    int: 'BIGINT',
    time: 'DATETIME(3)',
    serial: 'BIGINT AUTO_INCREMENT PRIMARY KEY',
  },
}
