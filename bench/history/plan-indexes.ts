import { appTables, type PlanContext, type Planner, slug } from './plan-context.js'
import type { IndexModel, IndexPart, Predicate, TableModel } from './schema-state.js'
import { JSON_KEYS } from './vocabulary.js'

/** An index a table could use, before it has a name. */
interface IndexProposal {
  readonly name: string
  readonly unique: boolean
  readonly parts: ReadonlyArray<IndexPart>
  readonly where?: Predicate
}

const SEARCHABLE = new Set([
  'name',
  'title',
  'email',
  'code',
  'reference',
  'subject',
  'label',
  'category',
  'display_name',
])

function signature(p: Pick<IndexProposal, 'unique' | 'parts' | 'where'>): string {
  return JSON.stringify([p.unique, p.parts, p.where ?? null])
}

/**
 * Indexes an application would plausibly add to a table: lookups by time, status and
 * reference, case-insensitive search, JSON keys, partial indexes over live or unarchived rows,
 * and unique codes. Ones the table already has are left out.
 */
export function indexCandidates(ctx: PlanContext, table: TableModel): IndexProposal[] {
  const t = table.name
  const out: IndexProposal[] = []
  const col = (column: string): IndexPart => ({ kind: 'column', column })
  const has = (name: string) => table.columns.some((c) => c.name === name)
  const live: Predicate | undefined = has('deleted_at')
    ? { kind: 'is_null', column: 'deleted_at' }
    : undefined
  for (const c of table.columns) {
    const kind = c.type.kind
    if (kind === 'timestamp' || kind === 'date') {
      if (c.name === 'deleted_at') continue
      out.push({ name: `idx_${t}_${c.name}`, unique: false, parts: [col(c.name)] })
      if (live)
        out.push({ name: `idx_${t}_${c.name}_live`, unique: false, parts: [col(c.name)], where: live })
      if (!c.notNull && c.name !== 'created_at') {
        out.push({
          name: `idx_${t}_${c.name}_present`,
          unique: false,
          parts: [col(c.name)],
          where: { kind: 'not_null', column: c.name },
        })
      }
    } else if (kind === 'reference') {
      if (has('created_at'))
        out.push({
          name: `idx_${t}_${c.name}_created_at`,
          unique: false,
          parts: [col(c.name), col('created_at')],
        })
      const named = table.columns.find((n) => n.name === 'name' || n.name === 'code' || n.name === 'title')
      if (named)
        out.push({
          name: `uq_${t}_${c.name}_${named.name}`,
          unique: true,
          parts: [col(c.name), col(named.name)],
        })
    } else if (kind === 'enum') {
      const first = ctx.state.enums.get(c.type.type)!.labels[0]!
      out.push({
        name: `idx_${t}_${c.name}_created_at`,
        unique: false,
        parts: [col(c.name), col('created_at')],
      })
      out.push({
        name: `idx_${t}_${first}`,
        unique: false,
        parts: [col('created_at')],
        where: { kind: 'equals', column: c.name, value: first },
      })
    } else if (kind === 'boolean') {
      out.push({
        name: `idx_${t}_not_${c.name.replace(/^is_/, '')}`,
        unique: false,
        parts: [col(has('created_at') ? 'created_at' : 'id')],
        where: { kind: 'is_false', column: c.name },
      })
    } else if (kind === 'json') {
      for (const key of JSON_KEYS.slice(0, 3)) {
        out.push({
          name: `idx_${t}_${c.name}_${key}`,
          unique: false,
          parts: [{ kind: 'json_key', column: c.name, key }],
        })
      }
    } else if ((kind === 'text' || kind === 'varchar') && SEARCHABLE.has(c.name)) {
      out.push({
        name: `idx_${t}_lower_${c.name}`,
        unique: false,
        parts: [{ kind: 'lower', column: c.name }],
      })
      if (c.name === 'code' && !c.unique)
        out.push({ name: `uq_${t}_code`, unique: true, parts: [col('code')] })
      else if (live)
        out.push({ name: `idx_${t}_${c.name}_live`, unique: false, parts: [col(c.name)], where: live })
      else if (!c.unique) out.push({ name: `idx_${t}_${c.name}`, unique: false, parts: [col(c.name)] })
    } else if (kind === 'integer' || kind === 'uuid') {
      out.push({ name: `idx_${t}_${c.name}`, unique: false, parts: [col(c.name)] })
    }
  }
  const existing = new Set(ctx.state.indexesOn(t).map(signature))
  if (out.length === 0) return out
  return out.filter((p) => !existing.has(signature(p)) && !ctx.state.isTaken(p.name))
}

/** Records an index on the state and emits its creation. */
export function createIndex(ctx: PlanContext, table: TableModel, proposal: IndexProposal): IndexModel {
  const index: IndexModel = {
    name: ctx.state.claim(proposal.name),
    table: table.name,
    unique: proposal.unique,
    parts: proposal.parts,
    ...(proposal.where ? { where: proposal.where } : {}),
    createdIn: ctx.migration,
  }
  ctx.state.indexes.set(index.name, index)
  ctx.emit({ type: 'create_index', index })
  return index
}

/** The index a foreign key column needs so that deletes of the parent do not scan the child. */
export function createReferenceIndex(ctx: PlanContext, table: TableModel, column: string): IndexModel {
  return createIndex(ctx, table, {
    name: `idx_${table.name}_${column}`,
    unique: false,
    parts: [{ kind: 'column', column }],
  })
}

/** Up to `count` random extra indexes on a table; how many it made. */
export function createSomeIndexes(ctx: PlanContext, table: TableModel, count: number): IndexModel[] {
  const made: IndexModel[] = []
  for (let i = 0; i < count; i++) {
    const candidates = indexCandidates(ctx, table)
    if (candidates.length === 0) break
    made.push(createIndex(ctx, table, ctx.random.pick(candidates)))
  }
  return made
}

/** A migration that adds indexes once queries showed they are needed. */
export const planCreateIndexes: Planner = (ctx) => {
  const tables = appTables(ctx).filter((t) => indexCandidates(ctx, t).length > 0)
  if (tables.length === 0) return undefined
  const table = ctx.random.pick(tables)
  const made = createSomeIndexes(ctx, table, ctx.random.int(1, 3))
  if (ctx.random.chance(0.3)) {
    const other = ctx.random.pick(tables)
    if (other !== table) made.push(...createSomeIndexes(ctx, other, 1))
  }
  return made.length === 1
    ? slug('add', made[0]!.name)
    : slug('add', String(made.length), 'indexes_for', table.name)
}

/** A migration that drops an index nobody uses any more. */
export const planDropIndex: Planner = (ctx) => {
  const candidates = [...ctx.state.indexes.values()].filter(
    (i) => !i.unique && i.createdIn <= ctx.migration - 15,
  )
  if (candidates.length === 0) return undefined
  const index = ctx.random.pick(candidates)
  ctx.state.indexes.delete(index.name)
  ctx.emit({ type: 'drop_index', index })
  return slug('drop', index.name)
}
