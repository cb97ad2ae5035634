import type {
  ColumnModel,
  EnumModel,
  FunctionModel,
  IndexModel,
  SchemaState,
  TableModel,
  TriggerModel,
  ViewModel,
} from './schema-state.js'

/** How a backfill computes the values of a new or tightened column. */
export type Backfill =
  | { readonly kind: 'fill' }
  | { readonly kind: 'utility'; readonly utility: string; readonly from: ReadonlyArray<string> }
  | { readonly kind: 'count'; readonly child: string; readonly referenceColumn: string }

/**
 * One logical change of a migration, recorded after the planner applied it to the state.
 * Renderers turn it into the SQL of one dialect; what a dialect cannot say directly (SQLite
 * has no ALTER TYPE, no SET NOT NULL) it says with a table rebuild.
 */
export type Change =
  | { readonly type: 'create_table'; readonly table: TableModel; readonly enums: ReadonlyArray<EnumModel> }
  | { readonly type: 'drop_table'; readonly table: TableModel; readonly enums: ReadonlyArray<EnumModel> }
  | {
      readonly type: 'add_columns'
      readonly table: TableModel
      readonly columns: ReadonlyArray<ColumnModel>
      readonly enums: ReadonlyArray<EnumModel>
    }
  | {
      readonly type: 'backfill'
      readonly table: TableModel
      readonly column: ColumnModel
      readonly source: Backfill
    }
  | { readonly type: 'rename_column'; readonly table: TableModel; readonly from: string; readonly to: string }
  | { readonly type: 'drop_column'; readonly table: TableModel; readonly column: string }
  | { readonly type: 'set_not_null'; readonly table: TableModel; readonly column: ColumnModel }
  | { readonly type: 'widen_column'; readonly table: TableModel; readonly column: ColumnModel }
  | {
      readonly type: 'add_enum_value'
      readonly enum: EnumModel
      readonly value: string
      readonly placement?: { readonly where: 'BEFORE' | 'AFTER'; readonly label: string }
    }
  | { readonly type: 'create_index'; readonly index: IndexModel }
  | { readonly type: 'drop_index'; readonly index: IndexModel }
  | {
      readonly type: 'create_view'
      readonly view: ViewModel
      readonly replaces?: 'compatible' | 'incompatible'
    }
  | { readonly type: 'create_function'; readonly fn: FunctionModel; readonly replace?: boolean }
  | { readonly type: 'create_trigger'; readonly trigger: TriggerModel }
  | { readonly type: 'revise_audit_triggers' }

/**
 * A run of statements. Statements of an `independent` block touch disjoint objects and may run
 * in any order (the reordered builds of the tests rely on it); other blocks run as written.
 */
export interface Block {
  readonly statements: ReadonlyArray<string>
  readonly independent: boolean
}

/** The SQL of one dialect for logical changes. */
export interface HistoryRenderer {
  render(change: Change, state: SchemaState): Block[]
}

/** One statement that must run in its place. */
export function ordered(...statements: string[]): Block[] {
  return statements.map((statement) => ({ statements: [statement], independent: false }))
}

/** Statements that may run in any order among themselves. */
export function independent(...statements: string[]): Block[] {
  return statements.length === 0 ? [] : [{ statements, independent: true }]
}
