import { createHash } from 'node:crypto'
import type { ObjectKind } from '../../../schema/model.js'
import { postgresTextLiteral } from '../text-literal.js'
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
  /** Takes `$1` (schemas), `$2` (names) and `$3` (object names), see {@link catalogParameters}. */
  readonly sql: string
}

/** The query of one family of objects; only relations carry a view's query and query tree. */
interface CatalogFamily extends CatalogQuery {
  /** A short name, which the prepared statement's third parameter selects it by. */
  readonly id: string
  readonly kinds: ReadonlyArray<ObjectKind>
  readonly viewColumns?: true
}

const FAMILIES: ReadonlyArray<CatalogFamily> = [
  {
    id: 'namespaces',
    family: 'schemas and extensions',
    sql: NAMESPACES_QUERY,
    kinds: ['schema', 'extension'],
  },
  { id: 'types', family: 'types', sql: TYPES_QUERY, kinds: ['type'] },
  {
    id: 'relations',
    family: 'tables, views and sequences',
    sql: RELATIONS_QUERY,
    viewColumns: true,
    kinds: ['table', 'view', 'materialized_view', 'sequence'],
  },
  { id: 'columns', family: 'columns', sql: COLUMNS_QUERY, kinds: ['column'] },
  {
    id: 'constraints',
    family: 'constraints',
    sql: CONSTRAINTS_QUERY,
    kinds: ['primary_key', 'unique', 'foreign_key', 'check'],
  },
  { id: 'indexes', family: 'indexes', sql: INDEXES_QUERY, kinds: ['index'] },
  { id: 'triggers', family: 'triggers', sql: TRIGGERS_QUERY, kinds: ['trigger'] },
  { id: 'routines', family: 'routines', sql: ROUTINES_QUERY, kinds: ['function', 'procedure'] },
]

/** The ids of the families that hold objects of `kinds` (all of them when `kinds` is absent). */
export function familiesOf(kinds: ReadonlyArray<ObjectKind> | undefined): ReadonlyArray<string> {
  if (kinds === undefined) return FAMILIES.map((f) => f.id)
  return FAMILIES.filter((f) => f.kinds.some((k) => kinds.includes(k))).map((f) => f.id)
}

function branch(f: CatalogFamily, details = true): string {
  const view = f.viewColumns
    ? 'f.view_query::text AS view_query, f.query_tree::text AS query_tree, f.relation_names::json AS relation_names'
    : 'NULL::text AS view_query, NULL::text AS query_tree, NULL::json AS relation_names'
  return `SELECT f.kind::text AS kind, f.schema::text AS schema, f.name::text AS name, f."table"::text AS "table",
  f.definition::text AS definition, ${details ? 'f.details::json' : 'NULL::json'} AS details, ${view}
FROM (${f.sql}) AS f`
}

/**
 * Every catalog query introspection sends: the families of objects in one statement (a `UNION
 * ALL`, one branch per family). Each returns finished objects (canonical text computed
 * server-side), so reading a database costs one round trip whatever its size, and little work on
 * the client.
 */
export const CATALOG_QUERIES: ReadonlyArray<CatalogQuery> = Object.freeze([
  {
    family: FAMILIES.map((f) => f.family).join(', '),
    sql: FAMILIES.map((f) => branch(f)).join('\nUNION ALL\n'),
  },
])

/**
 * The statements prepared for reading named objects, one per family: a verification runs only
 * those of the kinds its delta touches, and the server starts and ends only their small plans
 * (one plan of every family cost more to set up than the few rows it read). Names are always
 * given to them, so they say so (see {@link READ_ALL}).
 */
const PREPARED_FAMILIES = (() => {
  const variants = [true, false].flatMap((details) =>
    FAMILIES.map((f) => ({ id: f.id, details, sql: branch(f, details).replaceAll(READ_ALL, 'false') })),
  )
  // The names change with the statements' text, so a session never runs those of another version.
  const hash = createHash('sha256')
  for (const v of variants) hash.update(`${v.sql}\n`)
  const prefix = `plumbline_catalog_${hash.digest('hex').slice(0, 12)}`
  return variants.map((v) => ({ ...v, name: `${prefix}_${v.id}${v.details ? '' : '_bare'}` }))
})()

/** The names of the prepared catalog statements, as a SQL array literal. */
export const PREPARED_CATALOG_NAMES = `ARRAY[${PREPARED_FAMILIES.map((p) => `'${p.name}'`).join(', ')}]`

/** How many statements {@link PREPARE_CATALOG} prepares. */
export const PREPARED_CATALOG_COUNT = PREPARED_FAMILIES.length

/**
 * Prepares the catalog statements on the session, so that reading a few named objects (the
 * verification after each migration) runs plans made once per session: planning costs far more
 * than running them for a few relations. A prepared statement outlives a rolled-back
 * transaction, and it is the session's alone.
 */
export const PREPARE_CATALOG = PREPARED_FAMILIES.map(
  (p) => `PREPARE ${p.name}(text[], text[], text[]) AS ${p.sql}`,
).join(';\n')

/**
 * The `EXECUTE`s of the prepared catalog statements for `only`, one per family that holds
 * objects of `kinds` (every family without); without `details`, statements that leave objects'
 * details out (the server then skips what only they need, such as an index's columns one by one).
 * `objects`: only the columns, constraints, indexes and triggers of these names (see
 * `IntrospectOptions.objects`). The utility statement takes no bind parameters, so the names go
 * in as literals.
 */
export function executeCatalog(
  only: ReadonlyArray<{ readonly schema?: string; readonly name: string }>,
  kinds?: ReadonlyArray<ObjectKind>,
  details = true,
  objects?: ReadonlyArray<string>,
): ReadonlyArray<string> {
  const [schemas, names] = catalogParameters(only)
  const within = objects === undefined ? 'NULL::text[]' : textArray(objects)
  const args = `(${textArray(schemas ?? [])}, ${textArray(names ?? [])}, ${within})`
  const wanted = new Set(familiesOf(kinds))
  return PREPARED_FAMILIES.filter((p) => p.details === details && wanted.has(p.id)).map(
    (p) => `EXECUTE ${p.name}${args}`,
  )
}

/**
 * The whole-database catalog statement as one simple-protocol statement, to share a round trip
 * with the statements that fix and put back the settings: its parameters spelt as `NULL`, and
 * every selection stated as `true` (see {@link READ_ALL}), so that the planner drops the name
 * tests instead of planning them.
 */
export const WHOLE_CATALOG_STATEMENT = CATALOG_QUERIES[0]!.sql
  .replaceAll(READ_ALL, 'true')
  .replaceAll('$1::text[]', 'NULL::text[]')
  .replaceAll('$2::text[]', 'NULL::text[]')
  .replaceAll('$3::text[]', 'NULL::text[]')

function textArray(values: ReadonlyArray<string | null>): string {
  return `ARRAY[${values.map((v) => (v === null ? 'NULL' : postgresTextLiteral(v))).join(', ')}]::text[]`
}

/**
 * The parameters every catalog query takes: parallel arrays of schemas (NULL: any schema) and
 * names, or both NULL to read everything; then the names of the table-scoped objects looked for
 * (NULL: all of them).
 */
function catalogParameters(
  only: ReadonlyArray<{ readonly schema?: string; readonly name: string }> | undefined,
  objects?: ReadonlyArray<string>,
): [ReadonlyArray<string | null> | null, ReadonlyArray<string> | null, ReadonlyArray<string> | null] {
  const within = objects === undefined ? null : objects
  if (only === undefined) return [null, null, within]
  return [only.map((o) => o.schema ?? null), only.map((o) => o.name), within]
}
