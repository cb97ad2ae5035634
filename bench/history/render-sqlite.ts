import { type Block, type Change, type HistoryRenderer, independent, ordered } from './change.js'
import type { ColumnModel, SchemaState, TableModel, TriggerModel } from './schema-state.js'
import { createIndexSql, quote, type SqlFlavor, viewQuerySql } from './sql-text.js'
import { utility } from './utilities.js'

const flavor: SqlFlavor = {
  falseLiteral: '0',
  jsonKey: (column, key) => `json_extract(${column}, ${quote(`$.${key}`)})`,
  utility: (key, args) => utility(key).sqlite(args),
}

function typeSql(table: TableModel, column: ColumnModel): string {
  const old = column.era === 1
  const type = column.type
  switch (type.kind) {
    case 'key':
      return table.era === 1 ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'INTEGER PRIMARY KEY'
    case 'varchar':
      return old ? `VARCHAR(${type.length})` : 'TEXT'
    case 'bigint':
      return old ? 'BIGINT' : 'INTEGER'
    case 'boolean':
      return old ? 'BOOLEAN' : 'INTEGER'
    case 'timestamp':
      return old ? 'DATETIME' : 'TEXT'
    case 'date':
      return old ? 'DATE' : 'TEXT'
    case 'numeric':
      return old ? 'NUMERIC' : 'REAL'
    case 'reference':
    case 'integer':
    case 'sequence':
      return 'INTEGER'
    default:
      return 'TEXT'
  }
}

function defaultSql(column: ColumnModel): string | undefined {
  const value = column.default
  if (value === undefined) return undefined
  switch (value.kind) {
    case 'now':
      return 'CURRENT_TIMESTAMP'
    case 'uuid':
      return '(lower(hex(randomblob(16))))'
    case 'empty_json':
      return `'{}'`
    case 'number':
      return String(value.value)
    case 'boolean':
      return value.value ? '1' : '0'
    case 'text':
      return quote(value.value)
  }
}

function checkSql(state: SchemaState, column: ColumnModel): string | undefined {
  if (column.check === 'non_negative') return `${column.name} >= 0`
  if (column.check === 'rating') return `${column.name} BETWEEN 1 AND 5`
  if (column.type.kind === 'enum') {
    const labels = state.enums.get(column.type.type)!.labels
    return `${column.name} IN (${labels.map(quote).join(', ')})`
  }
  if (column.type.kind === 'boolean' && column.era > 1) return `${column.name} IN (0, 1)`
  if (column.type.kind === 'json' && column.era === 3) return `json_valid(${column.name})`
  return undefined
}

function columnSql(state: SchemaState, table: TableModel, column: ColumnModel): string {
  let sql = `${column.name} ${typeSql(table, column)}`
  if (column.notNull && column.type.kind !== 'key') sql += ' NOT NULL'
  const value = defaultSql(column)
  if (value !== undefined) sql += ` DEFAULT ${value}`
  if (column.unique) sql += ' UNIQUE'
  const check = checkSql(state, column)
  if (check !== undefined) sql += ` CHECK (${check})`
  if (column.type.kind === 'reference') {
    sql += ` REFERENCES ${column.type.table} (id)`
    if (column.onDelete) sql += ` ON DELETE ${column.onDelete}`
  }
  return sql
}

function createTableSql(state: SchemaState, table: TableModel, name = table.name): string {
  const lines = table.columns.map((c) => columnSql(state, table, c))
  if (table.primaryKey.length > 1) lines.push(`PRIMARY KEY (${table.primaryKey.join(', ')})`)
  if (table.periodCheck)
    lines.push(`CONSTRAINT ${table.periodCheck} CHECK (ends_at IS NULL OR ends_at >= starts_at)`)
  // Join tables are looked up by their key alone: no rowid needed.
  const options = table.join ? ' WITHOUT ROWID' : ''
  return `CREATE TABLE ${name} (\n  ${lines.join(',\n  ')}\n)${options};`
}

