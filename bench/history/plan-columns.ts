import { isColumnReferenced, isRebuildable, referencedColumns } from './dependencies.js'
import {
  appTables,
  catalogColumn,
  keyedTables,
  type PlanContext,
  type Planner,
  slug,
} from './plan-context.js'
import { createIndex, createReferenceIndex, indexCandidates } from './plan-indexes.js'
import { statusColumn } from './plan-tables.js'
import {
  type ColumnModel,
  type DefaultValue,
  type EnumModel,
  hasColumn,
  type TableModel,
} from './schema-state.js'
import { COLUMN_CATALOG, GENERIC_STATUSES, LATER_STATUSES, RENAMES } from './vocabulary.js'

const PROTECTED = new Set(['id', 'created_at', 'updated_at', 'deleted_at'])

/** A migration that adds columns to a table, sometimes a reference or a status, often with an index. */
export const planAddColumns: Planner = (ctx) => {
  const tables = keyedTables(ctx)
  if (tables.length === 0) return undefined
  const { random, state } = ctx
  const table = random.pick(tables)
  const added: ColumnModel[] = []
  const enums: EnumModel[] = []
  const wanted = random.int(1, 3)
  for (let i = 0; i < wanted; i++) {
    const roll = random.next()
    const free = (name: string) => !hasColumn(table, name) && !added.some((a) => a.name === name)
    const parents = keyedTables(ctx).filter((p) => p !== table && free(`${p.singular}_id`))
    if (roll < 0.15 && parents.length > 0) {
      const parent = random.pick(parents)
      added.push({
        name: `${parent.singular}_id`,
        type: { kind: 'reference', table: parent.name },
        era: ctx.era,
        notNull: false,
        onDelete: 'SET NULL',
      })
    } else if (roll < 0.25 && free('status')) {
      const status = statusColumn(ctx, table.name, table.singular, random.pick(GENERIC_STATUSES))
      enums.push(status.type)
      state.enums.set(status.type.name, status.type)
      added.push(status.column)
    } else {
      const options = Object.keys(COLUMN_CATALOG).filter(free)
      if (options.length > 0) added.push(catalogColumn(random.pick(options), ctx.era, true))
    }
  }
  if (added.length === 0) return undefined
  table.columns.push(...added)
  ctx.emit({ type: 'add_columns', table, columns: added, enums })
  for (const column of added)
    if (column.type.kind === 'reference') createReferenceIndex(ctx, table, column.name)
  if (random.chance(0.35)) {
    const names = new Set(added.map((c) => c.name))
    const mentions = (p: ReturnType<typeof indexCandidates>[number]) =>
      p.parts.some((part) => part.kind !== 'utility' && names.has(part.column)) ||
      (p.where !== undefined && names.has(p.where.column))
    const candidates = indexCandidates(ctx, table).filter(mentions)
    if (candidates.length > 0) createIndex(ctx, table, random.pick(candidates))
  }
  const [first, second] = added
  if (added.length === 1) return slug('add', first!.name, 'to', table.name)
  if (added.length === 2) return slug('add', first!.name, 'and', second!.name, 'to', table.name)
  return slug('add', String(added.length), 'columns_to', table.name)
}

/** A migration that renames a column whose meaning sharpened. */
export const planRenameColumn: Planner = (ctx) => {
  const options: Array<{ table: TableModel; column: ColumnModel; to: string }> = []
  const referenced = referencedColumns(ctx.state)
  for (const table of appTables(ctx)) {
    for (const column of table.columns) {
      const to = RENAMES[column.name]
      if (to && !hasColumn(table, to) && !isColumnReferenced(referenced, table, column.name)) {
        options.push({ table, column, to })
      }
    }
  }
  if (options.length === 0) return undefined
  const { table, column, to } = ctx.random.pick(options)
  const from = column.name
  column.name = to
  ctx.emit({ type: 'rename_column', table, from, to })
  return slug('rename', table.name, from, 'to', to)
}

/** A migration that drops a column nothing reads any more. */
export const planDropColumn: Planner = (ctx) => {
  const options: Array<{ table: TableModel; column: ColumnModel }> = []
  const referenced = referencedColumns(ctx.state)
  for (const table of appTables(ctx)) {
    if (table.columns.length < 6) continue
    for (const column of table.columns) {
      if (PROTECTED.has(column.name) || isColumnReferenced(referenced, table, column.name)) continue
      options.push({ table, column })
    }
  }
  if (options.length === 0) return undefined
  const { table, column } = ctx.random.pick(options)
  table.columns.splice(table.columns.indexOf(column), 1)
  ctx.emit({ type: 'drop_column', table, column: column.name })
  return slug('drop', column.name, 'from', table.name)
}

