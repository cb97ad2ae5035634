import { appTables, keyedTables, type PlanContext, type Planner, slug } from './plan-context.js'
import type { Predicate, TableModel, ViewColumn, ViewModel } from './schema-state.js'
import { hasColumn } from './schema-state.js'

const LABELS = ['name', 'title', 'code', 'email', 'subject', 'reference']
const FLAG_VIEWS: Readonly<Record<string, string>> = {
  is_archived: 'current',
  is_public: 'private',
  is_enabled: 'disabled',
}

/** Filters a view over the table could apply, each with the view name it suggests. */
function filtersOf(ctx: PlanContext, table: TableModel): Array<{ prefix: string; predicate: Predicate }> {
  const out: Array<{ prefix: string; predicate: Predicate }> = []
  if (hasColumn(table, 'deleted_at'))
    out.push({ prefix: 'live', predicate: { kind: 'is_null', column: 'deleted_at' } })
  for (const column of table.columns) {
    const prefix = FLAG_VIEWS[column.name]
    if (prefix) out.push({ prefix, predicate: { kind: 'is_false', column: column.name } })
    if (column.type.kind === 'enum') {
      const value = ctx.state.enums.get(column.type.type)!.labels[0]!
      out.push({ prefix: value, predicate: { kind: 'equals', column: column.name, value } })
    }
  }
  return out
}

/** Plain columns of a table a view may show: not its key, not JSON blobs. */
function showable(table: TableModel): string[] {
  return table.columns
    .filter((c) => c.name !== 'id' && c.type.kind !== 'json' && c.type.kind !== 'reference')
    .map((c) => c.name)
}

function filteredView(ctx: PlanContext): ViewModel | undefined {
  const options = keyedTables(ctx).flatMap((table) =>
    filtersOf(ctx, table)
      .filter((f) => !ctx.state.isTaken(`${f.prefix}_${table.name}`))
      .map((f) => ({ table, ...f })),
  )
  if (options.length === 0) return undefined
  const { table, prefix, predicate } = ctx.random.pick(options)
  const picked = ctx.random.shuffle(showable(table)).slice(0, ctx.random.int(2, 4))
  return {
    name: ctx.state.claim(`${prefix}_${table.name}`),
    from: { table: table.name, alias: 't' },
    columns: [{ alias: 't', column: 'id' }, ...picked.map((column) => ({ alias: 't', column }))],
    where: { alias: 't', predicate },
  }
}

function referencePairs(
  ctx: PlanContext,
): Array<{ child: TableModel; parent: TableModel; reference: string }> {
  const parents = new Map(keyedTables(ctx).map((t) => [t.name, t]))
  return appTables(ctx).flatMap((child) =>
    child.columns.flatMap((c) => {
      const parent = c.type.kind === 'reference' ? parents.get(c.type.table) : undefined
      return parent && parent !== child ? [{ child, parent, reference: c.name }] : []
    }),
  )
}

function parentView(ctx: PlanContext): ViewModel | undefined {
  const options = referencePairs(ctx).filter(
    ({ child, parent }) =>
      !child.join &&
      LABELS.some((l) => hasColumn(parent, l)) &&
      !ctx.state.isTaken(`${child.name}_with_${parent.singular}`),
  )
  if (options.length === 0) return undefined
  const { child, parent, reference } = ctx.random.pick(options)
  const label = LABELS.find((l) => hasColumn(parent, l))!
  const picked = ctx.random.shuffle(showable(child)).slice(0, ctx.random.int(1, 3))
  const live = hasColumn(child, 'deleted_at') && ctx.random.chance(0.5)
  return {
    name: ctx.state.claim(`${child.name}_with_${parent.singular}`),
    from: { table: child.name, alias: 't' },
    join: {
      table: parent.name,
      alias: 'p',
      left: false,
      on: [
        { alias: 'p', column: 'id' },
        { alias: 't', column: reference },
      ],
    },
    columns: [
      { alias: 't', column: 'id' },
      ...picked.map((column) => ({ alias: 't', column })),
      { alias: 'p', column: label, as: `${parent.singular}_${label}` },
    ],
    ...(live ? { where: { alias: 't', predicate: { kind: 'is_null', column: 'deleted_at' } as const } } : {}),
  }
}

