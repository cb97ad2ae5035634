import type { IntrospectOptions, Row } from '../dialect.js'

/**
 * The statement that reads a SQLite schema in one round trip: the managed objects of
 * `sqlite_schema` and, for each ordinary table, `pragma_table_xinfo` and `pragma_foreign_key_list`,
 * as one UNION ALL. Rows of the three branches share columns (`kind` 0 object, 1 column, 2
 * foreign-key column); {@link readCatalogRows} gives them names. (A read in a transaction may
 * instead send {@link objectsQuery} and then {@link tableDetailsQuery}.)
 *
 * Left out, by design: automatic indexes (`sql IS NULL`; their constraint is modelled instead),
 * `sqlite_*` tables (statistics, sequences), and plumbline's own `plumbline_*` tables with all
 * that belongs to them. The shadow tables a virtual table keeps its data in (they belong to it)
 * are left out by {@link managedObjects}, from the virtual tables this statement reads along
 * with the objects named. Virtual tables get no pragma rows: reading their columns needs their
 * module, which may not be loaded on this connection.
 */
export function catalogQuery(options?: IntrospectOptions): { sql: string; params: unknown[] } {
  const { filter, params } = objectFilter(options?.only)
  const sql = `WITH objects AS MATERIALIZED (
  SELECT m.type, m.name, m.tbl_name, m.sql, ${ORDINARY} AS ordinary
  FROM main.sqlite_schema AS m
  WHERE ${managed(filter)}
)
SELECT 0 AS kind, o.tbl_name AS owner, o.name AS name, o.type AS a, o.sql AS b, o.ordinary AS c,
  NULL AS d, NULL AS e, NULL AS f, NULL AS g
FROM objects AS o
UNION ALL
${pragmaRows('objects AS o', 'o.name', 'WHERE o.ordinary')}`
  return { sql, params }
}

/**
 * The object rows of {@link catalogQuery} alone (`kind` 0): the first of the two statements of a
 * read in a transaction, where the pragma rows are asked for only for the tables whose
 * `CREATE TABLE` text has not been read before (see {@link tableDetailsQuery}). A third of the
 * cost of a verification's read was compiling and running the pragma branches for tables whose
 * objects were known already.
 */
export function objectsQuery(only: IntrospectOptions['only']): { sql: string; params: unknown[] } {
  const { filter, params } = objectFilter(only)
  const sql = `SELECT 0 AS kind, m.tbl_name AS owner, m.name AS name, m.type AS a, m.sql AS b, ${ORDINARY} AS c,
  NULL AS d, NULL AS e, NULL AS f, NULL AS g
FROM main.sqlite_schema AS m
WHERE ${managed(filter)}`
  return { sql, params }
}

/**
 * The pragma rows of {@link catalogQuery} (`kind` 1 and 2) for `count` ordinary tables, each
 * named exactly as `sqlite_schema` names it (the parameters, in order).
 */
export function tableDetailsQuery(count: number): string {
  const values = Array.from({ length: count }, () => '(?)').join(', ')
  return `WITH t(name) AS (VALUES ${values})
${pragmaRows('t', 't.name')}`
}

/** Whether an entry of `sqlite_schema AS m` is an ordinary table (it has pragma rows). */
const ORDINARY = `m.type = 'table' AND m.sql NOT LIKE 'CREATE VIRTUAL %'`

/** The condition on `sqlite_schema AS m` for the managed entries that `filter` narrows. */
function managed(filter: string): string {
  return `m.sql IS NOT NULL
    ${filter}
    AND substr(lower(m.tbl_name), 1, 7) <> 'sqlite_'
    AND substr(lower(m.tbl_name), 1, 10) <> 'plumbline_'`
}

/** The column and foreign-key rows of the tables `from` names (`name`: the table's name). */
function pragmaRows(from: string, name: string, where = ''): string {
  return `SELECT 1 AS kind, ${name} AS owner, x.name AS name, x.type AS a, x.dflt_value AS b, x."notnull" AS c,
  x.pk AS d, x.hidden AS e, x.cid AS f, NULL AS g
FROM ${from}, pragma_table_xinfo(${name}, 'main') AS x
${where}
UNION ALL
SELECT 2, ${name}, f."table", f."from", f."to", f.id, f.seq, f.on_update, f.on_delete, f."match"
FROM ${from}, pragma_foreign_key_list(${name}, 'main') AS f
${where}`
}

/** The condition on `sqlite_schema AS m` that narrows a read to `only`, with its parameters. */
function objectFilter(only: IntrospectOptions['only']): { filter: string; params: unknown[] } {
  if (only === undefined) return { filter: '', params: [] }
  // Names are matched as SQLite matches identifiers: ASCII case-insensitively (NOCASE). A few
  // names go in as a list of parameters, compared as they are: folding every name of the schema
  // with lower(), or probing a json_each() list, made a verification's read three times as long.
  const listed = only.length <= LISTED_NAMES
  // Virtual tables (rootpage 0) are read whether named or not: whether a table is a virtual
  // table's shadow is decided from them (see `managedObjects`), not by pragma_table_list, which
  // first works out the columns of every view of the schema, again after each schema change: asked
  // in the statement, it cost a verification's read twice what the rest of the read costs.
  const virtual = `(m.type = 'table' AND coalesce(m.rootpage, 0) = 0)`
  if (listed) {
    const names = only.map(() => '?').join(', ')
    const values = only.map((o) => o.name)
    return {
      filter: `AND (m.name COLLATE NOCASE IN (${names}) OR m.tbl_name COLLATE NOCASE IN (${names}) OR ${virtual})`,
      params: [...values, ...values],
    }
  }
  const list = JSON.stringify(only.map((o) => o.name))
  return {
    filter: `AND (lower(m.name) IN (SELECT lower(value) FROM json_each(?)) OR lower(m.tbl_name) IN (SELECT lower(value) FROM json_each(?)) OR ${virtual})`,
    params: [list, list],
  }
}

