import type { DdlRenderer } from '../../plan/ddl-renderer.js'
import type { Schema, SchemaObject } from '../../schema/model.js'
import { quoteIdentifier } from './mysql-quote.js'

/** Constraints created inside `CREATE TABLE`; foreign keys follow as `ALTER TABLE`, once every table exists. */
const INLINE_KINDS: ReadonlySet<SchemaObject['kind']> = new Set(['primary_key', 'unique', 'check'])

/**
 * MySQL DDL from expected objects. Introspection writes every definition so that it runs as it
 * is: indexes, views, triggers, routines and sequences as their `CREATE` statement, and the parts
 * of a table as `SHOW CREATE TABLE` lines, which `ALTER TABLE … ADD` takes. A table is created
 * with its columns (in their positions), primary key, unique keys and checks. A partitioned
 * table is left to a human: its partitions' bounds are not part of its definition.
 */
export const mysqlRenderer: DdlRenderer = Object.freeze({
  create(object: SchemaObject, expected: Schema): ReadonlyArray<string> | null {
    switch (object.kind) {
      case 'index':
      case 'view':
      case 'trigger':
      case 'function':
      case 'procedure':
      case 'sequence':
        return /^CREATE\s/.test(object.definition) ? [object.definition] : null
      case 'column':
        return object.table === undefined
          ? null
          : [`ALTER TABLE ${quoteIdentifier(object.table)} ADD COLUMN ${object.definition}`]
      case 'primary_key':
      case 'unique':
      case 'foreign_key':
      case 'check':
        return object.table === undefined
          ? null
          : [`ALTER TABLE ${quoteIdentifier(object.table)} ADD ${object.definition}`]
      case 'table':
        return createTable(object, expected)
      default:
        return null
    }
  },
  drop(object: SchemaObject): string | null {
    switch (object.kind) {
      case 'index':
        return object.table === undefined
          ? null
          : `DROP INDEX ${quoteIdentifier(object.name)} ON ${quoteIdentifier(object.table)}`
      case 'view':
        return `DROP VIEW ${quoteIdentifier(object.name)}`
      case 'trigger':
        return `DROP TRIGGER ${quoteIdentifier(object.name)}`
      case 'function':
        return `DROP FUNCTION ${quoteIdentifier(object.name)}`
      case 'procedure':
        return `DROP PROCEDURE ${quoteIdentifier(object.name)}`
      default:
        return null
    }
  },
})

function createTable(table: SchemaObject, expected: Schema): ReadonlyArray<string> | null {
  const head = `CREATE TABLE ${quoteIdentifier(table.name)} ()`
  if (!table.definition.startsWith(head) || /\sPARTITION BY\s/.test(table.definition)) return null
  const parts = expected.objects.filter((o) => o.table === table.name)
  const columns = parts
    .filter((o) => o.kind === 'column')
    .sort((a, b) => Number(a.details?.position ?? 0) - Number(b.details?.position ?? 0))
  const inline = [...columns, ...parts.filter((o) => INLINE_KINDS.has(o.kind))].map((o) => o.definition)
  const options = table.definition.slice(head.length)
  return [
    `CREATE TABLE ${quoteIdentifier(table.name)} (\n  ${inline.join(',\n  ')}\n)${options}`,
    ...parts
      .filter((o) => o.kind === 'foreign_key')
      .map((fk) => `ALTER TABLE ${quoteIdentifier(table.name)} ADD ${fk.definition}`),
    // The table's indexes and triggers come with it: the planner does not create them again.
    ...parts
      .filter((o) => (o.kind === 'index' || o.kind === 'trigger') && /^CREATE\s/.test(o.definition))
      .map((o) => o.definition),
  ]
}