function statsView(ctx: PlanContext): ViewModel | undefined {
  const options = referencePairs(ctx).filter(
    ({ child, parent }) => !ctx.state.isTaken(`${parent.singular}_${child.name}_stats`),
  )
  if (options.length === 0) return undefined
  const { child, parent, reference } = ctx.random.pick(options)
  return {
    name: ctx.state.claim(`${parent.singular}_${child.name}_stats`),
    from: { table: parent.name, alias: 'p' },
    join: {
      table: child.name,
      alias: 'c',
      left: true,
      on: [
        { alias: 'c', column: reference },
        { alias: 'p', column: 'id' },
      ],
    },
    columns: [
      { alias: 'p', column: 'id', as: `${parent.singular}_id` },
      { alias: 'c', column: reference, fn: 'count', as: `${child.name}_total` },
      { alias: 'c', column: 'created_at', fn: 'max', as: `latest_${child.singular}_at` },
    ],
    groupBy: [{ alias: 'p', column: 'id' }],
  }
}

/** A migration that adds a view for a screen or a report. */
export const planCreateView: Planner = (ctx) => {
  const makers = ctx.random.shuffle([filteredView, parentView, statsView])
  for (const make of makers) {
    const view = make(ctx)
    if (view === undefined) continue
    ctx.state.views.set(view.name, view)
    ctx.emit({ type: 'create_view', view })
    return slug('create', view.name, 'view')
  }
  return undefined
}

function outputName(column: ViewColumn): string {
  return column.as ?? column.column
}

/** The view with one more column: a plain one, or an aggregate for grouped views. */
function withColumn(ctx: PlanContext, view: ViewModel): ViewModel | undefined {
  const taken = new Set(view.columns.map(outputName))
  if (view.groupBy && view.join) {
    const child = ctx.state.table(view.join.table)
    const options = child.columns.filter(
      (c) =>
        (c.type.kind === 'integer' || c.type.kind === 'bigint' || c.type.kind === 'timestamp') &&
        !taken.has(`max_${c.name}`),
    )
    if (options.length === 0) return undefined
    const column = ctx.random.pick(options)
    return {
      ...view,
      columns: [
        ...view.columns,
        { alias: view.join.alias, column: column.name, fn: 'max', as: `max_${column.name}` },
      ],
    }
  }
  const base = ctx.state.table(view.from.table)
  const options = showable(base).filter((c) => !taken.has(c))
  if (options.length === 0) return undefined
  return { ...view, columns: [...view.columns, { alias: view.from.alias, column: ctx.random.pick(options) }] }
}

function withOtherFilter(ctx: PlanContext, view: ViewModel): ViewModel | undefined {
  if (view.groupBy) return undefined
  const current = JSON.stringify(view.where?.predicate ?? null)
  const options = filtersOf(ctx, ctx.state.table(view.from.table)).filter(
    (f) => JSON.stringify(f.predicate) !== current,
  )
  if (options.length === 0) return undefined
  return { ...view, where: { alias: view.from.alias, predicate: ctx.random.pick(options).predicate } }
}

function withoutColumn(ctx: PlanContext, view: ViewModel): ViewModel | undefined {
  if (view.columns.length < 4) return undefined
  const index = ctx.random.int(1, view.columns.length - 1)
  return { ...view, columns: view.columns.filter((_, i) => i !== index) }
}

/** A migration that changes what a view shows, in place when it can. */
export const planReplaceView: Planner = (ctx) => {
  const views = [...ctx.state.views.values()]
  if (views.length === 0) return undefined
  const view = ctx.random.pick(views)
  const variants = ctx.random.shuffle([
    { make: withColumn, replaces: 'compatible' as const },
    { make: withOtherFilter, replaces: 'compatible' as const },
    { make: withoutColumn, replaces: 'incompatible' as const },
  ])
  for (const { make, replaces } of variants) {
    const next = make(ctx, view)
    if (next === undefined) continue
    ctx.state.views.set(next.name, next)
    ctx.emit({ type: 'create_view', view: next, replaces })
    return slug('update', view.name, 'view')
  }
  return undefined
}
