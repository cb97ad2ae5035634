import { type Block, type Change, type HistoryRenderer, independent, ordered } from './change.js'
import type { ColumnModel, IndexModel, SchemaState, TableModel, TriggerModel } from './schema-state.js'
import { quote, type SqlFlavor, viewQuerySql } from './sql-text.js'

/**
 * The utilities inlined, as on SQLite: a stored function would need the server's permission to
 * create one under binary logging, and adds nothing the benchmarks measure.
 */
const UTILITIES: Readonly<Record<string, (args: ReadonlyArray<string>) => string>> = {
  slugify: ([value]) => `TRIM(BOTH '-' FROM REPLACE(LOWER(${value}), ' ', '-'))`,
  normalize_email: ([address]) => `LOWER(TRIM(${address}))`,
  search_document: ([title, body]) => `LOWER(CONCAT(COALESCE(${title}, ''), ' ', COALESCE(${body}, '')))`,
  cents_to_units: ([cents]) => `ROUND(${cents} / 100.0, 2)`,
  business_days_between: ([from, to]) => `DATEDIFF(${to}, ${from})`,
}

function inline(key: string, args: ReadonlyArray<string>): string {
  const render = UTILITIES[key]
  if (render === undefined) throw new Error(`history generator: no MySQL form of utility ${key}`)
  return render(args)
}

const flavor: SqlFlavor = {
  falseLiteral: 'FALSE',
  jsonKey: (column, key) => `JSON_VALUE(${column}, ${quote(`$.${key}`)})`,
  utility: inline,
}

function typeSql(state: SchemaState, table: TableModel, column: ColumnModel): string {
  const type = column.type
  switch (type.kind) {
    case 'key':
      return table.era === 1 ? 'INT AUTO_INCREMENT' : 'BIGINT AUTO_INCREMENT'
    case 'reference':
      // A reference matches the key it points at, signedness and width alike.
      return state.tables.get(type.table)?.era === 1 ? 'INT' : 'BIGINT'
    case 'varchar':
      return `VARCHAR(${type.length})`
    case 'text':
      // A UNIQUE column is indexed whole, which TEXT cannot be.
      return column.unique ? 'VARCHAR(255)' : 'TEXT'
    case 'timestamp':
      return column.era === 1 ? 'DATETIME' : 'DATETIME(6)'
    case 'numeric':
      return 'DECIMAL(12, 2)'
    case 'json':
      return 'JSON'
    case 'uuid':
      return 'CHAR(36)'
    case 'inet':
      return 'VARCHAR(45)'
    case 'enum':
      return `ENUM(${state.enums.get(type.type)!.labels.map(quote).join(', ')})`
    case 'boolean':
      return 'BOOLEAN'
    case 'integer':
      return 'INT'
    case 'bigint':
    case 'sequence':
      return 'BIGINT'
    case 'date':
      return 'DATE'
  }
}

function defaultSql(column: ColumnModel): string | undefined {
  const value = column.default
  if (value === undefined) return undefined
  switch (value.kind) {
    case 'now':
      return column.era === 1 ? 'CURRENT_TIMESTAMP' : 'CURRENT_TIMESTAMP(6)'
    case 'uuid':
      return '(UUID())'
    case 'empty_json':
      return `('{}')`
    case 'number':
      return String(value.value)
    case 'boolean':
      return value.value ? 'TRUE' : 'FALSE'
    case 'text':
      return `(${quote(value.value)})`
  }
}

/** Type, nullability and default: what MODIFY COLUMN restates (constraints live apart). */
function columnTypeSql(state: SchemaState, table: TableModel, column: ColumnModel): string {
  let sql = `${column.name} ${typeSql(state, table, column)}`
  if (column.notNull || column.type.kind === 'key') sql += ' NOT NULL'
  const value = defaultSql(column)
  if (value !== undefined) sql += ` DEFAULT ${value}`
  return sql
}

function columnSql(state: SchemaState, table: TableModel, column: ColumnModel): string {
  let sql = columnTypeSql(state, table, column)
  if (column.type.kind === 'key' && table.primaryKey.length === 1) sql += ' PRIMARY KEY'
  if (column.unique) sql += ' UNIQUE'
  if (column.check === 'non_negative') sql += ` CHECK (${column.name} >= 0)`
  if (column.check === 'rating') sql += ` CHECK (${column.name} BETWEEN 1 AND 5)`
  return sql
}

/**
 * A reference as a table-level foreign key with an index of its own: InnoDB would otherwise make
 * one and silently drop it once another index could serve the key, and dropping that other index
 * later would then fail.
 */
function referenceSql(table: TableModel, column: ColumnModel): string[] {
  if (column.type.kind !== 'reference') return []
  const action = column.onDelete ? ` ON DELETE ${column.onDelete}` : ''
  return [
    `KEY ${`fk_${table.name}_${column.name}`.slice(0, 64)} (${column.name})`,
    `FOREIGN KEY (${column.name}) REFERENCES ${column.type.table} (id)${action}`,
  ]
}

function createTableSql(state: SchemaState, table: TableModel): string {
  const lines = table.columns.map((c) => columnSql(state, table, c))
  if (table.primaryKey.length > 1) lines.push(`PRIMARY KEY (${table.primaryKey.join(', ')})`)
  if (table.periodCheck)
    lines.push(`CONSTRAINT ${table.periodCheck} CHECK (ends_at IS NULL OR ends_at >= starts_at)`)
  lines.push(...table.columns.flatMap((c) => referenceSql(table, c)))
  return `CREATE TABLE ${table.name} (\n  ${lines.join(',\n  ')}\n);`
}

