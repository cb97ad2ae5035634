import { AUDIT_TABLE, isRebuildable } from './dependencies.js'
import { appTables, catalogColumn, type PlanContext, type Planner, slug } from './plan-context.js'
import { createIndex, createReferenceIndex, createSomeIndexes } from './plan-indexes.js'
import { addConventionalTriggers } from './plan-triggers.js'
import type { ColumnModel, EnumModel, TableModel } from './schema-state.js'
import { GENERIC_COLUMNS, GENERIC_STATUSES, NOUNS, type Noun } from './vocabulary.js'

const PLURALS = new Map(NOUNS.map((n) => [n.singular, n.plural]))

function tableOfNoun(singular: string): string {
  return PLURALS.get(singular) ?? `${singular}s`
}

function timestamp(name: string, ctx: PlanContext, notNull: boolean): ColumnModel {
  return {
    name,
    type: { kind: 'timestamp' },
    era: ctx.era,
    notNull,
    ...(notNull ? { default: { kind: 'now' } as const } : {}),
  }
}

function reference(ctx: PlanContext, name: string, parent: string, notNull: boolean): ColumnModel {
  const onDelete = notNull ? ctx.random.pick(['CASCADE', 'CASCADE', 'RESTRICT'] as const) : 'SET NULL'
  return { name, type: { kind: 'reference', table: parent }, era: ctx.era, notNull, onDelete }
}

/** A status column with its enumerated type (a CHECK on SQLite). */
export function statusColumn(
  ctx: PlanContext,
  table: string,
  singular: string,
  labels: ReadonlyArray<string>,
) {
  const type: EnumModel = {
    name: ctx.state.claim(`${singular}_status`),
    labels: [...labels],
    table,
    column: 'status',
  }
  const column: ColumnModel = {
    name: 'status',
    type: { kind: 'enum', type: type.name },
    era: ctx.era,
    notNull: true,
    default: { kind: 'text', value: labels[0]! },
  }
  return { type, column }
}

function buildTable(ctx: PlanContext, noun: Noun): { table: TableModel; enums: EnumModel[] } {
  const { random, state } = ctx
  const name = state.claim(noun.plural)
  state.reserve(`${name}_pkey`)
  state.reserve(`${name}_id_seq`)
  const columns: ColumnModel[] = []
  const enums: EnumModel[] = []
  let periodCheck: string | undefined
  if (noun.join) {
    for (const parent of noun.parents)
      columns.push({ ...reference(ctx, `${parent}_id`, tableOfNoun(parent), true), onDelete: 'CASCADE' })
    columns.push(timestamp('created_at', ctx, true))
  } else {
    columns.push({ name: 'id', type: { kind: 'key' }, era: ctx.era, notNull: true })
    noun.parents.forEach((parent, i) => {
      const column = reference(ctx, `${parent}_id`, tableOfNoun(parent), true)
      columns.push(i === 0 ? { ...column, onDelete: 'CASCADE' } : column)
    })
    const tenant = !noun.parents.includes('organization') && noun.parents.length > 0
    if (tenant && state.tables.has('organizations') && random.chance(0.25)) {
      columns.push({ ...reference(ctx, 'organization_id', 'organizations', true), onDelete: 'CASCADE' })
    }
    if (noun.singular !== 'user' && state.tables.has('users') && random.chance(0.3)) {
      columns.push(reference(ctx, 'created_by_id', 'users', false))
    }
    const own = [...noun.columns]
    const target = random.int(5, 9)
    const generic = random.shuffle(GENERIC_COLUMNS.filter((c) => !own.includes(c)))
    while (own.length < target && generic.length > 0) own.push(generic.pop()!)
    for (const column of own) columns.push(catalogColumn(column, ctx.era, false, noun))
    const labels = noun.statuses ?? (random.chance(0.12) ? random.pick(GENERIC_STATUSES) : undefined)
    if (labels) {
      const status = statusColumn(ctx, name, noun.singular, labels)
      enums.push(status.type)
      state.enums.set(status.type.name, status.type)
      columns.push(status.column)
    }
    columns.push(timestamp('created_at', ctx, true))
    if (random.chance(0.75)) columns.push(timestamp('updated_at', ctx, true))
    if (random.chance(0.3)) columns.push(timestamp('deleted_at', ctx, false))
    if (own.includes('starts_at') && own.includes('ends_at')) periodCheck = state.claim(`chk_${name}_period`)
  }
  const table: TableModel = {
    name,
    singular: noun.singular,
    era: ctx.era,
    columns,
    primaryKey: noun.join ? noun.parents.map((p) => `${p}_id`) : ['id'],
    join: noun.join,
    system: false,
    createdIn: ctx.migration,
    ...(periodCheck ? { periodCheck } : {}),
  }
  return { table, enums }
}

