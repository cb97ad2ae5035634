import type { DialectName } from '../config/connection-url.js'
import type { Connection } from '../dialects/dialect.js'
import { placeholders, timeParam } from '../tracking/write-tracking.js'

/** The checkpoint table: one row per backfill, moved in the same transaction as each batch. */
export const BACKFILLS_TABLE = 'plumbline_backfills'

/** Where a backfill stands. `running` is also what a killed run leaves behind. */
export type BackfillStatus = 'running' | 'done' | 'failed' | 'interrupted'

/** A backfill's checkpoint row. */
export interface Checkpoint {
  readonly name: string
  readonly specHash: string
  readonly status: BackfillStatus
  /** The key value of the last committed batch's upper bound; `null` before the first batch. */
  readonly cursor: unknown
  readonly rowsDone: number
  readonly batchesDone: number
  readonly batchSize: number
  /** Rows the run expected when it started (rows done before it, plus rows left). */
  readonly rowsTotal: number | null
  readonly startedAt: string
  readonly updatedAt: string
  readonly lastError: string | null
}

const TYPES: Record<DialectName, { key: string; text: string; int: string; time: string }> = {
  sqlite: { key: 'TEXT', text: 'TEXT', int: 'INTEGER', time: 'TEXT' },
  postgres: { key: 'text', text: 'text', int: 'bigint', time: 'timestamptz' },
  mysql: { key: 'VARCHAR(255)', text: 'LONGTEXT', int: 'BIGINT', time: 'DATETIME(3)' },
}

/** Creates `plumbline_backfills` when it does not exist. */
export async function ensureBackfillTable(conn: Connection): Promise<void> {
  const t = TYPES[conn.dialect]
  await conn.query(`CREATE TABLE IF NOT EXISTS ${BACKFILLS_TABLE} (
  name ${t.key} PRIMARY KEY,
  spec_hash ${t.key} NOT NULL,
  status ${t.key} NOT NULL,
  cursor_value ${t.text},
  rows_done ${t.int} NOT NULL,
  batches_done ${t.int} NOT NULL,
  batch_size ${t.int} NOT NULL,
  rows_total ${t.int},
  started_at ${t.time} NOT NULL,
  updated_at ${t.time} NOT NULL,
  last_error ${t.text}
)`)
}

/** Whether the table exists, asked without creating anything (a dry run writes nothing). */
export async function backfillTableExists(conn: Connection): Promise<boolean> {
  const sql =
    conn.dialect === 'sqlite'
      ? "SELECT 1 AS e FROM sqlite_schema WHERE type = 'table' AND name = ?"
      : conn.dialect === 'postgres'
        ? 'SELECT 1 AS e FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1'
        : 'SELECT 1 AS e FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?'
  return (await conn.query(sql, [BACKFILLS_TABLE])).length > 0
}

/**
 * A backfill's checkpoint, or `null`. `forUpdate` locks the row until the transaction ends
 * (PostgreSQL, MySQL); on SQLite the batch's `BEGIN IMMEDIATE` already holds the only write lock.
 */
export async function readCheckpoint(
  conn: Connection,
  name: string,
  forUpdate = false,
): Promise<Checkpoint | null> {
  const lock = forUpdate && conn.dialect !== 'sqlite' ? ' FOR UPDATE' : ''
  const [row] = await conn.query(
    `SELECT name, spec_hash, status, cursor_value, rows_done, batches_done, batch_size, rows_total, started_at, updated_at, last_error
     FROM ${BACKFILLS_TABLE} WHERE name = ${placeholders(conn.dialect, 1)}${lock}`,
    [name],
  )
  if (row === undefined) return null
  return Object.freeze({
    name: String(row.name),
    specHash: String(row.spec_hash),
    status: String(row.status) as BackfillStatus,
    cursor: row.cursor_value == null ? null : JSON.parse(String(row.cursor_value)),
    rowsDone: Number(row.rows_done),
    batchesDone: Number(row.batches_done),
    batchSize: Number(row.batch_size),
    rowsTotal: row.rows_total == null ? null : Number(row.rows_total),
    startedAt: isoTime(row.started_at),
    updatedAt: isoTime(row.updated_at),
    lastError: row.last_error == null ? null : String(row.last_error),
  })
}

/** Replaces a backfill's checkpoint with a fresh one: nothing done yet. */
export async function startCheckpoint(
  conn: Connection,
  c: Pick<Checkpoint, 'name' | 'specHash' | 'batchSize' | 'rowsTotal' | 'startedAt'>,
): Promise<void> {
  const d = conn.dialect
  await conn.query(`DELETE FROM ${BACKFILLS_TABLE} WHERE name = ${placeholders(d, 1)}`, [c.name])
  await conn.query(
    `INSERT INTO ${BACKFILLS_TABLE} (name, spec_hash, status, cursor_value, rows_done, batches_done, batch_size, rows_total,
       started_at, updated_at, last_error)
     VALUES (${placeholders(d, 11)})`,
    [
      c.name,
      c.specHash,
      'running',
      null,
      0,
      0,
      c.batchSize,
      c.rowsTotal,
      timeParam(d, c.startedAt),
      timeParam(d, c.startedAt),
      null,
    ],
  )
}

/** Moves a checkpoint: what a committed batch, a resume, an interruption or the end records. */
export async function updateCheckpoint(
  conn: Connection,
  name: string,
  change: {
    readonly status: BackfillStatus
    readonly at: string
    readonly cursor?: unknown
    readonly rowsDone?: number
    readonly batchesDone?: number
    readonly batchSize?: number
    readonly rowsTotal?: number
    readonly lastError?: string | null
  },
): Promise<void> {
  const d = conn.dialect
  const sets: Array<[string, unknown]> = [
    ['status', change.status],
    ['updated_at', timeParam(d, change.at)],
  ]
  if (change.cursor !== undefined) sets.push(['cursor_value', JSON.stringify(change.cursor)])
  if (change.rowsDone !== undefined) sets.push(['rows_done', change.rowsDone])
  if (change.batchesDone !== undefined) sets.push(['batches_done', change.batchesDone])
  if (change.batchSize !== undefined) sets.push(['batch_size', change.batchSize])
  if (change.rowsTotal !== undefined) sets.push(['rows_total', change.rowsTotal])
  if (change.lastError !== undefined) sets.push(['last_error', change.lastError])
  let n = 0
  const marker = () => (d === 'postgres' ? `$${++n}` : '?')
  const assignments = sets.map(([column]) => `${column} = ${marker()}`).join(', ')
  await conn.query(`UPDATE ${BACKFILLS_TABLE} SET ${assignments} WHERE name = ${marker()}`, [
    ...sets.map(([, v]) => v),
    name,
  ])
}

function isoTime(value: unknown): string {
  if (value instanceof Date) return value.toISOString()
  const text = String(value)
  // MySQL DATETIME reads back without zone; plumbline writes UTC there.
  return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(text) ? `${text.replace(' ', 'T')}Z` : text
}
