import type { SchemaObject } from '../../../schema/model.js'
import { quoteIdentifier } from '../mysql-quote.js'
import { type CatalogScope, inDatabase, notPlumbline, selected } from './catalog-scope.js'
import { text } from './catalog-value.js'

/** A foreign key with its columns in order. */
export interface ForeignKey {
  readonly table: string
  readonly name: string
  readonly columns: ReadonlyArray<string>
  readonly referencedSchema: string
  readonly referencedTable: string
  readonly referencedColumns: ReadonlyArray<string>
  readonly onDelete: string
  readonly onUpdate: string
}

/**
 * Foreign keys, one row per column: one round trip. Both information_schema tables are given the
 * table names as constants in WHERE, and joined by constraint name alone (a foreign key's name is
 * unique in its database): information_schema looks up a table it is given by name, but given a
 * join's `r.TABLE_NAME = k.TABLE_NAME` it read every table of the database.
 */
export function foreignKeysSql(scope: CatalogScope): string {
  return `SELECT k.TABLE_NAME AS table_name, k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS column_name,
  k.REFERENCED_TABLE_SCHEMA AS ref_schema, k.REFERENCED_TABLE_NAME AS ref_table, k.REFERENCED_COLUMN_NAME AS ref_column,
  r.DELETE_RULE AS on_delete, r.UPDATE_RULE AS on_update
FROM information_schema.KEY_COLUMN_USAGE k
JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
WHERE ${inDatabase('k.TABLE_SCHEMA', scope)} AND k.REFERENCED_TABLE_NAME IS NOT NULL
  AND ${notPlumbline('k.TABLE_NAME')} AND ${selected(scope, 'k.TABLE_NAME')}
  AND ${inDatabase('r.CONSTRAINT_SCHEMA', scope)} AND ${selected(scope, 'r.TABLE_NAME')}
ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`
}

/** The rows grouped into foreign keys. */
export function readForeignKeys(rows: ReadonlyArray<Record<string, unknown>>): ForeignKey[] {
  const keys = new Map<string, ForeignKey & { columns: string[]; referencedColumns: string[] }>()
  for (const row of rows) {
    const table = text(row.table_name)
    const name = text(row.name)
    const id = `${table}\0${name}`
    let key = keys.get(id)
    if (key === undefined) {
      key = {
        table,
        name,
        columns: [],
        referencedSchema: text(row.ref_schema),
        referencedTable: text(row.ref_table),
        referencedColumns: [],
        onDelete: text(row.on_delete),
        onUpdate: text(row.on_update),
      }
      keys.set(id, key)
    }
    key.columns.push(text(row.column_name))
    key.referencedColumns.push(text(row.ref_column))
  }
  return [...keys.values()]
}

/**
 * A foreign key as `SHOW CREATE TABLE` writes it, with both actions always spelt out: RESTRICT
 * and NO ACTION behave alike in InnoDB but are stored apart, and which one a server reports when
 * none was given differs between servers. The referenced table is qualified only when it lives in
 * another database: the own database's name never appears.
 */
export function foreignKeyObject(key: ForeignKey, scope: CatalogScope): SchemaObject {
  const columns = key.columns.map(quoteIdentifier).join(', ')
  const referenced =
    (key.referencedSchema === scope.database ? '' : `${quoteIdentifier(key.referencedSchema)}.`) +
    quoteIdentifier(key.referencedTable)
  return {
    kind: 'foreign_key',
    name: key.name,
    table: key.table,
    definition:
      `CONSTRAINT ${quoteIdentifier(key.name)} FOREIGN KEY (${columns}) REFERENCES ${referenced} ` +
      `(${key.referencedColumns.map(quoteIdentifier).join(', ')}) ON DELETE ${key.onDelete} ON UPDATE ${key.onUpdate}`,
    details: {
      columns: key.columns,
      references: {
        schema: key.referencedSchema === scope.database ? null : key.referencedSchema,
        table: key.referencedTable,
        columns: key.referencedColumns,
      },
      onDelete: key.onDelete,
      onUpdate: key.onUpdate,
    },
  }
}
