import type { DialectName } from '../config/connection-url.js'
import type { Connection } from '../dialects/dialect.js'
import { postgresTextLiteral } from '../dialects/postgres/text-literal.js'
import type { TrackingRow } from './tracking-model.js'
import { EVENTS_TABLE, MIGRATIONS_COLUMNS, MIGRATIONS_TABLE, trackingTablesDdl } from './tracking-tables.js'

const EVENT_COLUMNS = ['at', 'event', 'revision', 'actor', 'host', 'pid', 'details'] as const

/** Creates `plumbline_migrations` and `plumbline_events` when they do not exist. */
export async function ensureTrackingTables(conn: Connection): Promise<void> {
  const ddl = trackingTablesDdl(conn.dialect)
  // One round trip and one commit where the driver can send several statements at once; on
  // SQLite one transaction, so one commit (and one sync of the file) instead of one per table.
  if (conn.executeBatch !== undefined) await conn.executeBatch(ddl)
  else if (conn.dialect === 'sqlite') await conn.transaction(async () => create(conn, ddl))
  else await create(conn, ddl)
}

async function create(conn: Connection, ddl: ReadonlyArray<string>): Promise<void> {
  for (const statement of ddl) await conn.query(statement)
}

/** Positional parameter markers for a dialect: `$1, $2` on PostgreSQL, `?, ?` elsewhere. */
export function placeholders(dialect: DialectName, count: number, from = 1): string {
  return Array.from({ length: count }, (_, i) => (dialect === 'postgres' ? `$${from + i}` : '?')).join(', ')
}

/**
 * The text of a statement of a dialect, built once: the tracking writes run several times per
 * revision of a run, always with the same text.
 */
function perDialect(build: (d: DialectName) => string): (d: DialectName) => string {
  const built = new Map<DialectName, string>()
  return (d) => {
    let sql = built.get(d)
    if (sql === undefined) {
      sql = build(d)
      built.set(d, sql)
    }
    return sql
  }
}

/** A time as the dialect's column type takes it (MySQL DATETIME has no zone and no `T`). */
export function timeParam(dialect: DialectName, iso: string): string {
  return dialect === 'mysql' ? iso.replace('T', ' ').replace(/Z$/, '') : iso
}

/**
 * Writes the row of one revision, replacing whatever rows that revision had (there is one row per
 * revision; a retry overwrites it, and every attempt is in `plumbline_events`).
 */
export async function writeTrackingRow(conn: Connection, row: TrackingRow): Promise<void> {
  const d = conn.dialect
  await conn.query(deleteRowSql(d), [row.revision])
  await conn.query(insertRowSql(d), rowValues(d, row))
}

/**
 * Writes the row of a revision that has none yet, with its audit event. On PostgreSQL that is one
 * statement (the event inserted by a data-modifying `WITH`); elsewhere two.
 */
export async function insertTrackingRowWithEvent(
  conn: Connection,
  row: TrackingRow,
  event: AuditEvent,
): Promise<void> {
  const d = conn.dialect
  if (d !== 'postgres') {
    await conn.query(insertRowSql(d), rowValues(d, row))
    await appendEvent(conn, event)
    return
  }
  await conn.query(POSTGRES_ROW_WITH_EVENT_SQL, [...rowValues(d, row), ...eventValues(d, event)])
}

/** PostgreSQL: the event inserted by a data-modifying `WITH`, then the row, from two value lists. */
function rowWithEventSql(rowList: string, eventList: string): string {
  return `WITH logged AS (INSERT INTO ${EVENTS_TABLE} (${EVENT_COLUMNS.join(', ')}) VALUES (${eventList}))
    INSERT INTO ${MIGRATIONS_TABLE} (${MIGRATIONS_COLUMNS.join(', ')}) VALUES (${rowList})`
}

/** {@link insertTrackingRowWithEvent}'s PostgreSQL statement, with bind parameters: the row's, then the event's. */
export const POSTGRES_ROW_WITH_EVENT_SQL = rowWithEventSql(
  placeholders('postgres', MIGRATIONS_COLUMNS.length),
  placeholders('postgres', EVENT_COLUMNS.length, MIGRATIONS_COLUMNS.length + 1),
)

/**
 * The arguments of {@link POSTGRES_ROW_WITH_EVENT_SQL} as literals, for an `EXECUTE` in a
 * simple-protocol batch (one that also carries the `COMMIT`): the same row and event, the values
 * typed by their columns as bind parameters are.
 */
export function postgresRowWithEventArguments(row: TrackingRow, event: AuditEvent): string {
  const literal = (v: unknown) =>
    v === null || v === undefined
      ? 'NULL'
      : typeof v === 'number' && Number.isSafeInteger(v)
        ? String(v)
        : postgresTextLiteral(String(v))
  return [...rowValues('postgres', row), ...eventValues('postgres', event)].map(literal).join(', ')
}

const insertRowSql = perDialect(
  (d) =>
    `INSERT INTO ${MIGRATIONS_TABLE} (${MIGRATIONS_COLUMNS.join(', ')}) VALUES (${placeholders(d, MIGRATIONS_COLUMNS.length)})`,
)

const deleteRowSql = perDialect(
  (d) => `DELETE FROM ${MIGRATIONS_TABLE} WHERE revision = ${placeholders(d, 1)}`,
)

const insertEventSql = perDialect(
  (d) =>
    `INSERT INTO ${EVENTS_TABLE} (${EVENT_COLUMNS.join(', ')}) VALUES (${placeholders(d, EVENT_COLUMNS.length)})`,
)

function rowValues(d: DialectName, row: TrackingRow): unknown[] {
  return [
    row.revision,
    row.checksum,
    row.normalizedChecksum,
    row.status,
    timeParam(d, row.appliedAt),
    row.startedAt === null ? null : timeParam(d, row.startedAt),
    row.appliedBy,
    row.host,
    row.pid,
    row.durationMs,
    row.statementsTotal,
    row.statementsDone,
    row.error,
    row.errorStatement,
    row.schemaFingerprint,
    row.catalogFingerprint,
    row.plumblineVersion,
  ]
}

/** Removes a revision's tracking rows (all of them, if a damaged table holds several). */
export async function deleteTrackingRow(conn: Connection, revision: string): Promise<void> {
  await conn.query(deleteRowSql(conn.dialect), [revision])
}

/** An audit event (contract §3): one per apply, rollback, baseline, repair, recovery. */
export interface AuditEvent {
  readonly at: string
  readonly event: string
  readonly revision: string | null
  readonly actor: string
  readonly host: string
  readonly pid: number
  /** Evidence, rows before and after, the reason: stored as JSON. Never a password. */
  readonly details: Readonly<Record<string, unknown>>
}

/** Appends one event to `plumbline_events`. */
export async function appendEvent(conn: Connection, event: AuditEvent): Promise<void> {
  await conn.query(insertEventSql(conn.dialect), eventValues(conn.dialect, event))
}

function eventValues(d: DialectName, event: AuditEvent): unknown[] {
  return [
    timeParam(d, event.at),
    event.event,
    event.revision,
    event.actor,
    event.host,
    event.pid,
    JSON.stringify(event.details),
  ]
}
