import type { Dialect } from '../dialect.js'
import { MYSQL_CATALOG_FINGERPRINT } from './mysql-catalog-fingerprint.js'
import { connectMysql } from './mysql-connection.js'
import { createDatabaseSql, databaseDefaults } from './mysql-database-defaults.js'
import { introspectMysql } from './mysql-introspector.js'
import { mysqlLock } from './mysql-lock.js'
import { mysqlRenderer } from './mysql-renderer.js'

/**
 * MySQL 8 and MariaDB through mysql2: every DDL statement commits on its own (no transactional
 * DDL), user-level locks (`GET_LOCK`) held by the session, and one database per connection (a
 * MySQL "schema" is a database: plumbline has no schema level there).
 */
export const mysqlDialect: Dialect = Object.freeze<Dialect>({
  name: 'mysql',
  capabilities: Object.freeze({ transactionalDdl: false, advisoryLocks: true, schemas: false }),
  connect: (target, options) => {
    if (target.dialect !== 'mysql') throw new TypeError(`mysql dialect given a ${target.dialect} URL`)
    return connectMysql(target, options)
  },
  lock: (conn) => mysqlLock(conn),
  introspect: (conn, options) => introspectMysql(conn, options),
  catalogFingerprintSql: MYSQL_CATALOG_FINGERPRINT,
  renderer: mysqlRenderer,
  shadowDatabaseSql: async (target, name) => createDatabaseSql(name, await databaseDefaults(target)),
})
