/**
 * SQL fragments shared by the catalog queries. Every query takes the same three parameters: `$1`
 * (schemas, `text[]`, an element may be NULL) and `$2` (names, `text[]`), both NULL when the
 * whole database is read, and `$3` (see {@link namedWithin}). The fragments are plain strings,
 * so each query is one constant.
 */

/**
 * The namespaces that hold user objects, as a CTE named `ns`. Names starting with `pg_` are
 * reserved to the server (catalogs, toast, per-session temp schemas) and cannot be created by a user.
 */
export const USER_NAMESPACES_CTE = `ns AS (
  SELECT oid, nspname FROM pg_namespace
  WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
)`

/**
 * True when the whole database is read (`$2` is NULL). Every selection starts with it, so that the
 * statement prepared for reading named objects, where `$2` never is NULL, can state that as
 * `false`: its generic plan may then use the catalogs' name indexes.
 */
export const READ_ALL = '$2::text[] IS NULL'

/**
 * True when a table's column, constraint, index or trigger is among `$3`, the names a verification
 * looks for (`text[]`); `$3` NULL: every one of the selected tables. A verification after adding
 * one column to a wide table then deparses that column, not all of them.
 */
export function namedWithin(nameExpr: string): string {
  return `($3::text[] IS NULL OR ${nameExpr} = ANY($3::text[]))`
}

/** True when the object is not restricted away by the `only` parameters. */
export function selected(schemaExpr: string, nameExpr: string): string {
  return `(${READ_ALL} OR EXISTS (
    SELECT 1 FROM unnest($1::text[], $2::text[]) AS o(s, n)
    WHERE o.n = ${nameExpr} AND (o.s IS NULL OR o.s = ${schemaExpr})))`
}

/**
 * A test implied by {@link selected} that the planner can apply while it scans a catalog, before
 * any join: an object whose name is not among `$2` is not selected. The selection itself (an
 * EXISTS per row) can only run once its row is complete, so without this reading one table
 * would cost nearly as much as reading them all.
 */
export function named(nameExpr: string): string {
  return `(${READ_ALL} OR ${nameExpr} = ANY($2::text[]))`
}

/**
 * Like {@link named}, by OID: the OIDs of the relations named in `$2` are looked up once (by the
 * name index), and a relation or the rows that point at it are read by theirs. A generic plan
 * cannot tell a few names from every name: given OIDs, it reads them through the OID indexes
 * instead of scanning `pg_class` to join with.
 */
export function namedRelation(oidExpr: string): string {
  return `(${READ_ALL} OR ${oidExpr} = ANY (ARRAY(SELECT nr.oid FROM pg_class nr WHERE nr.relname = ANY($2::text[]))))`
}

/**
 * True when the object was created by an extension: the extension stands for it, and its
 * members come and go with the extension's version, never with a migration.
 */
export function notExtensionMember(catalog: string, oidExpr: string): string {
  return `NOT EXISTS (SELECT 1 FROM pg_depend e
    WHERE e.classid = '${catalog}'::regclass AND e.objid = ${oidExpr} AND e.deptype = 'e')`
}

/** plumbline's own relations and routines, which are never part of a schema. */
export function notPlumbline(nameExpr: string): string {
  return `${nameExpr} NOT LIKE 'plumbline\\_%'`
}

/** `schema.name`, quoted where needed. */
export function qualified(schemaExpr: string, nameExpr: string): string {
  return `format('%I.%I', ${schemaExpr}, ${nameExpr})`
}

/** A collation's name as DDL spells it: built-in ones bare (`"C"`), others qualified. */
export function collationName(oidExpr: string): string {
  return `(SELECT CASE WHEN cn.nspname = 'pg_catalog' THEN quote_ident(co.collname)
      ELSE format('%I.%I', cn.nspname, co.collname) END
    FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = ${oidExpr})`
}

/** Foreign-data options (`{name=value}` as stored) spelt as DDL does, sorted by name. */
export function fdwOptions(arrayExpr: string): string {
  return `(SELECT string_agg(format('%I %L', option_name, option_value), ', ' ORDER BY option_name)
    FROM pg_options_to_table(${arrayExpr}))`
}
