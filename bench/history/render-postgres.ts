import { type Block, type Change, type HistoryRenderer, independent, ordered } from './change.js'
import type {
  ColumnModel,
  EnumModel,
  FunctionModel,
  SchemaState,
  TableModel,
  TriggerModel,
} from './schema-state.js'
import { createIndexSql, quote, type SqlFlavor, viewQuerySql } from './sql-text.js'
import { utility } from './utilities.js'

const flavor: SqlFlavor = {
  falseLiteral: 'false',
  jsonKey: (column, key) => `${column} ->> ${quote(key)}`,
  utility: (key, args) => utility(key).postgres(args),
}

function typeSql(state: SchemaState, table: TableModel, column: ColumnModel): string {
  const type = column.type
  switch (type.kind) {
    case 'key':
      return table.era === 1
        ? 'serial'
        : table.era === 2
          ? 'bigserial'
          : 'bigint GENERATED ALWAYS AS IDENTITY'
    case 'reference':
      // A reference matches the key it points at: serial keys are integers.
      return state.tables.get(type.table)?.era === 1 ? 'integer' : 'bigint'
    case 'varchar':
      return `varchar(${type.length})`
    case 'timestamp':
      return column.era === 1 ? 'timestamp' : 'timestamptz'
    case 'numeric':
      return 'numeric(12, 2)'
    case 'json':
      return 'jsonb'
    case 'enum':
      return type.type
    case 'sequence':
      return 'bigint'
    default:
      return type.kind
  }
}

function defaultSql(column: ColumnModel): string | undefined {
  if (column.type.kind === 'sequence') return `nextval(${quote(column.type.sequence)})`
  const value = column.default
  if (value === undefined) return undefined
  switch (value.kind) {
    case 'now':
      return column.era === 1 ? 'CURRENT_TIMESTAMP' : 'now()'
    case 'uuid':
      return 'gen_random_uuid()'
    case 'empty_json':
      return `'{}'::jsonb`
    case 'number':
      return String(value.value)
    case 'boolean':
      return String(value.value)
    case 'text':
      return quote(value.value)
  }
}

function columnSql(state: SchemaState, table: TableModel, column: ColumnModel): string {
  let sql = `${column.name} ${typeSql(state, table, column)}`
  if (column.notNull && column.type.kind !== 'key') sql += ' NOT NULL'
  const value = defaultSql(column)
  if (value !== undefined) sql += ` DEFAULT ${value}`
  if (column.type.kind === 'key' && table.primaryKey.length === 1) sql += ' PRIMARY KEY'
  if (column.unique) sql += ' UNIQUE'
  if (column.check === 'non_negative') sql += ` CHECK (${column.name} >= 0)`
  if (column.check === 'rating') sql += ` CHECK (${column.name} BETWEEN 1 AND 5)`
  if (column.type.kind === 'reference') {
    sql += ` REFERENCES ${column.type.table} (id)`
    if (column.onDelete) sql += ` ON DELETE ${column.onDelete}`
  }
  return sql
}

function createTableSql(state: SchemaState, table: TableModel): string {
  const lines = table.columns.map((c) => columnSql(state, table, c))
  if (table.primaryKey.length > 1) lines.push(`PRIMARY KEY (${table.primaryKey.join(', ')})`)
  if (table.periodCheck)
    lines.push(`CONSTRAINT ${table.periodCheck} CHECK (ends_at IS NULL OR ends_at >= starts_at)`)
  return `CREATE TABLE ${table.name} (\n  ${lines.join(',\n  ')}\n);`
}

function createEnumSql(type: EnumModel): string {
  return `CREATE TYPE ${type.name} AS ENUM (${type.labels.map(quote).join(', ')});`
}

function functionSql(fn: FunctionModel, state: SchemaState, replace: boolean): string {
  const create = replace ? 'CREATE OR REPLACE FUNCTION' : 'CREATE FUNCTION'
  switch (fn.kind) {
    case 'set_updated_at':
      return `${create} ${fn.name}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;`
    case 'audit': {
      const v2 = state.auditVersion === 2
      const columns = v2 ? 'table_name, row_id, operation, row_data' : 'table_name, row_id, operation'
      const values = v2
        ? 'TG_TABLE_NAME, NEW.id, lower(TG_OP), to_jsonb(NEW)'
        : 'TG_TABLE_NAME, NEW.id, lower(TG_OP)'
      return `${create} ${fn.name}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_events (${columns})
  VALUES (${values});
  RETURN NEW;
END;
$$;`
    }
    case 'counter':
      return `${create} ${fn.name}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE ${fn.parent} SET ${fn.counterColumn} = ${fn.counterColumn} + 1 WHERE id = NEW.${fn.referenceColumn};
    RETURN NEW;
  END IF;
  UPDATE ${fn.parent} SET ${fn.counterColumn} = ${fn.counterColumn} - 1 WHERE id = OLD.${fn.referenceColumn};
  RETURN OLD;
END;
$$;`
    case 'utility': {
      const definition = utility(fn.utility).postgresDefinition
      return replace ? definition.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION') : definition
    }
  }
}

