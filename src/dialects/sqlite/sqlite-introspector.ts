import { isPlumblineError, PlumblineError } from '../../errors/plumbline-error.js'
import { createSchema, type ObjectKind, type Schema, type SchemaObject } from '../../schema/model.js'
import type { Connection, IntrospectOptions } from '../dialect.js'
import {
  type Catalog,
  catalogQuery,
  foldAscii,
  managedObjects,
  objectsQuery,
  readCatalogRows,
  type SchemaRow,
  SHADOW_TABLES_SQL,
  tableDetailsQuery,
} from './sqlite-catalog-query.js'
import { parseCreateIndex } from './sqlite-create-index-parser.js'
import { parseCreateTable } from './sqlite-create-table-parser.js'
import { parseCreateTrigger } from './sqlite-create-trigger-parser.js'
import { parseCreateView } from './sqlite-create-view-parser.js'
import { tableObjects } from './sqlite-table-objects.js'

/**
 * Reads a SQLite database's `main` schema into the model in one statement: tables (with their
 * columns, primary key, unique, foreign-key and check constraints), explicit indexes, views and
 * triggers. `options.only` narrows it to the named tables, views, indexes and triggers and what
 * belongs to them, for verification after a migration; in the caller's transaction, such a read
 * takes a second statement only for tables whose text is new (see `IntrospectOptions.expected`). Temporary objects, `sqlite_*` tables and
 * plumbline's own `plumbline_*` tables are never part of it.
 *
 * @example
 * const schema = await introspectSqlite(conn, { only: [{ name: 'goals' }] })
 * schema.objects.map((o) => `${o.kind} ${o.name}`) // ['column created_at', …, 'index idx_goals_user_id', 'table goals']
 */
export async function introspectSqlite(conn: Connection, options?: IntrospectOptions): Promise<Schema> {
  const only = options?.only
  if (only !== undefined && only.length === 0) return createSchema('sqlite', [])
  const shadowTables = async () => {
    const shadows = await conn.query<{ name: string }>(SHADOW_TABLES_SQL)
    return new Set(shadows.map((r) => foldAscii(r.name)))
  }
  // A narrowed read in the caller's transaction (verification) reads the objects first and the
  // pragmas only of the tables whose text is new to this connection; both statements see the same
  // schema. Otherwise one statement reads it all, so that no other connection's change can fall
  // between two reads.
  if (only === undefined || options?.inTransaction !== true) {
    const query = catalogQuery(options)
    const catalog = readCatalogRows(await conn.query(query.sql, query.params))
    return schemaOf(
      parsedRowsOf(conn),
      await managedObjects(catalog.objects, only, shadowTables),
      catalog,
      true,
    )
  }
  const query = objectsQuery(only)
  const rows = await managedObjects(
    readCatalogRows(await conn.query(query.sql, query.params)).objects,
    only,
    shadowTables,
  )
  // A caller that looks for indexes, triggers or views alone gets no table objects.
  const tables = options.kinds === undefined || options.kinds.some((k) => TABLE_KINDS.has(k))
  // A table whose stored text is the one expected is answered with the objects expected of it.
  const expected = tables ? expectedTables(options.expected) : NO_EXPECTED
  const answered = new Map<string, ReadonlyArray<SchemaObject>>()
  for (const row of rows) {
    const table = row.ordinary ? expected.get(row.name) : undefined
    if (table !== undefined && table.sql === row.sql) answered.set(row.name, table.objects)
  }
  const parsed = parsedRowsOf(conn)
  const unknown = tables
    ? rows.filter((r) => r.ordinary && !answered.has(r.name) && !parsed.has(rowKey(r))).map((r) => r.name)
    : []
  const catalog =
    unknown.length === 0
      ? NO_DETAILS
      : readCatalogRows(await conn.query(tableDetailsQuery(unknown.length), unknown))
  return schemaOf(parsed, rows, catalog, tables, answered)
}

/**
 * The tables among `expected` (see `IntrospectOptions.expected`) with their `CREATE TABLE` text
 * and the objects expected of them: the table and those of its columns and constraints listed.
 * SQLite derives everything it knows of a table from that text, so a table stored with exactly
 * this text has exactly the objects a database built by the same statements showed (the
 * history's shadow): verification need neither read its pragmas nor parse it.
 */
