import type {
  IndexModel,
  Predicate,
  SchemaState,
  TableModel,
  TriggerModel,
  ViewModel,
} from './schema-state.js'

/** The audit log every audit trigger writes to. */
export const AUDIT_TABLE = 'audit_events'

interface ColumnRef {
  readonly table: string
  readonly column: string
}

function predicateColumn(predicate: Predicate | undefined): string[] {
  return predicate === undefined ? [] : [predicate.column]
}

function indexRefs(index: IndexModel): ColumnRef[] {
  const columns = index.parts.flatMap((p) => (p.kind === 'utility' ? [...p.columns] : [p.column]))
  return [...columns, ...predicateColumn(index.where)].map((column) => ({ table: index.table, column }))
}

/** Every column a view reads, resolved from its aliases to tables. */
export function viewRefs(view: ViewModel): ColumnRef[] {
  const tables = new Map<string, string>([[view.from.alias, view.from.table]])
  if (view.join) tables.set(view.join.alias, view.join.table)
  const refs = [
    ...view.columns,
    ...(view.join ? view.join.on : []),
    ...(view.groupBy ?? []),
    ...(view.where
      ? predicateColumn(view.where.predicate).map((column) => ({ alias: view.where!.alias, column }))
      : []),
  ]
  return refs.map((r) => ({ table: tables.get(r.alias)!, column: r.column }))
}

/** Every column a trigger (and the function behind it) reads or writes. */
export function triggerRefs(trigger: TriggerModel): ColumnRef[] {
  switch (trigger.purpose) {
    case 'updated_at':
      return [
        { table: trigger.table, column: 'id' },
        { table: trigger.table, column: 'updated_at' },
      ]
    case 'audit':
      return [{ table: trigger.table, column: 'id' }]
    case 'counter':
      return [
        { table: trigger.table, column: trigger.referenceColumn! },
        { table: trigger.parent!, column: trigger.counterColumn! },
        { table: trigger.parent!, column: 'id' },
      ]
  }
}

/** `table.column` for every column an index, a view or a trigger names. */
export function referencedColumns(state: SchemaState): ReadonlySet<string> {
  const refs = [
    ...[...state.indexes.values()].flatMap(indexRefs),
    ...[...state.views.values()].flatMap(viewRefs),
    ...[...state.triggers.values()].flatMap(triggerRefs),
  ]
  return new Set(refs.map((r) => `${r.table}.${r.column}`))
}

/**
 * True when anything besides the column's own definition names it: a key, an index, a view, a
 * trigger, a CHECK. Such a column is never renamed or dropped: SQLite refuses to drop it and a
 * rename would have to rewrite bodies the generator cannot see into. `referenced` is
 * {@link referencedColumns} of the current state.
 */
export function isColumnReferenced(
  referenced: ReadonlySet<string>,
  table: TableModel,
  column: string,
): boolean {
  if (table.primaryKey.includes(column)) return true
  const model = table.columns.find((c) => c.name === column)
  if (model === undefined) return true
  if (model.unique || model.check || isSpecialType(model.type.kind)) return true
  if (table.periodCheck !== undefined && (column === 'starts_at' || column === 'ends_at')) return true
  return referenced.has(`${table.name}.${column}`)
}

function isSpecialType(kind: string): boolean {
  return kind === 'key' || kind === 'reference' || kind === 'enum' || kind === 'sequence'
}

/**
 * True when another object depends on the table: a foreign key of another table, a view, a
 * trigger on another table, the audit log. SQLite's table rebuild (create, copy, drop, rename)
 * is only safe for tables nobody else points at, and only those are ever dropped.
 */
export function isTableReferenced(state: SchemaState, table: TableModel): boolean {
  if (table.system) return true
  for (const other of state.tables.values()) {
    if (other.name === table.name) continue
    if (other.columns.some((c) => c.type.kind === 'reference' && c.type.table === table.name)) return true
  }
  for (const view of state.views.values()) {
    if (view.from.table === table.name || view.join?.table === table.name) return true
  }
  for (const trigger of state.triggers.values()) {
    if (trigger.table !== table.name && triggerRefs(trigger).some((r) => r.table === table.name)) return true
  }
  return false
}

/** Tables a generated rebuild or drop may touch. */
export function isRebuildable(state: SchemaState, table: TableModel): boolean {
  return !isTableReferenced(state, table)
}