function triggerSql(state: SchemaState, trigger: TriggerModel): string[] {
  const on = trigger.table
  switch (trigger.purpose) {
    case 'updated_at':
      return [
        `CREATE TRIGGER ${trigger.name} AFTER UPDATE ON ${on} FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
  UPDATE ${on} SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
END;`,
      ]
    case 'audit': {
      const v2 = state.auditVersion === 2
      return (['insert', 'update'] as const).map((event) => {
        const columns = v2 ? 'table_name, row_id, operation, row_data' : 'table_name, row_id, operation'
        const values = [quote(on), 'NEW.id', quote(event), ...(v2 ? [`json_object('id', NEW.id)`] : [])].join(
          ', ',
        )
        return `CREATE TRIGGER ${trigger.name}_${event} AFTER ${event.toUpperCase()} ON ${on} FOR EACH ROW
BEGIN
  INSERT INTO audit_events (${columns}) VALUES (${values});
END;`
      })
    }
    case 'counter': {
      const { parent, counterColumn: counter, referenceColumn: reference } = trigger
      return [
        `CREATE TRIGGER ${trigger.name}_insert AFTER INSERT ON ${on} FOR EACH ROW
BEGIN
  UPDATE ${parent} SET ${counter} = ${counter} + 1 WHERE id = NEW.${reference};
END;`,
        `CREATE TRIGGER ${trigger.name}_delete AFTER DELETE ON ${on} FOR EACH ROW
BEGIN
  UPDATE ${parent} SET ${counter} = ${counter} - 1 WHERE id = OLD.${reference};
END;`,
      ]
    }
  }
}

function triggerNames(trigger: TriggerModel): string[] {
  if (trigger.purpose === 'audit') return [`${trigger.name}_insert`, `${trigger.name}_update`]
  if (trigger.purpose === 'counter') return [`${trigger.name}_insert`, `${trigger.name}_delete`]
  return [trigger.name]
}

/**
 * SQLite cannot alter a column's type, nullability or CHECK in place: the documented procedure is
 * to create the new table, copy the rows, drop the old one, rename the new one and re-create
 * its indexes and triggers (https://sqlite.org/lang_altertable.html#otheralter). The generator
 * only rebuilds tables nothing else refers to, so no view or foreign key needs re-creating.
 */
function rebuildSql(state: SchemaState, table: TableModel): Block[] {
  const scratch = `new_${table.name}`
  const columns = table.columns.map((c) => c.name).join(', ')
  return [
    ...ordered(
      createTableSql(state, table, scratch),
      `INSERT INTO ${scratch} (${columns})\nSELECT ${columns} FROM ${table.name};`,
      `DROP TABLE ${table.name};`,
      `ALTER TABLE ${scratch} RENAME TO ${table.name};`,
    ),
    ...independent(
      ...state.indexesOn(table.name).map((i) => createIndexSql(flavor, i)),
      ...state.triggersOn(table.name).flatMap((t) => triggerSql(state, t)),
    ),
  ]
}

function backfillSql(change: Extract<Change, { type: 'backfill' }>): string {
  const { table, column, source } = change
  if (source.kind === 'count') {
    return `UPDATE ${table.name} SET ${column.name} = (\n  SELECT count(*) FROM ${source.child} c WHERE c.${source.referenceColumn} = ${table.name}.id\n);`
  }
  const value = source.kind === 'fill' ? defaultSql(column)! : flavor.utility(source.utility, source.from)
  return `UPDATE ${table.name} SET ${column.name} = ${value} WHERE ${column.name} IS NULL;`
}

/** SQLite 3.35 and later: ADD/RENAME/DROP COLUMN in place, everything else by table rebuild. */
export const renderSqlite: HistoryRenderer = {
  render(change, state) {
    switch (change.type) {
      case 'create_table':
        return ordered(createTableSql(state, change.table))
      case 'drop_table':
        return ordered(`DROP TABLE ${change.table.name};`)
      case 'add_columns':
        return ordered(
          ...change.columns.map(
            (c) => `ALTER TABLE ${change.table.name} ADD COLUMN ${columnSql(state, change.table, c)};`,
          ),
        )
      case 'backfill':
        return ordered(backfillSql(change))
      case 'rename_column':
        return ordered(`ALTER TABLE ${change.table.name} RENAME COLUMN ${change.from} TO ${change.to};`)
      case 'drop_column':
        return ordered(`ALTER TABLE ${change.table.name} DROP COLUMN ${change.column};`)
      case 'set_not_null':
      case 'widen_column':
        return rebuildSql(state, change.table)
      case 'add_enum_value':
        return rebuildSql(state, state.table(change.enum.table))
      case 'create_index':
        return independent(createIndexSql(flavor, change.index))
      case 'drop_index':
        return ordered(`DROP INDEX ${change.index.name};`)
      case 'create_view': {
        const create = `CREATE VIEW ${change.view.name} AS\n${viewQuerySql(flavor, change.view)};`
        return change.replaces ? ordered(`DROP VIEW ${change.view.name};`, create) : ordered(create)
      }
      case 'create_function':
        return []
      case 'create_trigger':
        return independent(...triggerSql(state, change.trigger))
      case 'revise_audit_triggers': {
        const audits = [...state.triggers.values()].filter((t) => t.purpose === 'audit')
        return [
          ...ordered(...audits.flatMap((t) => triggerNames(t).map((name) => `DROP TRIGGER ${name};`))),
          ...independent(...audits.flatMap((t) => triggerSql(state, t))),
        ]
      }
    }
  },
}
