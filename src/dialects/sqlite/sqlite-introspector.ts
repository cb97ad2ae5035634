import { isPlumblineError, PlumblineError } from '../../errors/plumbline-error.js'
import { createSchema, type Schema, type SchemaObject } from '../../schema/model.js'
import type { Connection, IntrospectOptions } from '../dialect.js'
import {
  type Catalog,
  catalogQuery,
  foldAscii,
  managedObjects,
  readCatalogRows,
  type SchemaRow,
  SHADOW_TABLES_SQL,
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
 * belongs to them, for verification after a migration. Temporary objects, `sqlite_*` tables and
 * plumbline's own `plumbline_*` tables are never part of it.
 *
 * @example
 * const schema = await introspectSqlite(conn, { only: [{ name: 'goals' }] })
 * schema.objects.map((o) => `${o.kind} ${o.name}`) // ['column created_at', …, 'index idx_goals_user_id', 'table goals']
 */
export async function introspectSqlite(conn: Connection, options?: IntrospectOptions): Promise<Schema> {
  if (options?.only !== undefined && options.only.length === 0) return createSchema('sqlite', [])
  const query = catalogQuery(options)
  const catalog = readCatalogRows(await conn.query(query.sql, query.params))
  const rows = await managedObjects(catalog.objects, options?.only, async () => {
    const shadows = await conn.query<{ name: string }>(SHADOW_TABLES_SQL)
    return new Set(shadows.map((r) => foldAscii(r.name)))
  })
  const objects: SchemaObject[] = []
  for (const row of rows) {
    const key = `${row.type}\u0000${row.name}\u0000${row.table}\u0000${row.sql}`
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

/**
 * The objects of each catalog row, by the row's type, names and SQL text. SQLite derives what the
 * pragmas report (columns, foreign keys) from that same stored text, so equal keys always mean
 * equal objects: each distinct statement is parsed once per process, and verification, which
 * reads the same tables again and again, pays only for the catalog query.
 */
const parsedRows = new Map<string, ReadonlyArray<SchemaObject>>()
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
