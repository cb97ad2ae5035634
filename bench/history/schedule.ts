import {
  planAddColumns,
  planAddEnumValue,
  planDropColumn,
  planRenameColumn,
  planRequireColumn,
  planSequenceColumn,
  planWidenColumn,
} from './plan-columns.js'
import type { Planner } from './plan-context.js'
import { planCreateIndexes, planDropIndex } from './plan-indexes.js'
import { planCreateTables, planDropTable } from './plan-tables.js'
import { planAddTriggers, planCounterCache, planReviseAudit } from './plan-triggers.js'
import { planUtility } from './plan-utilities.js'
import { planCreateView, planReplaceView } from './plan-views.js'
import type { Random } from './random.js'

/**
 * How often each kind of migration occurs in 300 migrations of an application's life; the
 * rest create tables. Fixed shares keep every seed above the size a benchmark needs.
 */
const SHARES: ReadonlyArray<readonly [Planner, number]> = [
  [planAddColumns, 47],
  [planCreateIndexes, 40],
  [planDropIndex, 10],
  [planCreateView, 16],
  [planReplaceView, 12],
  [planAddTriggers, 14],
  [planCounterCache, 12],
  [planUtility, 6],
  [planRenameColumn, 7],
  [planDropColumn, 6],
  [planAddEnumValue, 6],
  [planRequireColumn, 4],
  [planWidenColumn, 3],
  [planSequenceColumn, 4],
  [planDropTable, 3],
]

/** Tried in turn when a planned kind finds nothing to change yet (early in a history). */
export const FALLBACKS: ReadonlyArray<Planner> = [planCreateTables, planAddColumns, planCreateIndexes]

/** Migrations run one or two of these after their main change. */
export const SECONDARY: ReadonlyArray<Planner> = [planAddColumns, planCreateIndexes]

/**
 * The main planner of every migration after the first few: shuffled, with table creation
 * dominating the early years and the audit revision in the later ones.
 */
export function schedule(random: Random, count: number): Planner[] {
  const scale = count / 300
  const planned: Planner[] = []
  for (const [planner, share] of SHARES) {
    for (let i = 0; i < Math.round(share * scale); i++) planned.push(planner)
  }
  const creates = Math.max(0, count - planned.length - 1)
  const order = random.shuffle([...planned, ...Array<Planner>(creates).fill(planCreateTables)])
  const early = Math.min(12, creates)
  const front = order.filter((p) => p === planCreateTables).slice(0, early)
  const rest = [...order]
  for (const p of front) rest.splice(rest.indexOf(p), 1)
  const out = [...front, ...rest]
  out.splice(random.int(Math.floor(out.length / 2), out.length), 0, planReviseAudit)
  return out.slice(0, count)
}
