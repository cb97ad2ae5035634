import { PlumblineError } from '../../../errors/plumbline-error.js'
import type { SchemaObject } from '../../../schema/model.js'
import { sqlLiteral } from '../mysql-literal.js'
import { quoteIdentifier, quoteText } from '../mysql-quote.js'
import { type CatalogScope, inDatabase, notPlumbline, selected } from './catalog-scope.js'
import { text, textOrNull } from './catalog-value.js'
import type { PartitionScheme } from './partitions.js'
import { viewQuery } from './view-query.js'

/** A table, view or sequence of the database, as the catalog describes it. */
export interface Relation {
  readonly name: string
  readonly kind: 'table' | 'view' | 'sequence'
  readonly engine: string | null
  /** The table's default collation, which its columns are compared with. */
  readonly collation: string | null
  readonly options: ReadonlyArray<string>
  readonly comment: string
  readonly systemVersioned: boolean
  readonly partitioned: boolean
  readonly view: {
    readonly query: string
    readonly checkOption: string
    readonly security: string
    readonly algorithm: string | null
  } | null
}

/** Tables (with system-versioned ones), views and sequences: one round trip. */
export function relationsSql(scope: CatalogScope): string {
  return `SELECT t.TABLE_NAME AS name, t.TABLE_TYPE AS type, t.ENGINE AS engine, t.TABLE_COLLATION AS collation,
  t.CREATE_OPTIONS AS options, t.TABLE_COMMENT AS comment
FROM information_schema.TABLES t
WHERE ${inDatabase('t.TABLE_SCHEMA', scope)}
  AND t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED', 'VIEW', 'SEQUENCE')
  AND ${notPlumbline('t.TABLE_NAME')}
  AND ${selected(scope, 't.TABLE_NAME')}`
}

/**
 * The views among the relations read: their query and options. A statement of its own, asked only
 * when there are views: joined to TABLES, the server looked views up in every database on it
 * (information_schema resolves a name it is given as a constant, not one a join supplies), which
 * cost more than the rest of a verification.
 */
export function viewsSql(scope: CatalogScope, names: ReadonlyArray<string>): string {
  // MySQL keeps a view's ALGORITHM out of information_schema; MariaDB has it.
  const algorithm = scope.server.flavor === 'mariadb' ? 'ALGORITHM' : 'NULL'
  return `SELECT TABLE_NAME AS name, VIEW_DEFINITION AS query, CHECK_OPTION AS check_option,
  SECURITY_TYPE AS security, ${algorithm} AS algorithm
FROM information_schema.VIEWS
WHERE ${inDatabase('TABLE_SCHEMA', scope)} AND TABLE_NAME IN (${sqlLiteral(names)})`
}

/** The rows of {@link relationsSql} with those of {@link viewsSql} merged into the views'. */
export function withViews(
  relations: ReadonlyArray<Record<string, unknown>>,
  views: ReadonlyArray<Record<string, unknown>>,
): ReadonlyArray<Record<string, unknown>> {
  const byName = new Map(views.map((v) => [text(v.name), v] as const))
  return relations.map((r) => ({ ...byName.get(text(r.name)), ...r }))
}

/** The names of the views among the catalog rows of {@link relationsSql}. */
export function viewNames(rows: ReadonlyArray<Record<string, unknown>>): string[] {
  return rows.filter((r) => text(r.type) === 'VIEW').map((r) => text(r.name))
}

