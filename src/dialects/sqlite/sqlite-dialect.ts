import type { Dialect } from '../dialect.js'
import { SQLITE_CATALOG_FINGERPRINT } from './sqlite-catalog-fingerprint.js'
import { connectSqlite } from './sqlite-connection.js'
import { introspectSqlite } from './sqlite-introspector.js'
import { sqliteLock } from './sqlite-lock.js'
import { sqliteRenderer } from './sqlite-renderer.js'

/** SQLite through better-sqlite3: transactional DDL, one writer at a time, no advisory locks. */
export const sqliteDialect: Dialect = Object.freeze<Dialect>({
  name: 'sqlite',
  capabilities: Object.freeze({ transactionalDdl: true, advisoryLocks: false, schemas: false }),
  connect: (target, options) => {
    if (target.dialect !== 'sqlite') throw new TypeError(`sqlite dialect given a ${target.dialect} URL`)
    return connectSqlite(target, options)
  },
  catalogFingerprintSql: SQLITE_CATALOG_FINGERPRINT,
  renderer: sqliteRenderer,
  lock: (conn) => sqliteLock(conn),
  introspect: (conn, options) => introspectSqlite(conn, options),
})
