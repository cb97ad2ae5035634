import type { Block } from './change.js'
import type { GeneratedMigration } from './generate-history.js'
import type { PlanContext, Planner } from './plan-context.js'
import { bootstrapPlanners } from './plan-tables.js'
import { createRandom } from './random.js'
import { renderMysql } from './render-mysql.js'
import { FALLBACKS, SECONDARY, schedule } from './schedule.js'
import { type Era, SchemaState } from './schema-state.js'

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
 * The history of `generateHistory` (the same planners, the same seed: the same logical history
 * and migration ids) rendered for MySQL and MariaDB. It takes the same steps as `generateHistory`
 * with a renderer of its own; a change of one must be made in the other.
 *
 * @example
 * const history = generateMysqlHistory({ migrations: 300, seed: 2024 })
 */
export function generateMysqlHistory(options: {
  readonly migrations?: number
  readonly seed?: number | string
}): GeneratedMigration[] {
  const count = options.migrations ?? 300
  if (count < 10) throw new RangeError('generateMysqlHistory: at least 10 migrations')
  const random = createRandom(options.seed ?? 1)
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
      emit: (change) => blocks.push(...renderMysql.render(change, state)),
    }
    const name = plan(ctx, planner, blocks)
    if (random.chance(0.2)) random.pick(SECONDARY)(ctx)
    const id = `${String(migration).padStart(width, '0')}_${name}`
    const merged = mergeBlocks(blocks)
    const words = name.replace(/_/g, ' ')
    const description = `${words.charAt(0).toUpperCase()}${words.slice(1)}.`
    return {
      id,
      name: `${id}.sql`,
      sql: `-- plumbline:up\n-- ${description}\n\n${merged.flatMap((b) => b.statements).join('\n\n')}\n`,
      blocks: merged,
    }
  })
}