function expectedTables(
  expected: ReadonlyArray<SchemaObject> | undefined,
): ReadonlyMap<string, { readonly sql: string; readonly objects: SchemaObject[] }> {
  if (expected === undefined || expected.length === 0) return NO_EXPECTED
  const tables = new Map<string, { readonly sql: string; readonly objects: SchemaObject[] }>()
  for (const o of expected) {
    const sql = o.details?.sql
    if (o.kind === 'table' && typeof sql === 'string' && o.details?.virtual !== true)
      tables.set(o.name, { sql, objects: [o] })
  }
  if (tables.size === 0) return NO_EXPECTED
  for (const o of expected) {
    if (o.kind !== 'table' && TABLE_KINDS.has(o.kind) && o.table !== undefined)
      tables.get(o.table)?.objects.push(o)
  }
  return tables
}

const NO_EXPECTED: ReadonlyMap<string, never> = new Map<string, never>()

/** The kinds of object a table's row and its pragmas give. */
const TABLE_KINDS: ReadonlySet<ObjectKind> = new Set([
  'table',
  'column',
  'primary_key',
  'unique',
  'foreign_key',
  'check',
])

const NO_DETAILS: Catalog = { objects: [], columns: new Map(), foreignKeys: new Map() }

/** The objects of `rows`, each row's parsed once per connection (see {@link parsedRowsOf}). */
function schemaOf(
  parsedRows: Map<string, ReadonlyArray<SchemaObject>>,
  rows: ReadonlyArray<SchemaRow>,
  catalog: Catalog,
  tables: boolean,
  answered: ReadonlyMap<string, ReadonlyArray<SchemaObject>> = NO_EXPECTED,
): Schema {
  const objects: SchemaObject[] = []
  for (const row of rows) {
    if (!tables && row.type === 'table') continue
    const known = row.type === 'table' ? answered.get(row.name) : undefined
    if (known !== undefined) {
      for (const object of known) objects.push(object)
      continue
    }
    const key = rowKey(row)
    let parsed = parsedRows.get(key)
    if (parsed === undefined) {
      try {
        parsed = Object.freeze(objectsOf(row, catalog).map((o) => Object.freeze(o)))
      } catch (error) {
        throw inContext(error, row)
      }
      if (parsedRows.size >= PARSED_ROWS_LIMIT) parsedRows.clear()
      parsedRows.set(key, parsed)
    }
    for (const object of parsed) objects.push(object)
  }
  return createSchema('sqlite', objects)
}

function rowKey(row: SchemaRow): string {
  return `${row.type}\u0000${row.name}\u0000${row.table}\u0000${row.sql}`
}

/**
 * The objects of each catalog row read on a connection, by the row's type, names and SQL text.
 * SQLite derives what the pragmas report (columns, foreign keys) from that same stored text, so
 * equal keys always mean equal objects: each distinct statement is parsed once per connection,
 * and verification, which reads the same tables again and again, reads a table's pragmas only
 * when its text is new. Kept per connection, not per process: a session (one `up`) does the same
 * work whatever ran in the process before it.
 */
function parsedRowsOf(conn: Connection): Map<string, ReadonlyArray<SchemaObject>> {
  let parsed = parsedRowsByConnection.get(conn)
  if (parsed === undefined) {
    parsed = new Map()
    parsedRowsByConnection.set(conn, parsed)
  }
  return parsed
}

const parsedRowsByConnection = new WeakMap<Connection, Map<string, ReadonlyArray<SchemaObject>>>()
const PARSED_ROWS_LIMIT = 50_000

function objectsOf(row: SchemaRow, catalog: Catalog): SchemaObject[] {
  switch (row.type) {
    case 'table':
      return tableObjects(
        parseCreateTable(row.sql),
        row.name,
        row.sql,
        catalog.columns.get(row.name) ?? [],
        catalog.foreignKeys.get(row.name) ?? [],
      )
    case 'index': {
      const index = parseCreateIndex(row.sql)
      const details = Object.freeze({
        unique: index.unique,
        columns: Object.freeze(index.columns.map((c) => c.text)),
        where: index.where,
      })
      return [{ kind: 'index', name: row.name, table: row.table, definition: index.definition, details }]
    }
    case 'view':
      return [{ kind: 'view', name: row.name, definition: parseCreateView(row.sql).definition }]
    case 'trigger': {
      const trigger = parseCreateTrigger(row.sql)
      const details = Object.freeze({ timing: trigger.timing, event: trigger.event })
      return [{ kind: 'trigger', name: row.name, table: row.table, definition: trigger.definition, details }]
    }
  }
}

function inContext(error: unknown, row: SchemaRow): PlumblineError {
  if (!isPlumblineError(error))
    return new PlumblineError({ code: 'INTERNAL', message: String(error), cause: error })
  return new PlumblineError({
    code: error.code,
    message: `${row.type} ${row.name}: ${error.message}`,
    hint: error.hint,
    details: { ...error.details, object: { kind: row.type, name: row.name } },
    cause: error,
  })
}