/** The names of the shadow tables of the database's virtual tables, as SQLite's modules report them. */
export const SHADOW_TABLES_SQL = `SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'shadow'`

/**
 * Of the rows {@link catalogQuery} read, the objects asked for (`only`: by name or table name,
 * ASCII case-insensitively, as SQLite matches identifiers) less the shadow tables of virtual
 * tables. SQLite names a shadow table `<virtual table>_<suffix>` and only the module knows its
 * suffixes, so a table so named is asked about (`shadowTables`, pragma_table_list) — and only
 * then: a database without virtual tables never is.
 */
export async function managedObjects(
  rows: ReadonlyArray<SchemaRow>,
  only: IntrospectOptions['only'],
  shadowTables: () => Promise<ReadonlySet<string>>,
): Promise<SchemaRow[]> {
  const names = only === undefined ? undefined : new Set(only.map((o) => foldAscii(o.name)))
  const asked =
    names === undefined
      ? [...rows]
      : rows.filter((r) => names.has(foldAscii(r.name)) || names.has(foldAscii(r.table)))
  const virtual = new Set(rows.filter((r) => r.type === 'table' && !r.ordinary).map((r) => foldAscii(r.name)))
  const named = (r: SchemaRow) =>
    r.ordinary && r.name.includes('_') && virtual.has(foldAscii(r.name.slice(0, r.name.lastIndexOf('_'))))
  if (virtual.size === 0 || !asked.some(named)) return asked
  const shadows = await shadowTables()
  return asked.filter((r) => !(named(r) && shadows.has(foldAscii(r.name))))
}

/** Lower case as SQLite folds identifiers: ASCII letters only. */
export function foldAscii(name: string): string {
  return name.replace(/[A-Z]+/g, (letters) => letters.toLowerCase())
}

/** Up to this many names are sent as parameters of their own; more as one JSON list. */
const LISTED_NAMES = 100

/** A managed object's row of `sqlite_schema`. */
export interface SchemaRow {
  readonly type: 'table' | 'index' | 'view' | 'trigger'
  readonly name: string
  readonly table: string
  readonly sql: string
  /** A table that is neither virtual nor a view: it has pragma rows. */
  readonly ordinary: boolean
}

/** One column as `pragma_table_xinfo` reports it. */
export interface PragmaColumn {
  readonly cid: number
  readonly name: string
  /** The declared type as SQLite keeps it: original spacing, standard names upper-cased. */
  readonly type: string
  readonly notNull: boolean
  /** The text of the DEFAULT expression, outer parentheses removed by SQLite; `null` without one. */
  readonly default: string | null
  /** Position in the primary key, 1-based; 0 when not part of it. */
  readonly pk: number
  /** 2: generated VIRTUAL, 3: generated STORED (1 is a virtual table's hidden column). */
  readonly hidden: number
}

/** One foreign key as `pragma_foreign_key_list` reports it, its column pairs gathered. */
export interface PragmaForeignKey {
  readonly id: number
  readonly table: string
  readonly from: string[]
  /** `null` entries when the clause names no parent columns (the parent's primary key). */
  readonly to: Array<string | null>
  readonly onUpdate: string
  readonly onDelete: string
  readonly match: string
}

/** The catalog rows of one table and the objects read. */
export interface Catalog {
  readonly objects: ReadonlyArray<SchemaRow>
  readonly columns: ReadonlyMap<string, PragmaColumn[]>
  /** Per table, indexed by pragma id (SQLite numbers foreign keys from the last one written). */
  readonly foreignKeys: ReadonlyMap<string, PragmaForeignKey[]>
}

/** Sorts the rows of {@link catalogQuery} into objects, columns and foreign keys. */
export function readCatalogRows(rows: ReadonlyArray<Row>): Catalog {
  const objects: SchemaRow[] = []
  const columns = new Map<string, PragmaColumn[]>()
  const foreignKeys = new Map<string, PragmaForeignKey[]>()
  for (const row of rows) {
    const owner = row.owner as string
    if (row.kind === 0) {
      objects.push({
        type: row.a as SchemaRow['type'],
        name: row.name as string,
        table: owner,
        sql: row.b as string,
        ordinary: row.c === 1,
      })
    } else if (row.kind === 1) {
      const list = columns.get(owner) ?? []
      if (list.length === 0) columns.set(owner, list)
      const cid = row.f as number
      list[cid] = {
        cid,
        name: row.name as string,
        type: row.a as string,
        notNull: row.c === 1,
        default: row.b as string | null,
        pk: row.d as number,
        hidden: row.e as number,
      }
    } else {
      const list = foreignKeys.get(owner) ?? []
      if (list.length === 0) foreignKeys.set(owner, list)
      const id = row.c as number
      const seq = row.d as number
      let fk = list[id]
      if (fk === undefined) {
        list[id] = fk = {
          id,
          table: row.name as string,
          from: [],
          to: [],
          onUpdate: row.e as string,
          onDelete: row.f as string,
          match: row.g as string,
        }
      }
      fk.from[seq] = row.a as string
      fk.to[seq] = row.b as string | null
    }
  }
  return { objects, columns, foreignKeys }
}
