import type { Connection } from '../dialects/dialect.js'
import type { TrackingDefect, TrackingObservation, TrackingRow } from './tracking-model.js'
import {
  MIGRATIONS_COLUMNS,
  MIGRATIONS_TABLE,
  REQUIRED_MIGRATIONS_COLUMNS,
  TRACKING_STATUSES,
  type TrackingStatus,
} from './tracking-tables.js'

const SHA256 = /^[0-9a-f]{64}$/

/** The columns `plumbline_migrations` has on this connection, or `null` when it does not exist. */
export async function trackingColumns(conn: Connection): Promise<string[] | null> {
  const rows =
    conn.dialect === 'sqlite'
      ? await conn.query<{ name: string }>(`SELECT name FROM pragma_table_info('${MIGRATIONS_TABLE}')`)
      : await conn.query<{ name: string }>(
          conn.dialect === 'postgres'
            ? // The catalog itself: information_schema's views cost the planner milliseconds each time.
              `SELECT a.attname AS name FROM pg_catalog.pg_attribute a
               JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
               JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = pg_catalog.current_schema() AND c.relname = $1
                 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
               ORDER BY a.attnum`
            : `SELECT column_name AS name FROM information_schema.columns
               WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ordinal_position`,
          [MIGRATIONS_TABLE],
        )
  return rows.length === 0 ? null : rows.map((r) => String(r.name).toLowerCase())
}

/**
 * Reads `plumbline_migrations` without trusting it: a NULL, a status nobody wrote, a checksum that
 * is not sha256, a duplicate revision or a missing column is reported as a defect with the raw
 * row as evidence. It never throws on content, only on a failed query.
 */
