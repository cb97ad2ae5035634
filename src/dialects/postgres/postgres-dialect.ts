import type { Dialect } from '../dialect.js'
import { POSTGRES_CATALOG_FINGERPRINT } from './postgres-catalog-fingerprint.js'
import { connectPostgres, MAY_DROP_PREPARED } from './postgres-connection.js'
import { introspectPostgres, preparedRead } from './postgres-introspector.js'
import { postgresLock } from './postgres-lock.js'
import { postgresRenderer } from './postgres-renderer.js'
import { postgresRevisionPrologue } from './revision-prologue.js'

/** PostgreSQL through node-postgres: transactional DDL, session advisory locks, many schemas. */
export const postgresDialect: Dialect = Object.freeze<Dialect>({
  name: 'postgres',
  capabilities: Object.freeze({ transactionalDdl: true, advisoryLocks: true, schemas: true }),
  connect: (target, options) => {
    if (target.dialect !== 'postgres') throw new TypeError(`postgres dialect given a ${target.dialect} URL`)
    return connectPostgres(target, options)
  },
  catalogFingerprintSql: POSTGRES_CATALOG_FINGERPRINT,
  revisionPrologue: postgresRevisionPrologue,
  renderer: postgresRenderer,
  lock: (conn) => postgresLock(conn),
  introspect: (conn, options) => introspectPostgres(conn, options),
  // Not after statements that may drop the prepared statements the read runs.
  batchedRead: (conn, options, after) =>
    after.some((sql) => MAY_DROP_PREPARED.test(sql)) ? undefined : preparedRead(conn, options),
})
