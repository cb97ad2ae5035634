import type { ObjectKind } from '../../../schema/model.js'
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

/** One catalog query: one round trip for one family of objects. */
export interface CatalogQuery {
  /** The object family, for error messages. */
  readonly family: string
  /** Takes `$1` (schemas) and `$2` (names), see {@link catalogParameters}. */
  readonly sql: string
}

/**
 * Every catalog query introspection sends, one per family of objects. Each returns finished
 * objects (canonical text computed server-side), so reading a database costs this many round
 * trips whatever its size, and little work on the client.
 */
export const CATALOG_QUERIES: ReadonlyArray<CatalogQuery> = Object.freeze([
  { family: 'schemas and extensions', sql: NAMESPACES_QUERY },
  { family: 'types', sql: TYPES_QUERY },
  { family: 'tables, views and sequences', sql: RELATIONS_QUERY },
  { family: 'columns', sql: COLUMNS_QUERY },
  { family: 'constraints', sql: CONSTRAINTS_QUERY },
  { family: 'indexes', sql: INDEXES_QUERY },
  { family: 'triggers', sql: TRIGGERS_QUERY },
  { family: 'routines', sql: ROUTINES_QUERY },
])

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
