import { createHash } from 'node:crypto'
import type { Connection, Dialect } from '../dialects/dialect.js'

/** The server-side catalog fingerprint, hashed: one round trip. */
export async function readCatalogFingerprint(conn: Connection, dialect: Dialect): Promise<string> {
  const [row] = await conn.query<{ f: string | null }>(`SELECT ${dialect.catalogFingerprintSql} AS f`)
  return hashCatalogText(row?.f ?? '')
}

/** sha256 of the catalog text a dialect's expression returned. */
export function hashCatalogText(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}
