import type { Connection, Dialect, Row } from '../dialects/dialect.js'
import { SessionStatement } from '../dialects/postgres/session-statement.js'
import { hashCatalogText, readCatalogFingerprint } from '../execute/catalog-fingerprint.js'
import type { MigrationChecksum } from '../source/load-migrations.js'
import { MIGRATIONS_TABLE } from '../tracking/tracking-tables.js'
import type { Session } from './session.js'

/**
 * The healthy path in one round trip: the tracking rows and the server-side catalog fingerprint
 * in one statement. Healthy when every migration is recorded `applied` with its checksum, no other
 * row exists, and the catalog is exactly as it was when the head revision was verified. Anything
 * else — including a missing tracking table — answers `false`, and the caller pays for a full
 * diagnosis.
 *
 * The fingerprint comes in a row of its own: as a column of every tracking row, SQLite's (the
 * whole schema's text) was copied into each of hundreds of rows, which cost more than the rest.
 */
export async function quickHealthy(
  conn: Connection,
  dialect: Dialect,
  migrations: ReadonlyArray<MigrationChecksum>,
): Promise<boolean> {
  if (migrations.length === 0) return false
  let rows: Array<{
    catalog: unknown
    f: string | null
    revision: unknown
    checksum: unknown
    status: unknown
    catalog_fingerprint: unknown
  }>
  try {
    rows = await readHealthRows(
      conn,
      `SELECT 1 AS catalog, ${dialect.catalogFingerprintSql} AS f, NULL AS revision, NULL AS checksum, NULL AS status, NULL AS catalog_fingerprint
       UNION ALL
       SELECT 0, NULL, revision, checksum, status, catalog_fingerprint FROM ${MIGRATIONS_TABLE}`,
    )
  } catch {
    return false
  }
  const catalog = rows.find((r) => Number(r.catalog) === 1)
  const tracking = rows.filter((r) => r !== catalog)
  if (catalog === undefined || tracking.length !== migrations.length) return false
  const byRevision = new Map(tracking.map((r) => [String(r.revision), r] as const))
  for (const m of migrations) {
    const row = byRevision.get(m.id)
    if (row?.status !== 'applied' || row.checksum !== m.checksum) return false
  }
  const head = byRevision.get(migrations.at(-1)!.id)!
  return (
    typeof head.catalog_fingerprint === 'string' &&
    head.catalog_fingerprint === hashCatalogText(String(catalog.f ?? ''))
  )
}

/** The healthy path's statement, prepared on a PostgreSQL session (see `readHealthRows`). */
const HEALTH_STATEMENT = new SessionStatement('plumbline_health_')

/**
 * Runs the healthy path's statement. On PostgreSQL, where planning the catalog read costs more
 * than a round trip's worth, a session prepares it with the first check (PREPARE and EXECUTE in
 * one round trip) and executes it by name after: a no-op `up` in an open session plans nothing.
 * A statement that failed (no tracking table yet) or was dropped is simply prepared again.
 */
async function readHealthRows<R extends Row>(conn: Connection, sql: string): Promise<R[]> {
  if (conn.dialect !== 'postgres' || conn.executeBatch === undefined) return conn.query<R>(sql)
  const run = HEALTH_STATEMENT.run(conn, sql)
  let results: Row[][]
  try {
    results = await conn.executeBatch(run.statements)
  } catch (error) {
    run.settle(false)
    throw error
  }
  run.settle(true)
  return (results[run.at] ?? []) as R[]
}

/**
 * Once a full diagnosis under the migration lock found the database healthy: records the live
 * catalog fingerprint on the head revision's row where another one is recorded (an unmanaged
 * extra object, a catalog changed by maintenance that reads as a change, a fingerprint that
 * another plumbline version computes differently), so the next start takes the one-round-trip
 * path again instead of diagnosing every time. One catalog read; nothing is written when the
 * recorded fingerprint is already this one.
 */
export async function recordHealthyCatalog(session: Session): Promise<void> {
  const { conn, dialect, migrations } = session
  const head = migrations.at(-1)
  if (!head) return
  const fingerprint = await readCatalogFingerprint(conn, dialect)
  const d = dialect.name
  const [set, revision, other] = d === 'postgres' ? ['$1', '$2', '$1'] : ['?', '?', '?']
  await conn.query(
    `UPDATE ${MIGRATIONS_TABLE} SET catalog_fingerprint = ${set}
     WHERE revision = ${revision} AND (catalog_fingerprint IS NULL OR catalog_fingerprint <> ${other})`,
    d === 'postgres' ? [fingerprint, head.id] : [fingerprint, head.id, fingerprint],
  )
}