/** Key parts: the columns an index reads, text prefixed (no functional key parts on MariaDB). */
function indexSql(state: SchemaState, index: IndexModel): string {
  const table = state.table(index.table)
  const columns = [
    ...new Set(index.parts.flatMap((p) => (p.kind === 'utility' ? [...p.columns] : [p.column]))),
  ]
  const parts = columns.map((name) => {
    const kind = table.columns.find((c) => c.name === name)?.type.kind
    const whole = table.columns.find((c) => c.name === name)?.unique === true
    return (kind === 'text' && !whole) || kind === 'json' ? `${name}(191)` : name
  })
  return `CREATE ${index.unique ? 'UNIQUE INDEX' : 'INDEX'} ${index.name} ON ${index.table} (${parts.join(', ')});`
}

/** One statement per trigger body, so that neither the mysql client nor a driver needs DELIMITER. */
function triggerSql(state: SchemaState, trigger: TriggerModel): string[] {
  const on = trigger.table
  switch (trigger.purpose) {
    case 'updated_at':
      return [
        `CREATE TRIGGER ${trigger.name} BEFORE UPDATE ON ${on} FOR EACH ROW\nSET NEW.updated_at = CURRENT_TIMESTAMP(6);`,
      ]
    case 'audit': {
      const v2 = state.auditVersion === 2
      return (['insert', 'update'] as const).map((event) => {
        const columns = v2 ? 'table_name, row_id, operation, row_data' : 'table_name, row_id, operation'
        const values = [quote(on), 'NEW.id', quote(event), ...(v2 ? [`JSON_OBJECT('id', NEW.id)`] : [])]
        return `CREATE TRIGGER ${trigger.name}_${event} AFTER ${event.toUpperCase()} ON ${on} FOR EACH ROW\nINSERT INTO audit_events (${columns}) VALUES (${values.join(', ')});`
      })
    }
    case 'counter': {
      const { parent, counterColumn: counter, referenceColumn: reference } = trigger
      return [
        `CREATE TRIGGER ${trigger.name}_insert AFTER INSERT ON ${on} FOR EACH ROW\nUPDATE ${parent} SET ${counter} = ${counter} + 1 WHERE id = NEW.${reference};`,
        `CREATE TRIGGER ${trigger.name}_delete AFTER DELETE ON ${on} FOR EACH ROW\nUPDATE ${parent} SET ${counter} = ${counter} - 1 WHERE id = OLD.${reference};`,
      ]
    }
  }
}

function triggerNames(trigger: TriggerModel): string[] {
  if (trigger.purpose === 'audit') return [`${trigger.name}_insert`, `${trigger.name}_update`]
  if (trigger.purpose === 'counter') return [`${trigger.name}_insert`, `${trigger.name}_delete`]
  return [trigger.name]
}

function addColumnsSql(state: SchemaState, change: Extract<Change, { type: 'add_columns' }>): Block[] {
  const table = change.table
  const actions = [
    ...change.columns.map((c) => `ADD COLUMN ${columnSql(state, table, c)}`),
    ...change.columns.flatMap((c) => referenceSql(table, c).map((r) => `ADD ${r}`)),
  ]
  return ordered(`ALTER TABLE ${table.name}\n  ${actions.join(',\n  ')};`)
}

function backfillSql(change: Extract<Change, { type: 'backfill' }>): string {
  const { table, column, source } = change
  if (source.kind === 'count') {
    return `UPDATE ${table.name} SET ${column.name} = (\n  SELECT count(*) FROM ${source.child} c WHERE c.${source.referenceColumn} = ${table.name}.id\n);`
  }
  const value = source.kind === 'fill' ? defaultSql(column)! : inline(source.utility, source.from)
  return `UPDATE ${table.name} SET ${column.name} = ${value} WHERE ${column.name} IS NULL;`
}

function modifySql(state: SchemaState, table: TableModel, column: ColumnModel): string {
  return `ALTER TABLE ${table.name} MODIFY COLUMN ${columnTypeSql(state, table, column)};`
}

/**
 * MySQL 8 and MariaDB 10.5 and later: enums inline in their columns, MODIFY COLUMN for type and
 * nullability, utilities inlined, indexes on the columns an expression or a partial index reads
 * (MariaDB has neither), one trigger per event.
 */
export const renderMysql: HistoryRenderer = {
  render(change, state) {
    switch (change.type) {
      case 'create_table':
        return ordered(createTableSql(state, change.table))
      case 'drop_table':
        return ordered(`DROP TABLE ${change.table.name};`)
      case 'add_columns':
        return addColumnsSql(state, change)
      case 'backfill':
        return ordered(backfillSql(change))
      case 'rename_column':
        return ordered(`ALTER TABLE ${change.table.name} RENAME COLUMN ${change.from} TO ${change.to};`)
      case 'drop_column':
        return ordered(`ALTER TABLE ${change.table.name} DROP COLUMN ${change.column};`)
      case 'set_not_null':
      case 'widen_column':
        return ordered(modifySql(state, change.table, change.column))
      case 'add_enum_value': {
        const table = state.table(change.enum.table)
        return ordered(modifySql(state, table, table.columns.find((c) => c.name === change.enum.column)!))
      }
      case 'create_index':
        return independent(indexSql(state, change.index))
      case 'drop_index':
        return ordered(`DROP INDEX ${change.index.name} ON ${change.index.table};`)
      case 'create_view': {
        const query = viewQuerySql(flavor, change.view)
        if (change.replaces === 'compatible')
          return ordered(`CREATE OR REPLACE VIEW ${change.view.name} AS\n${query};`)
        const create = `CREATE VIEW ${change.view.name} AS\n${query};`
        return change.replaces === 'incompatible'
          ? ordered(`DROP VIEW ${change.view.name};`, create)
          : ordered(create)
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