/** Creates a table for a noun with the indexes and triggers a team would add alongside it. */
export function createTableFor(ctx: PlanContext, noun: Noun): TableModel {
  ctx.usedNouns.add(noun.singular)
  const { table, enums } = buildTable(ctx, noun)
  ctx.state.tables.set(table.name, table)
  ctx.emit({ type: 'create_table', table, enums })
  const references = table.columns.filter((c) => c.type.kind === 'reference').map((c) => c.name)
  // A composite key already serves lookups by its first column.
  for (const column of table.join ? references.slice(1) : references) createReferenceIndex(ctx, table, column)
  if (!table.join) createSomeIndexes(ctx, table, ctx.random.int(1, 2))
  addConventionalTriggers(ctx, table)
  return table
}

function readyNouns(ctx: PlanContext): Noun[] {
  return NOUNS.filter(
    (n) => !ctx.usedNouns.has(n.singular) && n.parents.every((p) => ctx.state.tables.has(tableOfNoun(p))),
  )
}

/** A migration that creates the next table the application needs (sometimes with its child). */
export const planCreateTables: Planner = (ctx) => {
  const ready = readyNouns(ctx)
  if (ready.length === 0) return undefined
  const noun = ctx.random.pick(ready.slice(0, 4))
  const table = createTableFor(ctx, noun)
  if (ctx.random.chance(0.2)) {
    const child = readyNouns(ctx).find((n) => n.parents.includes(noun.singular))
    if (child) return slug('create', table.name, 'and', createTableFor(ctx, child).name)
  }
  return slug('create', table.name)
}

/** The audit log: written by triggers, never altered at random. */
export const planAuditTable: Planner = (ctx) => {
  const name = ctx.state.claim(AUDIT_TABLE)
  ctx.state.reserve(`${name}_pkey`)
  ctx.state.reserve(`${name}_id_seq`)
  const table: TableModel = {
    name,
    singular: 'audit_event',
    era: ctx.era,
    columns: [
      { name: 'id', type: { kind: 'key' }, era: ctx.era, notNull: true },
      { name: 'table_name', type: { kind: 'text' }, era: ctx.era, notNull: true },
      { name: 'row_id', type: { kind: 'bigint' }, era: ctx.era, notNull: false },
      { name: 'operation', type: { kind: 'varchar', length: 16 }, era: ctx.era, notNull: true },
      timestamp('occurred_at', ctx, true),
    ],
    primaryKey: ['id'],
    join: false,
    system: true,
    createdIn: ctx.migration,
  }
  ctx.state.tables.set(name, table)
  ctx.emit({ type: 'create_table', table, enums: [] })
  const column = (c: string) => ({ kind: 'column' as const, column: c })
  createIndex(ctx, table, {
    name: `idx_${name}_table_name_row_id`,
    unique: false,
    parts: [column('table_name'), column('row_id')],
  })
  createIndex(ctx, table, { name: `idx_${name}_occurred_at`, unique: false, parts: [column('occurred_at')] })
  return slug('create', name)
}

/** The first tables of every application, in the order they are always written. */
export function bootstrapPlanners(): Planner[] {
  const forNoun =
    (singular: string): Planner =>
    (ctx) => {
      const noun = NOUNS.find((n) => n.singular === singular)!
      return slug('create', createTableFor(ctx, noun).name)
    }
  return [forNoun('user'), forNoun('organization'), forNoun('membership'), planAuditTable]
}

/** A migration that drops a feature's table after the feature was retired. */
export const planDropTable: Planner = (ctx) => {
  const candidates = appTables(ctx).filter(
    (t) => t.createdIn <= ctx.migration - 20 && isRebuildable(ctx.state, t),
  )
  if (candidates.length === 0) return undefined
  const table = ctx.random.pick(candidates)
  const enums = [...ctx.state.enums.values()].filter((e) => e.table === table.name)
  ctx.state.tables.delete(table.name)
  for (const index of ctx.state.indexesOn(table.name)) ctx.state.indexes.delete(index.name)
  for (const trigger of ctx.state.triggersOn(table.name)) ctx.state.triggers.delete(trigger.name)
  for (const type of enums) ctx.state.enums.delete(type.name)
  ctx.emit({ type: 'drop_table', table, enums })
  return slug('drop', table.name)
}
