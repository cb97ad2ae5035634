import { isPlumblineError, PlumblineError } from '../../errors/plumbline-error.js'
import {
  createSchema,
  type ObjectKind,
  objectKey,
  type Schema,
  type SchemaObject,
} from '../../schema/model.js'
import type { Connection, IntrospectOptions } from '../dialect.js'
import { type CatalogScope, catalogScope } from './catalog/catalog-scope.js'
import { checkObjects, checksSql } from './catalog/checks.js'
import { columnObjects, columnsSql } from './catalog/columns.js'
import { foreignKeyObject, foreignKeysSql, readForeignKeys } from './catalog/foreign-keys.js'
import { indexesSql, indexObjects } from './catalog/indexes.js'
import { partitionSchemes, partitionsSql } from './catalog/partitions.js'
import {
  readRelations,
  relationsSql,
  tableObject,
  viewNames,
  viewObject,
  viewsSql,
  withViews,
} from './catalog/relations.js'
import { routineObjects, routinesSql } from './catalog/routines.js'
import { sequenceObjects, sequencesSql } from './catalog/sequences.js'
import { triggerObjects, triggersSql } from './catalog/triggers.js'
import { mysqlServer } from './mysql-server.js'

type Rows = ReadonlyArray<Record<string, unknown>>

/**
 * Reads the connection's database into the schema model: tables, columns, primary keys, unique
 * keys, foreign keys, checks, indexes, views, triggers, functions, procedures and (MariaDB)
 * sequences. plumbline's own `plumbline_*` tables and what belongs to them are never part of it,
 * and neither is the database's name: a MySQL database is what a schema is elsewhere, and a shadow
 * and its target are two databases with two names that must compare equal.
 *
 * One round trip per family of objects (seven), plus one for the server's version the first
 * time a connection is read, and one more for views, for partitioned tables and for sequences
 * when there are any. With `only`, reads just the named tables, views, sequences and routines
 * with what belongs to them (indexes and triggers through their table, as verification names
 * them: information_schema looks a table up by its name, but matching an index's or trigger's
 * own name made it read every table of the database); with `kinds` too, only the
 * families that hold those kinds (a verification that looks for indexes reads no trigger).
 *
 * @example
 * const schema = await introspectMysql(conn, { only: [{ name: 'goals' }] })
 */
export async function introspectMysql(conn: Connection, options: IntrospectOptions = {}): Promise<Schema> {
  if (options.only !== undefined && options.only.length === 0) return createSchema('mysql', [])
  if (conn.target.dialect !== 'mysql')
    throw new TypeError(`mysql introspection given a ${conn.target.dialect} connection`)
  const server = await mysqlServer(conn)
  const scope = catalogScope(conn.target.database, server, options.only)
  const read = (family: string, sql: string): Promise<Rows> => catalogRows(conn, family, sql)

  // With `kinds`, only the families that hold them are read (and those their objects are built
  // from: a column needs its table's collation, an index the foreign keys and the engine).
  const wants = (...kinds: ReadonlyArray<ObjectKind>): boolean =>
    options.kinds === undefined || kinds.some((k) => options.kinds!.includes(k))

  const relationRows = await read('tables, views and sequences', relationsSql(scope))
  const views = viewNames(relationRows)
  const relations = readRelations(
    views.length === 0 ? relationRows : withViews(relationRows, await read('views', viewsSql(scope, views))),
  )
  const tables = relations.filter((r) => r.kind === 'table')
  const partitioned = tables.filter((r) => r.partitioned).map((r) => r.name)
  const schemes =
    partitioned.length === 0
      ? new Map()
      : partitionSchemes(await read('partitions', partitionsSql(scope, partitioned)))
  const sequences = relations.filter((r) => r.kind === 'sequence').map((r) => r.name)

  const objects: SchemaObject[] = []
  for (const relation of relations) {
    if (relation.kind === 'table') objects.push(tableObject(relation, schemes.get(relation.name)))
    else if (relation.kind === 'view') objects.push(viewObject(relation, scope))
  }
  const engines = new Map(relations.map((r) => [r.name, r.engine] as const))
  if (sequences.length > 0 && wants('sequence')) {
    objects.push(...sequenceObjects(await read('sequences', sequencesSql(scope, sequences)), engines))
  }
  const collations = new Map(tables.map((r) => [r.name, r.collation] as const))
  if (wants('column'))
    objects.push(...columnObjects(await read('columns', columnsSql(scope)), scope, collations))
  if (wants('foreign_key', 'index', 'primary_key', 'unique')) {
    const foreignKeys = readForeignKeys(await read('foreign keys', foreignKeysSql(scope)))
    if (wants('foreign_key')) objects.push(...foreignKeys.map((key) => foreignKeyObject(key, scope)))
    if (wants('index', 'primary_key', 'unique'))
      objects.push(...indexObjects(await read('indexes', indexesSql(scope)), foreignKeys, engines))
  }
  const checks = wants('check') ? checksSql(scope) : null
  if (checks !== null) objects.push(...checkObjects(await read('checks', checks)))
  if (wants('trigger')) objects.push(...triggerObjects(await read('triggers', triggersSql(scope))))
  if (wants('function', 'procedure'))
    objects.push(...routineObjects(await read('routines', routinesSql(scope))))
  return createSchema('mysql', withoutKeyClash(objects, scope))
}

async function catalogRows(conn: Connection, family: string, sql: string): Promise<Rows> {
  try {
    return await conn.query(sql)
  } catch (error) {
    if (!isPlumblineError(error) || error.code !== 'QUERY_FAILED') throw error
    throw new PlumblineError({
      code: 'INTROSPECTION_FAILED',
      message: `could not read the MySQL catalog (${family}): ${error.message.replace(/^MySQL: /, '')}`,
      hint: 'the connecting user needs to read information_schema; the server must be MySQL 8 or MariaDB 10.6 or later',
      details: error.details,
      cause: error,
    })
  }
}

/**
 * MySQL names an index within its table, so two tables may each have an index `created_at`; the
 * model keys an index by its name alone, as PostgreSQL and SQLite name indexes within a schema.
 * Two such indexes cannot both be modelled: this is said plainly rather than one hiding the other.
 */
function withoutKeyClash(
  objects: ReadonlyArray<SchemaObject>,
  scope: CatalogScope,
): ReadonlyArray<SchemaObject> {
  const seen = new Map<string, SchemaObject>()
  for (const object of objects) {
    const key = objectKey(object)
    const first = seen.get(key)
    if (first !== undefined) {
      throw new PlumblineError({
        code: 'INTROSPECTION_FAILED',
        message: `${object.kind} ${object.name} exists on both ${first.table} and ${object.table} in database ${scope.database}; plumbline keys ${object.kind === 'index' ? 'indexes' : `${object.kind}s`} by name and cannot model both`,
        hint: `rename one of them (ALTER TABLE \`${object.table}\` RENAME INDEX \`${object.name}\` TO …)`,
        details: { object: { kind: object.kind, name: object.name, tables: [first.table, object.table] } },
      })
    }
    seen.set(key, object)
  }
  return objects
}