/** The catalog rows as relations. */
export function readRelations(rows: ReadonlyArray<Record<string, unknown>>): Relation[] {
  return rows.map((row) => {
    const type = text(row.type)
    const options = text(row.options)
      .split(/\s+/)
      .filter((o) => o !== '')
    return {
      name: text(row.name),
      kind: type === 'VIEW' ? 'view' : type === 'SEQUENCE' ? 'sequence' : 'table',
      engine: textOrNull(row.engine),
      collation: textOrNull(row.collation),
      // `partitioned` is spelt out by the partition scheme instead.
      options: options
        .filter((o) => o.toLowerCase() !== 'partitioned')
        .map(tableOption)
        .sort(),
      comment: type === 'VIEW' ? '' : text(row.comment),
      systemVersioned: type === 'SYSTEM VERSIONED',
      partitioned: options.some((o) => o.toLowerCase() === 'partitioned'),
      view:
        type === 'VIEW'
          ? {
              query: text(row.query),
              checkOption: text(row.check_option),
              security: text(row.security),
              algorithm: textOrNull(row.algorithm),
            }
          : null,
    }
  })
}

/**
 * `row_format=COMPRESSED` as `SHOW CREATE TABLE` writes it: `ROW_FORMAT=COMPRESSED`. MariaDB quotes
 * options an engine defines (`` `page_compressed`=1 ``); the quotes are not part of the option.
 */
function tableOption(option: string): string {
  const at = option.indexOf('=')
  if (at < 0) return option.toUpperCase()
  return `${option.slice(0, at).replace(/`/g, '').toUpperCase()}=${option.slice(at + 1)}`
}

/**
 * A table: its table-level properties only (engine, default character set and collation, the
 * options it was created with, comment, system versioning, partitioning scheme); columns, keys
 * and indexes are objects of their own. The options are the declared ones (`SHOW CREATE TABLE`'s),
 * not the effective row format: a rebuild after the server's default changed does not change a
 * table that never chose one. `AUTO_INCREMENT=n` is the counter's state, not the schema.
 */
export function tableObject(relation: Relation, partitions: PartitionScheme | undefined): SchemaObject {
  const collation = relation.collation ?? ''
  const parts = [`CREATE TABLE ${quoteIdentifier(relation.name)} ()`]
  if (relation.engine !== null) parts.push(`ENGINE=${relation.engine}`)
  // A collation's name starts with its character set's, which holds no underscore.
  if (collation !== '') parts.push(`DEFAULT CHARSET=${collation.split('_')[0]} COLLATE=${collation}`)
  parts.push(...relation.options)
  if (relation.comment !== '') parts.push(`COMMENT=${quoteText(relation.comment)}`)
  if (relation.systemVersioned) parts.push('WITH SYSTEM VERSIONING')
  if (partitions !== undefined) parts.push(partitions.definition)
  return {
    kind: 'table',
    name: relation.name,
    definition: parts.join(' '),
    details: {
      engine: relation.engine,
      collation: relation.collation,
      options: relation.options,
      comment: relation.comment,
      systemVersioned: relation.systemVersioned,
      partitions: partitions?.partitions ?? null,
    },
  }
}

/**
 * A view: its query as the server rewrote it, without the database name the server writes into
 * it (see {@link viewQuery}). DEFINER names a user of one environment and is left out; so is
 * ALGORITHM, which MySQL keeps out of information_schema (it is in `details` on MariaDB). SQL
 * SECURITY shows only when it is INVOKER, a choice that changes who may read through the view.
 */
export function viewObject(relation: Relation, scope: CatalogScope): SchemaObject {
  const view = relation.view!
  if (view.query === '') {
    throw new PlumblineError({
      code: 'INTROSPECTION_FAILED',
      message: `the query of view ${relation.name} cannot be read by this user`,
      hint: 'grant SHOW VIEW on the database to the user plumbline connects as',
    })
  }
  const query = viewQuery(view.query, scope.database)
  const security = view.security === 'INVOKER' ? 'SQL SECURITY INVOKER ' : ''
  const check =
    view.checkOption === '' || view.checkOption === 'NONE' ? '' : ` WITH ${view.checkOption} CHECK OPTION`
  return {
    kind: 'view',
    name: relation.name,
    definition: `CREATE ${security}VIEW ${quoteIdentifier(relation.name)} AS ${query}${check}`,
    details: { security: view.security, checkOption: view.checkOption, algorithm: view.algorithm },
  }
}
