import type { Connection, Dialect } from '../dialects/dialect.js'
import { hashCatalogText } from '../execute/catalog-fingerprint.js'
import type { MigrationChecksum } from '../source/load-migrations.js'
import { MIGRATIONS_TABLE } from '../tracking/tracking-tables.js'

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
    rows = await conn.query(
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
