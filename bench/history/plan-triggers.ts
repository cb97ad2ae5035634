import { AUDIT_TABLE } from './dependencies.js'
import { appTables, keyedTables, type PlanContext, type Planner, slug } from './plan-context.js'
import type { ColumnModel, FunctionModel, TableModel, TriggerModel, TriggerPurpose } from './schema-state.js'
import { hasColumn } from './schema-state.js'

/** Creates a (PostgreSQL) function the first time something needs it. */
export function ensureFunction(ctx: PlanContext, fn: FunctionModel): void {
  if (ctx.state.functions.has(fn.name)) return
  ctx.state.reserve(fn.name)
  ctx.state.functions.set(fn.name, fn)
  ctx.emit({ type: 'create_function', fn })
}

function hasTrigger(ctx: PlanContext, table: TableModel, purpose: TriggerPurpose): boolean {
  return ctx.state.triggersOn(table.name).some((t) => t.purpose === purpose)
}

function canHave(ctx: PlanContext, table: TableModel, purpose: 'updated_at' | 'audit'): boolean {
  if (table.join || table.primaryKey[0] !== 'id' || table.system || hasTrigger(ctx, table, purpose))
    return false
  return purpose === 'updated_at' ? hasColumn(table, 'updated_at') : ctx.state.tables.has(AUDIT_TABLE)
}

function claimTrigger(ctx: PlanContext, base: string): string {
  const name = ctx.state.claim(base.slice(0, 55))
  // SQLite spells one trigger per event; reserve those names too.
  for (const suffix of ['insert', 'update', 'delete']) ctx.state.reserve(`${name}_${suffix}`)
  return name
}

/** Keeps `updated_at` current, or logs every write to the audit log, for one table. */
export function addRowTrigger(
  ctx: PlanContext,
  table: TableModel,
  purpose: 'updated_at' | 'audit',
): TriggerModel {
  const functionName = purpose === 'updated_at' ? 'set_updated_at' : 'log_audit_event'
  ensureFunction(ctx, { name: functionName, kind: purpose === 'updated_at' ? 'set_updated_at' : 'audit' })
  const trigger: TriggerModel = {
    name: claimTrigger(ctx, `trg_${table.name}_${purpose}`),
    table: table.name,
    purpose,
    functionName,
  }
  ctx.state.triggers.set(trigger.name, trigger)
  ctx.emit({ type: 'create_trigger', trigger })
  return trigger
}

/** Triggers for a freshly created table, as the conventions of the day had it. */
export function addConventionalTriggers(ctx: PlanContext, table: TableModel): void {
  if (canHave(ctx, table, 'updated_at') && ctx.random.chance(0.6)) addRowTrigger(ctx, table, 'updated_at')
  if (canHave(ctx, table, 'audit') && ctx.random.chance(0.2)) addRowTrigger(ctx, table, 'audit')
}

/** A migration that retrofits updated_at or audit triggers onto existing tables. */
export const planAddTriggers: Planner = (ctx) => {
  const purpose = ctx.random.pick(['updated_at', 'audit'] as const)
  const tables = appTables(ctx).filter((t) => canHave(ctx, t, purpose))
  if (tables.length === 0) return undefined
  const chosen = ctx.random.shuffle(tables).slice(0, ctx.random.int(1, 3))
  for (const table of chosen) addRowTrigger(ctx, table, purpose)
  return chosen.length === 1
    ? slug(purpose === 'audit' ? 'audit' : 'touch', chosen[0]!.name)
    : slug('add', purpose, 'triggers')
}

/** A migration that keeps a count of children on the parent row, maintained by triggers. */
export const planCounterCache: Planner = (ctx) => {
  const options: Array<{ child: TableModel; parent: TableModel; reference: string; counter: string }> = []
  const parents = new Map(keyedTables(ctx).map((t) => [t.name, t]))
  for (const child of appTables(ctx)) {
    for (const column of child.columns) {
      if (column.type.kind !== 'reference') continue
      const parent = parents.get(column.type.table)
      const counter = `${child.name}_count`
      if (!parent || parent === child || hasColumn(parent, counter)) continue
      options.push({ child, parent, reference: column.name, counter })
    }
  }
  if (options.length === 0) return undefined
  const { child, parent, reference, counter } = ctx.random.pick(options)
  const column: ColumnModel = {
    name: counter,
    type: { kind: 'integer' },
    era: ctx.era,
    notNull: true,
    default: { kind: 'number', value: 0 },
  }
  parent.columns.push(column)
  ctx.emit({ type: 'add_columns', table: parent, columns: [column], enums: [] })
  ctx.emit({
    type: 'backfill',
    table: parent,
    column,
    source: { kind: 'count', child: child.name, referenceColumn: reference },
  })
  const functionName = ctx.state.claim(`count_${child.name}_per_${parent.singular}`)
  ensureFunction(ctx, {
    name: functionName,
    kind: 'counter',
    parent: parent.name,
    child: child.name,
    counterColumn: counter,
    referenceColumn: reference,
  })
  const trigger: TriggerModel = {
    name: claimTrigger(ctx, `trg_${child.name}_count_${parent.singular}`),
    table: child.name,
    purpose: 'counter',
    parent: parent.name,
    counterColumn: counter,
    referenceColumn: reference,
    functionName,
  }
  ctx.state.triggers.set(trigger.name, trigger)
  ctx.emit({ type: 'create_trigger', trigger })
  return slug('count', child.name, 'on', parent.name)
}

/** The one-time change that makes the audit log keep a copy of each written row. */
export const planReviseAudit: Planner = (ctx) => {
  const audit = ctx.state.tables.get(AUDIT_TABLE)
  if (audit === undefined || ctx.state.auditVersion === 2) return undefined
  const column: ColumnModel = { name: 'row_data', type: { kind: 'json' }, era: ctx.era, notNull: false }
  audit.columns.push(column)
  ctx.emit({ type: 'add_columns', table: audit, columns: [column], enums: [] })
  ctx.state.auditVersion = 2
  const fn = ctx.state.functions.get('log_audit_event')
  if (fn !== undefined) ctx.emit({ type: 'create_function', fn, replace: true })
  ctx.emit({ type: 'revise_audit_triggers' })
  return 'record_row_data_in_audit_events'
}
