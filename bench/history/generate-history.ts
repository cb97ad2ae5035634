import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Block, HistoryRenderer } from './change.js'
import type { PlanContext, Planner } from './plan-context.js'
import { bootstrapPlanners } from './plan-tables.js'
import { createRandom, type Random } from './random.js'
import { renderPostgres } from './render-postgres.js'
import { renderSqlite } from './render-sqlite.js'
import { FALLBACKS, SECONDARY, schedule } from './schedule.js'
import { type Era, SchemaState } from './schema-state.js'

/** One generated migration file in plumbline's native format. */
export interface GeneratedMigration {
  /** The migration id: `0042_add_priority_to_tasks`. */
  readonly id: string
  /** The file name: `0042_add_priority_to_tasks.sql`. */
  readonly name: string
  /** The file's text: `-- plumbline:up`, a description, the statements. */
  readonly sql: string
  /**
   * The statements in order, grouped. Statements of an `independent` block touch disjoint
   * objects, so a build may run them in any order and must end with the same schema.
   */
  readonly blocks: ReadonlyArray<Block>
}

/** What history to generate. */
export interface HistoryOptions {
  readonly dialect: 'sqlite' | 'postgres'
  /** At least 10; default 300. */
  readonly migrations?: number
  /** Default 1. The same seed plans the same logical history for both dialects. */
  readonly seed?: number | string
}

const RENDERERS: Readonly<Record<HistoryOptions['dialect'], HistoryRenderer>> = {
  sqlite: renderSqlite,
  postgres: renderPostgres,
}

/** Adjacent independent blocks form one: their statements are all mutually independent. */
function mergeBlocks(blocks: ReadonlyArray<Block>): Block[] {
  const out: Block[] = []
  for (const block of blocks) {
    const last = out.at(-1)
    if (last?.independent && block.independent) {
      out[out.length - 1] = { statements: [...last.statements, ...block.statements], independent: true }
    } else out.push(block)
  }
  return out
}

function describe(name: string): string {
  const words = name.replace(/_/g, ' ')
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}.`
}

/** The text of a migration file whose statements run in the given order. */
function migrationText(description: string, statements: ReadonlyArray<string>): string {
  return `-- plumbline:up\n-- ${description}\n\n${statements.join('\n\n')}\n`
}

/**
 * A deterministic history of an application growing over the years: tables with references,
 * checks and enums; plain, unique, partial and expression indexes; views replaced over time;
 * trigger functions and triggers; renamed and dropped columns, SQLite table rebuilds,
 * PostgreSQL sequences and enum types. Every statement is meant to run on SQLite 3.35+ (DROP
 * COLUMN) and PostgreSQL 12+ (ALTER TYPE … ADD VALUE in a transaction); the tests run them on
 * SQLite 3.53 and PostgreSQL 15 and 18.
 *
 * @example
 * const history = generateHistory({ dialect: 'sqlite', migrations: 300, seed: 7 })
 * for (const m of history) await conn.execute(m.sql)
 */
export function generateHistory(options: HistoryOptions): GeneratedMigration[] {
  const count = options.migrations ?? 300
  if (count < 10) throw new RangeError('generateHistory: at least 10 migrations')
  const random = createRandom(options.seed ?? 1)
  const renderer = RENDERERS[options.dialect]
  const state = new SchemaState()
  const usedNouns = new Set<string>()
  const bootstrap = bootstrapPlanners()
  const planners = [...bootstrap, ...schedule(random, count - bootstrap.length)]
  const width = Math.max(4, String(count).length)
  return planners.map((planner, i) => {
    const migration = i + 1
    const blocks: Block[] = []
    const era = Math.min(3, 1 + Math.floor((3 * i) / count)) as Era
    const ctx: PlanContext = {
      state,
      random,
      migration,
      era,
      usedNouns,
      emit: (change) => blocks.push(...renderer.render(change, state)),
    }
    const name = plan(ctx, planner, blocks)
    if (random.chance(0.2)) random.pick(SECONDARY)(ctx)
    const id = `${String(migration).padStart(width, '0')}_${name}`
    const merged = mergeBlocks(blocks)
    return {
      id,
      name: `${id}.sql`,
      sql: migrationText(
        describe(name),
        merged.flatMap((b) => b.statements),
      ),
      blocks: merged,
    }
  })
}

function plan(ctx: PlanContext, planner: Planner, blocks: Block[]): string {
  for (const candidate of [planner, ...FALLBACKS]) {
    const name = candidate(ctx)
    if (name === undefined) continue
    if (blocks.length === 0) throw new Error(`history generator: ${name} planned no statement`)
    return name
  }
  throw new Error(`history generator: nothing to plan in migration ${ctx.migration}`)
}

/**
 * Writes the migrations into `dir` (created when missing). Refuses a folder that already holds
 * `.sql` files, so a stale history never mixes with a new one.
 */
export function writeHistory(dir: string, migrations: ReadonlyArray<GeneratedMigration>): void {
  mkdirSync(dir, { recursive: true })
  if (readdirSync(dir).some((f) => f.endsWith('.sql')))
    throw new Error(`writeHistory: ${dir} already holds migrations`)
  for (const m of migrations) writeFileSync(join(dir, m.name), m.sql)
}

/**
 * The migration's statements with each independent block in a random order: a build that must
 * end with exactly the schema of the build in file order.
 */
export function reorderedStatements(migration: GeneratedMigration, random: Random): string[] {
  return migration.blocks.flatMap((b) => (b.independent ? random.shuffle(b.statements) : [...b.statements]))
}
