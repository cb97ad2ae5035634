import type { DdlRenderer } from '../../plan/ddl-renderer.js'
import type { Schema, SchemaObject } from '../../schema/model.js'

const ident = (name: string) => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`)
const qualified = (schema: string | undefined, name: string) =>
  schema ? `${ident(schema)}.${ident(name)}` : ident(name)

/**
 * PostgreSQL DDL from expected objects. Indexes, triggers, routines and schemas carry executable
 * definitions from the server (`pg_get_indexdef`, `pg_get_triggerdef`, `pg_get_functiondef`);
 * constraints become `ALTER TABLE … ADD CONSTRAINT` with `pg_get_constraintdef`; a table is
 * created with its columns, then its constraints.
 */
export const postgresRenderer: DdlRenderer = Object.freeze({
  create(object: SchemaObject, expected: Schema): ReadonlyArray<string> | null {
    const table = object.table === undefined ? undefined : qualified(object.schema, object.table)
    switch (object.kind) {
      case 'column':
        return table ? [`ALTER TABLE ${table} ADD COLUMN ${columnDefinition(object)}`] : null
      case 'primary_key':
      case 'unique':
      case 'foreign_key':
      case 'check':
        return table
          ? [`ALTER TABLE ${table} ADD CONSTRAINT ${ident(object.name)} ${object.definition}`]
          : null
      case 'sequence': {
        // OWNED BY needs the table: it is set once everything of the step exists (the planner
        // moves ownership statements to the end).
        const owned = / OWNED BY (\S+)$/.exec(object.definition)
        if (!owned) return [object.definition]
        return [
          object.definition.slice(0, owned.index),
          `ALTER SEQUENCE ${qualified(object.schema, object.name)} OWNED BY ${owned[1]}`,
        ]
      }
      case 'table': {
        const parts = expected.objects.filter((o) => o.table === object.name && o.schema === object.schema)
        const columns = parts
          .filter((o) => o.kind === 'column')
          .sort((a, b) => Number(a.details?.position ?? 0) - Number(b.details?.position ?? 0))
        if (!object.definition.includes('()')) return null
        const statements = [object.definition.replace('()', `(${columns.map(columnDefinition).join(', ')})`)]
        for (const c of parts.filter((o) =>
          ['primary_key', 'unique', 'check', 'foreign_key'].includes(o.kind),
        )) {
          statements.push(
            `ALTER TABLE ${qualified(object.schema, object.name)} ADD CONSTRAINT ${ident(c.name)} ${c.definition}`,
          )
        }
        for (const i of expected.objects.filter(
          (o) => o.kind === 'index' && o.table === object.name && o.schema === object.schema,
        )) {
          statements.push(i.definition)
        }
        for (const t of parts.filter((o) => o.kind === 'trigger')) statements.push(t.definition)
        return statements
      }
      default:
        return /^CREATE\s/i.test(object.definition) ? [object.definition] : null
    }
  },
  drop(object: SchemaObject): string | null {
    const name = qualified(object.schema, object.name)
    switch (object.kind) {
      case 'index':
        return `DROP INDEX ${name}`
      case 'view':
        return `DROP VIEW ${name}`
      case 'materialized_view':
        return `DROP MATERIALIZED VIEW ${name}`
      case 'trigger':
        return object.table
          ? `DROP TRIGGER ${ident(object.name)} ON ${qualified(object.schema, object.table)}`
          : null
      case 'function':
        return `DROP FUNCTION ${object.schema ? `${ident(object.schema)}.` : ''}${object.name}`
      case 'procedure':
        return `DROP PROCEDURE ${object.schema ? `${ident(object.schema)}.` : ''}${object.name}`
      default:
        return null
    }
  },
})

/** A column as `ADD COLUMN` takes it: the definition starts with the name when introspection wrote it so. */
function columnDefinition(column: SchemaObject): string {
  const name = ident(column.name)
  return column.definition.startsWith(name) || column.definition.startsWith(`"${column.name}"`)
    ? column.definition
    : `${name} ${column.definition}`
}
