import { createHash } from 'node:crypto'
import type { ObjectKind } from '../../../schema/model.js'
import { READ_ALL } from './catalog-sql.js'
import { COLUMNS_QUERY } from './columns-query.js'
import { CONSTRAINTS_QUERY } from './constraints-query.js'
import { INDEXES_QUERY } from './indexes-query.js'
import { NAMESPACES_QUERY } from './namespaces-query.js'
import { RELATIONS_QUERY } from './relations-query.js'
import { ROUTINES_QUERY } from './routines-query.js'
import { TRIGGERS_QUERY } from './triggers-query.js'
import { TYPES_QUERY } from './types-query.js'

/** One row of any catalog query: an object of the schema model, computed by the server. */
export interface CatalogRow {
  readonly kind: ObjectKind
  readonly schema: string
  readonly name: string
  readonly table: string | null
  readonly definition: string
  readonly details: Readonly<Record<string, unknown>> | null
  /** Views only: the query, which the client appends to `definition`. */
  readonly view_query?: string | null
  /** Views on PostgreSQL 15 and earlier: the query tree, to spell the query as later versions do. */
  readonly query_tree?: string | null
  readonly relation_names?: Readonly<Record<string, string>> | null
}

/** One catalog query: one round trip. */
export interface CatalogQuery {
  /** The object families it reads, for error messages. */
  readonly family: string
  /** Takes `$1` (schemas) and `$2` (names), see {@link catalogParameters}. */
  readonly sql: string
}

/** The query of one family of objects; only relations carry a view's query and query tree. */
interface CatalogFamily extends CatalogQuery {
  readonly viewColumns?: true
}

const FAMILIES: ReadonlyArray<CatalogFamily> = [
  { family: 'schemas and extensions', sql: NAMESPACES_QUERY },
  { family: 'types', sql: TYPES_QUERY },
  { family: 'tables, views and sequences', sql: RELATIONS_QUERY, viewColumns: true },
  { family: 'columns', sql: COLUMNS_QUERY },
  { family: 'constraints', sql: CONSTRAINTS_QUERY },
  { family: 'indexes', sql: INDEXES_QUERY },
  { family: 'triggers', sql: TRIGGERS_QUERY },
  { family: 'routines', sql: ROUTINES_QUERY },
]

function branch(f: CatalogFamily): string {
  const view = f.viewColumns
    ? 'f.view_query::text AS view_query, f.query_tree::text AS query_tree, f.relation_names::json AS relation_names'
    : 'NULL::text AS view_query, NULL::text AS query_tree, NULL::json AS relation_names'
  return `SELECT f.kind::text AS kind, f.schema::text AS schema, f.name::text AS name, f."table"::text AS "table",
  f.definition::text AS definition, f.details::json AS details, ${view}
FROM (${f.sql}) AS f`
}

/**
 * Every catalog query introspection sends: the families of objects in one statement (a `UNION
 * ALL`, one branch per family). Each returns finished objects (canonical text computed
 * server-side), so reading a database costs one round trip whatever its size, and little work on
 * the client.
 */
export const CATALOG_QUERIES: ReadonlyArray<CatalogQuery> = Object.freeze([
  { family: FAMILIES.map((f) => f.family).join(', '), sql: FAMILIES.map(branch).join('\nUNION ALL\n') },
])

const CATALOG = CATALOG_QUERIES[0]!

/**
 * The name the catalog statement is prepared under on a session; it changes with the statement's
 * text, so a session never runs a statement of another version.
 */
export const PREPARED_CATALOG_NAME = `plumbline_catalog_${createHash('sha256').update(CATALOG.sql).digest('hex').slice(0, 16)}`

/**
 * Prepares the catalog statement on the session, so that reading a few named objects (the
 * verification after each migration) runs a plan made once per session: planning the statement
 * costs far more than running it for a few relations. Names are always given to it, so it says so
 * (see {@link READ_ALL}). A prepared statement outlives a rolled-back transaction, and it is the
 * session's alone.
 */
export const PREPARE_CATALOG = `PREPARE ${PREPARED_CATALOG_NAME}(text[], text[]) AS ${CATALOG.sql.replaceAll(READ_ALL, 'false')}`

/**
 * `EXECUTE` of the prepared catalog statement for `only`. The utility statement takes no bind
 * parameters, so the names go in as literals: E-strings with backslashes and quotes escaped read
 * the same whatever `standard_conforming_strings` says.
 */
export function executeCatalog(
  only: ReadonlyArray<{ readonly schema?: string; readonly name: string }>,
): string {
  const [schemas, names] = catalogParameters(only)
  return `EXECUTE ${PREPARED_CATALOG_NAME}(${textArray(schemas ?? [])}, ${textArray(names ?? [])})`
}

function textArray(values: ReadonlyArray<string | null>): string {
  const literal = (v: string | null) =>
    v === null ? 'NULL' : `E'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
  return `ARRAY[${values.map(literal).join(', ')}]::text[]`
}

/**
 * The two parameters every catalog query takes: parallel arrays of schemas (NULL: any schema)
 * and names, or both NULL to read everything.
 */
export function catalogParameters(
  only: ReadonlyArray<{ readonly schema?: string; readonly name: string }> | undefined,
): [ReadonlyArray<string | null> | null, ReadonlyArray<string> | null] {
  if (only === undefined) return [null, null]
  return [only.map((o) => o.schema ?? null), only.map((o) => o.name)]
}