function fillFor(column: ColumnModel): DefaultValue | undefined {
  switch (column.type.kind) {
    case 'integer':
      return { kind: 'number', value: 0 }
    case 'boolean':
      return { kind: 'boolean', value: false }
    case 'text':
    case 'varchar':
      return { kind: 'text', value: '' }
    default:
      return undefined
  }
}

type Alteration = 'require' | 'widen'

function alterationOptions(
  ctx: PlanContext,
  action: Alteration,
): Array<{ table: TableModel; column: ColumnModel }> {
  const options: Array<{ table: TableModel; column: ColumnModel }> = []
  for (const table of appTables(ctx)) {
    if (!isRebuildable(ctx.state, table)) continue
    for (const column of table.columns) {
      if (table.primaryKey.includes(column.name)) continue
      const fits =
        action === 'require'
          ? !column.notNull && fillFor(column) !== undefined
          : column.type.kind === 'varchar' && column.type.length < 255
      if (fits) options.push({ table, column })
    }
  }
  return options
}

/** A migration that backfills a column and makes it NOT NULL (SQLite: by table rebuild). */
export const planRequireColumn: Planner = (ctx) => {
  const options = alterationOptions(ctx, 'require')
  if (options.length === 0) return undefined
  const { table, column } = ctx.random.pick(options)
  column.notNull = true
  column.default = fillFor(column)!
  ctx.emit({ type: 'backfill', table, column, source: { kind: 'fill' } })
  ctx.emit({ type: 'set_not_null', table, column })
  return slug('require', table.name, column.name)
}

/** A migration that lets a varchar hold longer values (SQLite: by table rebuild). */
export const planWidenColumn: Planner = (ctx) => {
  const options = alterationOptions(ctx, 'widen')
  if (options.length === 0) return undefined
  const { table, column } = ctx.random.pick(options)
  const length = column.type.kind === 'varchar' ? column.type.length : 255
  column.type = { kind: 'varchar', length: Math.min(255, length * 4) }
  ctx.emit({ type: 'widen_column', table, column })
  return slug('widen', table.name, column.name)
}

/** A migration that teaches a status type one more state. */
export const planAddEnumValue: Planner = (ctx) => {
  const options = [...ctx.state.enums.values()].filter(
    (e) =>
      isRebuildable(ctx.state, ctx.state.table(e.table)) && LATER_STATUSES.some((l) => !e.labels.includes(l)),
  )
  if (options.length === 0) return undefined
  const type = ctx.random.pick(options)
  const value = ctx.random.pick(LATER_STATUSES.filter((l) => !type.labels.includes(l)))
  const roll = ctx.random.next()
  if (roll < 0.5) {
    type.labels.push(value)
    ctx.emit({ type: 'add_enum_value', enum: type, value })
  } else {
    const where = roll < 0.75 ? ('BEFORE' as const) : ('AFTER' as const)
    const label = where === 'BEFORE' ? type.labels.at(-1)! : type.labels[0]!
    type.labels.splice(type.labels.indexOf(label) + (where === 'AFTER' ? 1 : 0), 0, value)
    ctx.emit({ type: 'add_enum_value', enum: type, value, placement: { where, label } })
  }
  return slug('add', value, 'to', type.name)
}

/** A migration that numbers rows with a dedicated sequence (invoice numbers and the like). */
export const planSequenceColumn: Planner = (ctx) => {
  const tables = keyedTables(ctx).filter(
    (t) => !t.columns.some((c) => c.type.kind === 'sequence') && !hasColumn(t, `${t.singular}_number`),
  )
  if (tables.length === 0) return undefined
  const preferred = tables.filter((t) => hasColumn(t, 'reference') || hasColumn(t, 'total_cents'))
  const table = ctx.random.pick(preferred.length > 0 ? preferred : tables)
  const name = `${table.singular}_number`
  const sequence = ctx.state.claim(`${table.name}_${name}_seq`)
  const column: ColumnModel = { name, type: { kind: 'sequence', sequence }, era: ctx.era, notNull: false }
  table.columns.push(column)
  ctx.emit({ type: 'add_columns', table, columns: [column], enums: [] })
  createIndex(ctx, table, {
    name: `uq_${table.name}_${name}`,
    unique: true,
    parts: [{ kind: 'column', column: name }],
  })
  return slug('number', table.name)
}
