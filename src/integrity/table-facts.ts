import type { DialectName } from '../config/connection-url.js'
import type { Schema, SchemaObject } from '../schema/model.js'

/** A column as the checks need it. */
export interface ColumnFact {
  readonly name: string
  /** The declared type as the schema model spells it (`integer`, `date`, `TEXT`). */
  readonly type: string
  readonly notNull: boolean
  /** 1-based position in the table, for showing columns in their table's order. */
  readonly position: number
}

/** A set of columns the database keeps unique, and the constraint or index that does. */
export interface UniqueFact {
  readonly columns: ReadonlyArray<string>
  readonly by: string
}

/** A foreign key, and whether the database guarantees every existing row satisfies it. */
export interface ForeignKeyFact {
  readonly name: string
  readonly columns: ReadonlyArray<string>
  readonly references: {
    readonly schema?: string
    readonly table: string
    readonly columns: ReadonlyArray<string>
  }
  /**
   * Only a validated PostgreSQL foreign key is trusted. SQLite enforces foreign keys only on
   * connections that turned them on, and MySQL loads rows under `foreign_key_checks=0`: on both,
   * orphans can exist under a declared key.
   */
  readonly trusted: boolean
}

/** What the live schema says about one table a check reads. */
export interface TableFacts {
  readonly schema?: string
  readonly name: string
  readonly columns: ReadonlyMap<string, ColumnFact>
  readonly primaryKey: ReadonlyArray<string> | undefined
  readonly unique: ReadonlyArray<UniqueFact>
  readonly foreignKeys: ReadonlyArray<ForeignKeyFact>
}

/** A config table name split into its schema and name. */
export function splitTableName(name: string): { readonly schema?: string; readonly name: string } {
  const dot = name.indexOf('.')
  return dot < 0 ? { name } : { schema: name.slice(0, dot), name: name.slice(dot + 1) }
}

/**
 * The facts of each named table (as the config names it: `users` or `app.users`). A table
 * that does not exist, or whose unqualified name matches tables in several schemas, has no
 * facts: its checks then run as scans, and the server reports what is wrong with them.
 */
export function tableFacts(
  schema: Schema,
  names: Iterable<string>,
  dialect: DialectName,
): ReadonlyMap<string, TableFacts> {
  const facts = new Map<string, TableFacts>()
  for (const configName of new Set(names)) {
    const wanted = splitTableName(configName)
    const tables = schema.objects.filter(
      (o) =>
        o.kind === 'table' &&
        o.name === wanted.name &&
        (wanted.schema === undefined || o.schema === wanted.schema),
    )
    if (tables.length !== 1) continue
    const table = tables[0]!
    const own = schema.objects.filter((o) => o.table === table.name && o.schema === table.schema)
    facts.set(configName, Object.freeze(readTable(table, own, dialect)))
  }
  return facts
}

function readTable(table: SchemaObject, own: ReadonlyArray<SchemaObject>, dialect: DialectName): TableFacts {
  const columns = new Map<string, ColumnFact>()
  let primaryKey: ReadonlyArray<string> | undefined
  const unique: UniqueFact[] = []
  const foreignKeys: ForeignKeyFact[] = []
  for (const o of own) {
    const d = (o.details ?? {}) as Record<string, unknown>
    const cols = stringArray(d.columns)
    if (o.kind === 'column') {
      columns.set(o.name, {
        name: o.name,
        type: typeof d.type === 'string' ? d.type : '',
        notNull: d.notNull === true,
        position: typeof d.position === 'number' ? d.position : Number.MAX_SAFE_INTEGER,
      })
    } else if (o.kind === 'primary_key' && cols) {
      primaryKey = cols
      // A SQLite primary key other than INTEGER PRIMARY KEY admits NULLs (a documented legacy
      // quirk), and NULL keys are ignored by a unique check: as a uniqueness proof it still holds.
      unique.push({ columns: cols, by: `primary key ${o.name}` })
    } else if (o.kind === 'unique' && cols) {
      unique.push({ columns: cols, by: `unique constraint ${o.name}` })
    } else if (o.kind === 'index' && cols && d.unique === true && d.where == null && d.valid !== false) {
      unique.push({ columns: cols, by: `unique index ${o.name}` })
    } else if (o.kind === 'foreign_key' && cols) {
      const ref = (d.references ?? {}) as Record<string, unknown>
      const refColumns = stringArray(ref.columns)
      if (typeof ref.table !== 'string' || !refColumns) continue
      foreignKeys.push({
        name: o.name,
        columns: cols,
        references: {
          ...(typeof ref.schema === 'string' ? { schema: ref.schema } : {}),
          table: ref.table,
          columns: refColumns,
        },
        trusted: dialect === 'postgres' && d.validated === true,
      })
    }
  }
  return {
    ...(table.schema === undefined ? {} : { schema: table.schema }),
    name: table.name,
    columns,
    primaryKey,
    unique,
    foreignKeys,
  }
}

function stringArray(value: unknown): ReadonlyArray<string> | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value.map(unquote) : undefined
}

/**
 * A column name as a dialect's model lists it in a key: MySQL's are quoted (`` `id` ``). Anything
 * else — an expression, a prefix (`` `code`(3) ``) — stays as it is and so never matches a column:
 * an index on part of a column proves nothing about the whole.
 */
function unquote(name: string): string {
  const quoted = /^`((?:[^`]|``)*)`$/.exec(name) ?? /^"((?:[^"]|"")*)"$/.exec(name)
  return quoted === null ? name : quoted[1]!.replace(/``|""/g, (m) => m[0]!)
}