function triggerSql(trigger: TriggerModel): string {
  const timing =
    trigger.purpose === 'updated_at'
      ? 'BEFORE UPDATE'
      : trigger.purpose === 'audit'
        ? 'AFTER INSERT OR UPDATE'
        : 'AFTER INSERT OR DELETE'
  return `CREATE TRIGGER ${trigger.name} ${timing} ON ${trigger.table}\nFOR EACH ROW EXECUTE FUNCTION ${trigger.functionName}();`
}

function addColumnsSql(state: SchemaState, change: Extract<Change, { type: 'add_columns' }>): Block[] {
  const blocks: Block[] = []
  blocks.push(...independent(...change.enums.map(createEnumSql)))
  const sequences = change.columns.flatMap((c) => (c.type.kind === 'sequence' ? [c.type.sequence] : []))
  blocks.push(...independent(...sequences.map((s) => `CREATE SEQUENCE ${s} START WITH 1000;`)))
  const actions = change.columns.map((c) => `ADD COLUMN ${columnSql(state, change.table, c)}`)
  blocks.push(...ordered(`ALTER TABLE ${change.table.name}\n  ${actions.join(',\n  ')};`))
  for (const column of change.columns) {
    if (column.type.kind === 'sequence') {
      blocks.push(
        ...ordered(`ALTER SEQUENCE ${column.type.sequence} OWNED BY ${change.table.name}.${column.name};`),
      )
    }
  }
  return blocks
}

function backfillSql(change: Extract<Change, { type: 'backfill' }>): string {
  const { table, column, source } = change
  if (source.kind === 'count') {
    return `UPDATE ${table.name} SET ${column.name} = (\n  SELECT count(*) FROM ${source.child} c WHERE c.${source.referenceColumn} = ${table.name}.id\n);`
  }
  const value = source.kind === 'fill' ? defaultSql(column)! : flavor.utility(source.utility, source.from)
  return `UPDATE ${table.name} SET ${column.name} = ${value} WHERE ${column.name} IS NULL;`
}

/** PostgreSQL 15 and later: typed enums, sequences, PL/pgSQL trigger functions, ALTER for everything. */
export const renderPostgres: HistoryRenderer = {
  render(change, state) {
    switch (change.type) {
      case 'create_table':
        return [
          ...independent(...change.enums.map(createEnumSql)),
          ...ordered(createTableSql(state, change.table)),
        ]
      case 'drop_table':
        return [
          ...ordered(`DROP TABLE ${change.table.name};`),
          ...independent(...change.enums.map((e) => `DROP TYPE ${e.name};`)),
        ]
      case 'add_columns':
        return addColumnsSql(state, change)
      case 'backfill':
        return ordered(backfillSql(change))
      case 'rename_column':
        return ordered(`ALTER TABLE ${change.table.name} RENAME COLUMN ${change.from} TO ${change.to};`)
      case 'drop_column':
        return ordered(`ALTER TABLE ${change.table.name} DROP COLUMN ${change.column};`)
      case 'set_not_null':
        return ordered(
          `ALTER TABLE ${change.table.name}\n  ALTER COLUMN ${change.column.name} SET DEFAULT ${defaultSql(change.column)},\n  ALTER COLUMN ${change.column.name} SET NOT NULL;`,
        )
      case 'widen_column':
        return ordered(
          `ALTER TABLE ${change.table.name} ALTER COLUMN ${change.column.name} TYPE ${typeSql(state, change.table, change.column)};`,
        )
      case 'add_enum_value': {
        const placement = change.placement
          ? ` ${change.placement.where} ${quote(change.placement.label)}`
          : ''
        return ordered(`ALTER TYPE ${change.enum.name} ADD VALUE ${quote(change.value)}${placement};`)
      }
      case 'create_index':
        return independent(createIndexSql(flavor, change.index))
      case 'drop_index':
        return ordered(`DROP INDEX ${change.index.name};`)
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
        return ordered(functionSql(change.fn, state, change.replace === true))
      case 'create_trigger':
        return independent(triggerSql(change.trigger))
      case 'revise_audit_triggers':
        // The triggers call log_audit_event(); replacing the function (a separate change) revised them.
        return []
    }
  },
}
