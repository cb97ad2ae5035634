import { keyedTables, type PlanContext, type Planner, slug } from './plan-context.js'
import { createIndex } from './plan-indexes.js'
import { ensureFunction } from './plan-triggers.js'
import type { ColumnModel, TableModel } from './schema-state.js'
import { hasColumn } from './schema-state.js'

function textColumn(table: TableModel, names: ReadonlyArray<string>): string | undefined {
  return names.find((n) => hasColumn(table, n))
}

/** A migration that introduces a helper function (PostgreSQL) and puts it to use. */
export const planUtility: Planner = (ctx) => {
  const uses: Array<() => string> = []
  for (const table of keyedTables(ctx)) {
    const title = textColumn(table, ['title', 'name', 'subject'])
    const body = textColumn(table, ['body', 'description', 'notes'])
    if (title && !hasColumn(table, 'slug')) uses.push(() => addSlug(ctx, table, title))
    if (hasColumn(table, 'email') && !ctx.state.isTaken(`idx_${table.name}_normalized_email`)) {
      uses.push(() =>
        indexWith(ctx, table, 'normalize_email', ['email'], `idx_${table.name}_normalized_email`),
      )
    }
    if (title && body && !ctx.state.isTaken(`idx_${table.name}_search_document`)) {
      uses.push(() =>
        indexWith(ctx, table, 'search_document', [title, body], `idx_${table.name}_search_document`),
      )
    }
    const amount = textColumn(table, ['amount_cents', 'total_cents'])
    if (amount && !ctx.state.isTaken(`${table.name}_amounts`))
      uses.push(() => amountsView(ctx, table, amount))
    if (hasColumn(table, 'starts_at') && hasColumn(table, 'ends_at') && !hasColumn(table, 'business_days')) {
      uses.push(() => addBusinessDays(ctx, table))
    }
  }
  if (uses.length === 0) return undefined
  return ctx.random.pick(uses)()
}

function useUtility(ctx: PlanContext, key: string): void {
  ensureFunction(ctx, { name: key, kind: 'utility', utility: key })
}

function addSlug(ctx: PlanContext, table: TableModel, from: string): string {
  useUtility(ctx, 'slugify')
  const column: ColumnModel = {
    name: 'slug',
    type: { kind: 'varchar', length: 255 },
    era: ctx.era,
    notNull: false,
  }
  table.columns.push(column)
  ctx.emit({ type: 'add_columns', table, columns: [column], enums: [] })
  ctx.emit({ type: 'backfill', table, column, source: { kind: 'utility', utility: 'slugify', from: [from] } })
  createIndex(ctx, table, {
    name: `uq_${table.name}_slug`,
    unique: true,
    parts: [{ kind: 'column', column: 'slug' }],
    where: { kind: 'not_null', column: 'slug' },
  })
  return slug('add_slug_to', table.name)
}

function indexWith(
  ctx: PlanContext,
  table: TableModel,
  key: string,
  columns: string[],
  name: string,
): string {
  useUtility(ctx, key)
  createIndex(ctx, table, { name, unique: false, parts: [{ kind: 'utility', utility: key, columns }] })
  return slug('index', table.name, 'by', key)
}

function amountsView(ctx: PlanContext, table: TableModel, amount: string): string {
  useUtility(ctx, 'cents_to_units')
  const name = ctx.state.claim(`${table.name}_amounts`)
  const view = {
    name,
    from: { table: table.name, alias: 't' },
    columns: [
      { alias: 't', column: 'id' },
      {
        alias: 't',
        column: amount,
        fn: 'utility' as const,
        utility: 'cents_to_units',
        as: amount.replace(/_cents$/, ''),
      },
      ...(hasColumn(table, 'currency') ? [{ alias: 't', column: 'currency' }] : []),
    ],
  }
  ctx.state.views.set(name, view)
  ctx.emit({ type: 'create_view', view })
  return slug('create', name, 'view')
}

function addBusinessDays(ctx: PlanContext, table: TableModel): string {
  useUtility(ctx, 'business_days_between')
  const column: ColumnModel = {
    name: 'business_days',
    type: { kind: 'integer' },
    era: ctx.era,
    notNull: false,
  }
  table.columns.push(column)
  ctx.emit({ type: 'add_columns', table, columns: [column], enums: [] })
  ctx.emit({
    type: 'backfill',
    table,
    column,
    source: { kind: 'utility', utility: 'business_days_between', from: ['starts_at', 'ends_at'] },
  })
  return slug('add_business_days_to', table.name)
}
