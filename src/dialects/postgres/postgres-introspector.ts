import { isPlumblineError, PlumblineError } from '../../errors/plumbline-error.js'
import { createSchema, type Schema, type SchemaObject } from '../../schema/model.js'
import type { Connection, IntrospectOptions } from '../dialect.js'
import { CATALOG_QUERIES, type CatalogRow, catalogParameters } from './catalog/catalog-queries.js'
import {
  FIX_DEPARSE_SETTINGS,
  RESTORE_DEPARSE_SETTINGS,
  restoreParameters,
  SAVE_DEPARSE_SETTINGS,
} from './catalog/deparse-settings.js'
import { normalizeViewDefinition } from './catalog/normalize-view-definition.js'

/**
 * Reads a PostgreSQL database into the schema model: every schema but the server's own, minus
 * what extensions created and plumbline's own `plumbline_*` tables. One round trip per family of
 * objects, plus three to save, fix and restore the session settings that change how definitions are
 * spelt.
 *
 * With `only`, reads just the named relations, types and routines (and schemas and extensions of
 * those names) with what belongs to them: columns, constraints, indexes, triggers, owned
 * sequences. An entry without `schema` matches the name in any schema; a routine matches by
 * name alone or by name with argument types (`add_points(integer, integer)`).
 *
 * @example
 * const schema = await introspectPostgres(conn, { only: [{ schema: 'public', name: 'goals' }] })
 */
export async function introspectPostgres(conn: Connection, options: IntrospectOptions = {}): Promise<Schema> {
  const params = catalogParameters(options.only)
  const [saved] = await conn.query(SAVE_DEPARSE_SETTINGS)
  const [fixed] = await conn.query(FIX_DEPARSE_SETTINGS)
  const restoreWith = restoreParameters(saved ?? {}, fixed?.in_block === true)
  let failed = false
  try {
    const objects: SchemaObject[] = []
    for (const query of CATALOG_QUERIES) {
      let rows: CatalogRow[]
      try {
        rows = await conn.query<CatalogRow & Record<string, unknown>>(query.sql, params)
      } catch (error) {
        throw introspectionError(error, query.family)
      }
      for (const row of rows) objects.push(toObject(row))
    }
    return createSchema('postgres', objects)
  } catch (error) {
    failed = true
    throw error
  } finally {
    await restore(conn, restoreWith, failed)
  }
}

function toObject(row: CatalogRow): SchemaObject {
  const object: { -readonly [K in keyof SchemaObject]: SchemaObject[K] } = {
    kind: row.kind,
    schema: row.schema,
    name: row.name,
    definition: row.view_query == null ? row.definition : row.definition + viewQuery(row, row.view_query),
  }
  if (row.table !== null) object.table = row.table
  if (row.details !== null) object.details = Object.freeze(row.details)
  return object
}

function viewQuery(row: CatalogRow, query: string): string {
  if (row.query_tree == null) return query
  return normalizeViewDefinition(query, row.query_tree, row.relation_names ?? {})
}

async function restore(conn: Connection, parameters: ReadonlyArray<unknown>, failed: boolean): Promise<void> {
  try {
    await conn.query(RESTORE_DEPARSE_SETTINGS, parameters)
  } catch (error) {
    // After a failed catalog query inside a transaction nothing more can run; the rollback that
    // must follow restores the settings itself, and the first error is the one worth showing.
    if (!failed) throw error
  }
}

function introspectionError(error: unknown, family: string): unknown {
  if (!isPlumblineError(error) || error.code !== 'QUERY_FAILED') return error
  return new PlumblineError({
    code: 'INTROSPECTION_FAILED',
    message: `could not read the PostgreSQL catalog (${family}): ${error.message.replace(/^PostgreSQL: /, '')}`,
    hint: 'the connecting role needs to read the system catalogs; the server must be PostgreSQL 14 or later',
    details: error.details,
    cause: error,
  })
}