export async function readTracking(conn: Connection): Promise<TrackingObservation> {
  const columns = await trackingColumns(conn)
  if (columns === null) return Object.freeze({ exists: false, columns: [], rows: [], defects: [], raw: [] })
  const defects: TrackingDefect[] = []
  const missing = REQUIRED_MIGRATIONS_COLUMNS.filter((c) => !columns.includes(c))
  if (missing.length > 0) {
    defects.push({
      code: 'MISSING_COLUMNS',
      message: `${MIGRATIONS_TABLE} lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      column: missing.join(','),
    })
  }
  const known = MIGRATIONS_COLUMNS.filter((c) => columns.includes(c))
  if (known.length === 0) return Object.freeze({ exists: true, columns, rows: [], defects, raw: [] })
  const stored = await conn.query(`SELECT ${known.join(', ')} FROM ${MIGRATIONS_TABLE}`)
  const raw = stored.map(toText)
  const rows: TrackingRow[] = []
  const seen = new Map<string, number>()
  raw.forEach((row, index) => {
    // Without its required columns no row reads: the table-level defect says why, once.
    if (missing.length > 0) return
    const rowDefects = validateRow(row, index)
    if (rowDefects.length > 0) {
      defects.push(...rowDefects)
      return
    }
    const revision = row.revision!
    const first = seen.get(revision)
    if (first !== undefined) {
      defects.push({
        code: 'DUPLICATE_REVISION',
        row: index,
        revision,
        message: `revision ${revision} has more than one tracking row (rows ${first} and ${index})`,
        raw: row,
      })
      return
    }
    seen.set(revision, index)
    rows.push(toTrackingRow(row))
  })
  rows.sort((a, b) =>
    a.appliedAt < b.appliedAt ? -1 : a.appliedAt > b.appliedAt ? 1 : a.revision < b.revision ? -1 : 1,
  )
  return Object.freeze({
    exists: true,
    columns,
    rows: Object.freeze(rows),
    defects: Object.freeze(defects),
    raw,
  })
}

function validateRow(row: Readonly<Record<string, string | null>>, index: number): TrackingDefect[] {
  const defects: TrackingDefect[] = []
  const revision = row.revision ?? null
  const base = { row: index, revision, raw: row }
  if (revision === null || revision.trim() === '') {
    defects.push({
      ...base,
      code: 'NULL_REVISION',
      column: 'revision',
      message: `tracking row ${index} has no revision`,
    })
  }
  const name = revision ?? `#${index}`
  if (
    row.status === undefined ||
    row.status === null ||
    !TRACKING_STATUSES.includes(row.status as TrackingStatus)
  ) {
    defects.push({
      ...base,
      code: 'GARBAGE_STATUS',
      column: 'status',
      message: `tracking row ${name} has status ${JSON.stringify(row.status ?? null)}, not one of ${TRACKING_STATUSES.join(', ')}`,
    })
  }
  if (row.checksum === undefined || row.checksum === null || !SHA256.test(row.checksum)) {
    defects.push({
      ...base,
      code: 'GARBAGE_CHECKSUM',
      column: 'checksum',
      message: `tracking row ${name} has checksum ${JSON.stringify(row.checksum ?? null)}, not a sha256 hex digest`,
    })
  }
  if (row.normalized_checksum != null && !SHA256.test(row.normalized_checksum)) {
    defects.push({
      ...base,
      code: 'GARBAGE_CHECKSUM',
      column: 'normalized_checksum',
      message: `tracking row ${name} has a normalized_checksum that is not a sha256 hex digest`,
    })
  }
  for (const column of ['applied_at', 'started_at'] as const) {
    const value = row[column]
    if ((column === 'applied_at' && value == null) || (value != null && Number.isNaN(Date.parse(value)))) {
      defects.push({
        ...base,
        code: 'GARBAGE_TIME',
        column,
        message: `tracking row ${name} has ${column} ${JSON.stringify(value ?? null)}, not a time`,
      })
    }
  }
  for (const column of ['pid', 'duration_ms', 'statements_total', 'statements_done'] as const) {
    const value = row[column]
    if (value != null && !/^-?\d+$/.test(value)) {
      defects.push({
        ...base,
        code: 'GARBAGE_NUMBER',
        column,
        message: `tracking row ${name} has ${column} ${JSON.stringify(value)}, not a whole number`,
      })
    }
  }
  return defects
}

function toText(row: Record<string, unknown>): Readonly<Record<string, string | null>> {
  const out: Record<string, string | null> = {}
  for (const [key, value] of Object.entries(row)) {
    out[key] =
      value === null || value === undefined
        ? null
        : value instanceof Date
          ? Number.isNaN(value.getTime())
            ? 'Invalid Date'
            : value.toISOString()
          : Buffer.isBuffer(value)
            ? value.toString('utf8')
            : String(value)
  }
  return Object.freeze(out)
}

function toTrackingRow(row: Readonly<Record<string, string | null>>): TrackingRow {
  const int = (v: string | null | undefined) => (v == null ? null : Number(v))
  const iso = (v: string | null | undefined) => (v == null ? null : new Date(toUtc(v)).toISOString())
  return Object.freeze({
    revision: row.revision!,
    checksum: row.checksum!,
    normalizedChecksum: row.normalized_checksum ?? null,
    status: row.status as TrackingStatus,
    appliedAt: iso(row.applied_at)!,
    startedAt: iso(row.started_at),
    appliedBy: row.applied_by ?? null,
    host: row.host ?? null,
    pid: int(row.pid),
    durationMs: int(row.duration_ms),
    statementsTotal: int(row.statements_total),
    statementsDone: int(row.statements_done),
    error: row.error ?? null,
    errorStatement: row.error_statement ?? null,
    schemaFingerprint: row.schema_fingerprint ?? null,
    catalogFingerprint: row.catalog_fingerprint ?? null,
    plumblineVersion: row.plumbline_version ?? null,
  })
}

/** SQLite and MySQL store times without a zone; plumbline always writes UTC. */
function toUtc(value: string): string {
  return /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`
}
