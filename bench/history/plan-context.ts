import type { Change } from './change.js'
import type { Random } from './random.js'
import type { ColumnModel, Era, SchemaState, TableModel } from './schema-state.js'
import { COLUMN_CATALOG, type Noun } from './vocabulary.js'

/** What a planner sees while it plans one migration. */
export interface PlanContext {
  readonly state: SchemaState
  readonly random: Random
  /** 1-based number of the migration being planned. */
  readonly migration: number
  readonly era: Era
  /** Nouns already made into tables (dropped ones included: a name is not brought back). */
  readonly usedNouns: Set<string>
  /** Records a change that the planner has already applied to the state. */
  emit(change: Change): void
}

/**
 * Plans one kind of change. Returns the migration's name when it planned something, or
 * `undefined` (having emitted nothing) when the schema offers nothing it could change yet.
 */
export type Planner = (ctx: PlanContext) => string | undefined

/** Tables the random alterations may pick: everything but the plumbing. */
export function appTables(ctx: PlanContext): TableModel[] {
  return [...ctx.state.tables.values()].filter((t) => !t.system)
}

/** Tables with a surrogate `id`, which triggers and counters address rows by. */
export function keyedTables(ctx: PlanContext): TableModel[] {
  return appTables(ctx).filter((t) => !t.join && t.primaryKey[0] === 'id')
}

function isConstantDefault(column: Pick<ColumnModel, 'default'>): boolean {
  const kind = column.default?.kind
  return kind === 'number' || kind === 'boolean' || kind === 'text' || kind === 'empty_json'
}

/**
 * A catalog column as written in the given era. Added columns (`adding`) follow what ALTER TABLE
 * ADD COLUMN accepts everywhere: NOT NULL only with a constant default.
 */
export function catalogColumn(name: string, era: Era, adding: boolean, noun?: Noun): ColumnModel {
  const template = COLUMN_CATALOG[name]
  if (template === undefined) throw new Error(`history generator: no catalog column ${name}`)
  const column: ColumnModel = {
    name,
    type: template.type,
    era,
    notNull: template.notNull === true,
    ...(template.default ? { default: template.default } : {}),
    ...(template.check ? { check: template.check } : {}),
  }
  if (adding && column.notNull && !isConstantDefault(column)) {
    column.notNull = false
    delete column.default
  }
  if (!adding && noun !== undefined) {
    if ((name === 'email' && noun.singular === 'user') || (name === 'code' && noun.parents.length === 0)) {
      column.unique = true
    }
  }
  return column
}

/** `add_x_and_y_to_table`, kept to a readable length. */
export function slug(...words: string[]): string {
  return words.join('_').slice(0, 60).replace(/_+$/, '')
}
