import type { ConnectionTarget, DialectName } from '../config/connection-url.js'
import type { Connection, ConnectOptions, Dialect } from './dialect.js'

/**
 * The dialect for a database kind. Loaded lazily, so a SQLite user never loads `pg` or `mysql2`.
 */
export async function dialectFor(name: DialectName): Promise<Dialect> {
  switch (name) {
    case 'sqlite':
      return (await import('./sqlite/sqlite-dialect.js')).sqliteDialect
    case 'postgres':
      return (await import('./postgres/postgres-dialect.js')).postgresDialect
    case 'mysql':
      return (await import('./mysql/mysql-dialect.js')).mysqlDialect
  }
}

/** Connects to a target with its dialect; returns both. */
export async function open(
  target: ConnectionTarget,
  options?: ConnectOptions,
): Promise<{ dialect: Dialect; conn: Connection }> {
  const dialect = await dialectFor(target.dialect)
  const conn = await dialect.connect(target, options)
  return { dialect, conn }
}
