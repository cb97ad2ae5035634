/**
 * The logical schema a generated history has built so far. The planner changes it and the
 * renderers read it; it knows nothing about SQL dialects, so one seed plans the same history
 * for SQLite and PostgreSQL.
 */

/** The style of the year a table or column was written in: older code used older types. */
export type Era = 1 | 2 | 3

export type ColumnType =
  | { readonly kind: 'key' }
  | { readonly kind: 'reference'; readonly table: string }
  | { readonly kind: 'text' }
  | { readonly kind: 'varchar'; readonly length: number }
  | { readonly kind: 'integer' }
  | { readonly kind: 'bigint' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'date' }
  | { readonly kind: 'numeric' }
  | { readonly kind: 'json' }
  | { readonly kind: 'uuid' }
  | { readonly kind: 'inet' }
  | { readonly kind: 'enum'; readonly type: string }
  | { readonly kind: 'sequence'; readonly sequence: string }

export type DefaultValue =
  | { readonly kind: 'now' }
  | { readonly kind: 'uuid' }
  | { readonly kind: 'empty_json' }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'text'; readonly value: string }

export type ColumnCheck = 'non_negative' | 'rating'

export interface ColumnModel {
  name: string
  type: ColumnType
  era: Era
  notNull: boolean
  default?: DefaultValue
  unique?: boolean
  check?: ColumnCheck
  onDelete?: 'CASCADE' | 'SET NULL' | 'RESTRICT'
}

export interface TableModel {
  readonly name: string
  readonly singular: string
  readonly era: Era
  readonly columns: ColumnModel[]
  /** Column names; a surrogate `id` for most tables, both references for join tables. */
  readonly primaryKey: ReadonlyArray<string>
  readonly join: boolean
  /** Tables the application's plumbing relies on (the audit log): never altered at random. */
  readonly system: boolean
  /** A named table CHECK that `ends_at` does not precede `starts_at`. */
  periodCheck?: string
  readonly createdIn: number
}

export interface EnumModel {
  readonly name: string
  readonly labels: string[]
  readonly table: string
  readonly column: string
}

/** A predicate of a partial index or a view's filter, on one column. */
export type Predicate =
  | { readonly kind: 'is_null'; readonly column: string }
  | { readonly kind: 'not_null'; readonly column: string }
  | { readonly kind: 'is_false'; readonly column: string }
  | { readonly kind: 'equals'; readonly column: string; readonly value: string }

export type IndexPart =
  | { readonly kind: 'column'; readonly column: string }
  | { readonly kind: 'lower'; readonly column: string }
  | { readonly kind: 'json_key'; readonly column: string; readonly key: string }
  | { readonly kind: 'utility'; readonly utility: string; readonly columns: ReadonlyArray<string> }

export interface IndexModel {
  readonly name: string
  readonly table: string
  readonly unique: boolean
  readonly parts: ReadonlyArray<IndexPart>
  readonly where?: Predicate
  readonly createdIn: number
}

export interface ViewColumnRef {
  readonly alias: string
  readonly column: string
}

export interface ViewColumn extends ViewColumnRef {
  readonly fn?: 'count' | 'max' | 'min' | 'sum' | 'utility'
  /** For `fn: 'utility'`: which utility function computes the column. */
  readonly utility?: string
  readonly as?: string
}

export interface ViewModel {
  readonly name: string
  readonly from: { readonly table: string; readonly alias: string }
  readonly join?: {
    readonly table: string
    readonly alias: string
    readonly left: boolean
    readonly on: readonly [ViewColumnRef, ViewColumnRef]
  }
  readonly columns: ReadonlyArray<ViewColumn>
  readonly where?: { readonly alias: string; readonly predicate: Predicate }
  readonly groupBy?: ReadonlyArray<ViewColumnRef>
}

export type TriggerPurpose = 'updated_at' | 'audit' | 'counter'

export interface TriggerModel {
  readonly name: string
  readonly table: string
  readonly purpose: TriggerPurpose
  /** Counter triggers: the parent table, its counter column and the child's reference column. */
  readonly parent?: string
  readonly counterColumn?: string
  readonly referenceColumn?: string
  /** The PostgreSQL function the trigger calls. */
  readonly functionName?: string
}

export type FunctionModel =
  | { readonly name: string; readonly kind: 'set_updated_at' | 'audit' }
  | {
      readonly name: string
      readonly kind: 'counter'
      readonly parent: string
      readonly child: string
      readonly counterColumn: string
      readonly referenceColumn: string
    }
  | { readonly name: string; readonly kind: 'utility'; readonly utility: string }

/** PostgreSQL truncates identifiers beyond 63 bytes; every generated name stays within that. */
const MAX_IDENTIFIER = 63

/** Everything the history has created and not dropped, in creation order (Maps keep it). */
export class SchemaState {
  readonly tables = new Map<string, TableModel>()
  readonly enums = new Map<string, EnumModel>()
  readonly indexes = new Map<string, IndexModel>()
  readonly views = new Map<string, ViewModel>()
  readonly triggers = new Map<string, TriggerModel>()
  readonly functions = new Map<string, FunctionModel>()
  /** Version of the audit trigger bodies; revised once the audit log learns to keep row data. */
  auditVersion: 1 | 2 = 1
  /**
   * Every name taken in the database's shared namespaces, including the names the servers
   * derive themselves (`<table>_pkey`, `<table>_id_seq`, SQLite's per-event trigger names).
   */
  readonly #names = new Set<string>()

  isTaken(name: string): boolean {
    return this.#names.has(name)
  }

  /** Reserves `base` (shortened to fit) or, when taken, `base_2`, `base_3`, … */
  claim(base: string): string {
    const stem = base.slice(0, MAX_IDENTIFIER)
    if (!this.#names.has(stem)) {
      this.#names.add(stem)
      return stem
    }
    for (let n = 2; ; n++) {
      const candidate = `${stem.slice(0, MAX_IDENTIFIER - String(n).length - 1)}_${n}`
      if (!this.#names.has(candidate)) {
        this.#names.add(candidate)
        return candidate
      }
    }
  }

  reserve(name: string): void {
    this.#names.add(name)
  }

  release(name: string): void {
    this.#names.delete(name)
  }

  table(name: string): TableModel {
    const table = this.tables.get(name)
    if (table === undefined) throw new Error(`history generator: no table ${name}`)
    return table
  }

  indexesOn(table: string): IndexModel[] {
    return [...this.indexes.values()].filter((i) => i.table === table)
  }

  triggersOn(table: string): TriggerModel[] {
    return [...this.triggers.values()].filter((t) => t.table === table)
  }
}

/** The column of `table` called `name`. */
export function columnOf(table: TableModel, name: string): ColumnModel {
  const column = table.columns.find((c) => c.name === name)
  if (column === undefined) throw new Error(`history generator: no column ${table.name}.${name}`)
  return column
}

export function hasColumn(table: TableModel, name: string): boolean {
  return table.columns.some((c) => c.name === name)
}
