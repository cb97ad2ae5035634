import { PlumblineError } from '../../errors/plumbline-error.js'
import type { Connection } from '../dialect.js'
import { quoteIdentifier } from './mysql-quote.js'

/** A database's default character set and collation: what a table created without one gets. */
export interface DatabaseDefaults {
  readonly charset: string
  readonly collation: string
}

/** The defaults of the connection's database: one round trip. */
export async function databaseDefaults(conn: Connection): Promise<DatabaseDefaults> {
  const [row] = await conn.query<{ charset: string; collation: string }>(
    `SELECT DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation
     FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()`,
  )
  if (row === undefined) {
    throw new PlumblineError({ code: 'INTERNAL', message: 'the MySQL connection has no current database' })
  }
  return Object.freeze({ charset: String(row.charset), collation: String(row.collation) })
}

/**
 * `CREATE DATABASE` for a database that must build what another builds: a shadow replaying the
 * migrations of a target. Tables created without a character set take the database's, and the
 * model compares the tables' (`DEFAULT CHARSET=… COLLATE=…`), so the shadow takes the target's
 * defaults rather than the server's.
 *
 * @example
 * await admin.execute(createDatabaseSql('plumbline_shadow_1a2b', await databaseDefaults(target)))
 */
export function createDatabaseSql(name: string, defaults: DatabaseDefaults): string {
  return `CREATE DATABASE ${quoteIdentifier(name)} CHARACTER SET ${defaults.charset} COLLATE ${defaults.collation}`
}
