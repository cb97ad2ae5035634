import type { Connection, Dialect } from '../dialects/dialect.js'
import { hashCatalogText } from '../execute/catalog-fingerprint.js'
import type { Migration } from '../source/migration.js'
import { MIGRATIONS_TABLE } from '../tracking/tracking-tables.js'

/**
 * The healthy path in one round trip: the tracking rows and the server-side catalog fingerprint
 * in one statement. Healthy when every migration is recorded `applied` with its checksum, no other
 * row exists, and the catalog is exactly as it was when the head revision was verified. Anything
 * else — including a missing tracking table — answers `false`, and the caller pays for a full
 * diagnosis.
 */
export async function quickHealthy(
  conn: Connection,
  dialect: Dialect,
  migrations: ReadonlyArray<Migration>,
): Promise<boolean> {
  if (migrations.length === 0) return false
  let rows: Array<{
    f: string | null
    revision: unknown
    checksum: unknown
    status: unknown
    catalog_fingerprint: unknown
  }>
  try {
    rows = await conn.query(
      `SELECT ${dialect.catalogFingerprintSql} AS f, revision, checksum, status, catalog_fingerprint FROM ${MIGRATIONS_TABLE}`,
    )
  } catch {
    return false
  }
  if (rows.length !== migrations.length) return false
  const byRevision = new Map(rows.map((r) => [String(r.revision), r] as const))
  for (const m of migrations) {
    const row = byRevision.get(m.id)
    if (row?.status !== 'applied' || row.checksum !== m.checksum) return false
  }
  const head = byRevision.get(migrations.at(-1)!.id)!
  return (
    typeof head.catalog_fingerprint === 'string' &&
    head.catalog_fingerprint === hashCatalogText(String(rows[0]!.f ?? ''))
  )
}
