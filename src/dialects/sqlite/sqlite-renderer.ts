import type { DdlRenderer } from '../../plan/ddl-renderer.js'
import type { Schema, SchemaObject } from '../../schema/model.js'

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`

/**
 * SQLite DDL from expected objects. A table is re-created from the `CREATE TABLE` text the
 * history recorded (it carries every column and constraint exactly); a column is added with
 * `ALTER TABLE … ADD COLUMN`. SQLite cannot add a constraint to an existing table without
 * rebuilding it, which copies user data: that is left to a human (`null`).
 */
export const sqliteRenderer: DdlRenderer = Object.freeze({
  create(object: SchemaObject, expected: Schema): ReadonlyArray<string> | null {
    const sql = typeof object.details?.sql === 'string' ? object.details.sql : undefined
    switch (object.kind) {
      case 'table': {
        if (!sql) return null
        // Indexes and triggers of a missing table are created with it (the planner skips them).
        const parts = expected.objects.filter(
          (o) => (o.kind === 'index' || o.kind === 'trigger') && o.table === object.name,
        )
        const rest = parts.map((o) => (typeof o.details?.sql === 'string' ? o.details.sql : o.definition))
        return [sql, ...rest]
      }
      case 'column':
        return object.table ? [`ALTER TABLE ${quote(object.table)} ADD COLUMN ${object.definition}`] : null
      case 'index':
      case 'view':
      case 'trigger':
        if (sql) return [sql]
        return /^CREATE\s/i.test(object.definition) ? [object.definition] : null
      default:
        return null
    }
  },
  drop(object: SchemaObject): string | null {
    switch (object.kind) {
      case 'index':
        return `DROP INDEX ${quote(object.name)}`
      case 'view':
        return `DROP VIEW ${quote(object.name)}`
      case 'trigger':
        return `DROP TRIGGER ${quote(object.name)}`
      default:
        return null
    }
  },
})
