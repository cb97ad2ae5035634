import type { IntrospectOptions } from '../../dialect.js'
import { sqlLiteral } from '../mysql-literal.js'
import type { MysqlServer } from '../mysql-server.js'

/** What every catalog query is restricted to: one database, and the names `only` asked for. */
export interface CatalogScope {
  /** The database the connection works in: the MySQL counterpart of a schema. */
  readonly database: string
  readonly server: MysqlServer
  /** Names of tables, views, sequences, routines (and indexes, triggers) to read; `null`: all. */
  readonly names: ReadonlyArray<string> | null
}

/**
 * The scope of one introspection. An `only` entry's `schema` is ignored: a MySQL database is the
 * whole namespace plumbline reads, and its name never appears in the model.
 */
export function catalogScope(
  database: string,
  server: MysqlServer,
  only: IntrospectOptions['only'],
): CatalogScope {
  return Object.freeze({
    database,
    server,
    names: only === undefined ? null : Object.freeze([...new Set(only.map((o) => o.name))]),
  })
}

/**
 * `column = '<database>'`. A constant, not `DATABASE()`: the server then reads the catalog of that
 * one database instead of scanning all of them, and a `USE` run by a migration changes nothing.
 */
export function inDatabase(column: string, scope: CatalogScope): string {
  return `${column} = ${sqlLiteral(scope.database)}`
}

/** True when one of `columns` holds a name `only` asked for (always true without `only`). */
export function selected(scope: CatalogScope, ...columns: ReadonlyArray<string>): string {
  if (scope.names === null) return 'TRUE'
  if (scope.names.length === 0) return 'FALSE'
  const list = sqlLiteral(scope.names)
  return `(${columns.map((c) => `${c} IN (${list})`).join(' OR ')})`
}

/** plumbline's own `plumbline_*` objects, which are never part of a schema. `|` escapes the `_` in any sql_mode. */
export function notPlumbline(column: string): string {
  return `${column} NOT LIKE 'plumbline|_%' ESCAPE '|'`
}
