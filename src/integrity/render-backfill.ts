import type { ColorFns } from '../cli/output.js'
import { count, duration } from './backfill-progress.js'
import { describeCheckpoint } from './backfill-start.js'
import type { BackfillPlan } from './plan-backfill.js'
import { renderCheckReport } from './render-check-report.js'
import type { BackfillResult } from './run-backfill.js'

/** A dry run for a reader: what would run, over how many rows and batches, and the first batch's SQL. */
export function renderBackfillPlan(plan: BackfillPlan, c: ColorFns): string {
  const lines = [
    `${c.bold(`backfill ${plan.name}`)} ${c.dim('— dry run: nothing was written')}`,
    `  table ${plan.table}, key ${plan.key}, batches of ${count(plan.batchSize)}`,
  ]
  if (plan.previous !== null) {
    lines.push(
      `  previous run: ${describeCheckpoint(plan.previous)}${plan.mode === 'resume' ? ' — would resume' : ' — would start over'}`,
    )
  }
  lines.push(
    `  ${count(plan.rows)} rows to go → ${count(plan.batches)} batch${plan.batches === 1 ? '' : 'es'}`,
  )
  const first = plan.firstBatch
  if (first === null) {
    lines.push('  nothing to do')
    return lines.join('\n')
  }
  lines.push(
    `  first batch: ${plan.key} > ${String(first.from)} and ≤ ${String(first.to)} (${count(first.rows)} rows)`,
  )
  first.statements.forEach((s, i) => {
    lines.push(
      '',
      c.dim(
        `-- statement ${i + 1} of ${first.statements.length}: :from = ${String(first.from)}, :to = ${String(first.to)}`,
      ),
    )
    lines.push(s.text.trim())
  })
  return lines.join('\n')
}

/** A finished or interrupted run for a reader, with its verify checks. */
export function renderBackfillResult(result: BackfillResult, c: ColorFns): string {
  const stats =
    `${count(result.rowsThisRun)} rows in ${count(result.batchesThisRun)} batches · ${duration(result.durationMs)} · ` +
    `${count(Math.round(result.rowsPerSecond))} rows/s · longest batch ${duration(result.longestBatchMs)}`
  const lines =
    result.status === 'done'
      ? [
          `${c.green('✔')} backfill ${c.bold(result.name)} done${result.resumed ? ' (resumed)' : ''}: ${stats}`,
        ]
      : [
          `${c.yellow('!')} backfill ${c.bold(result.name)} interrupted after batch ${result.batchesDone} ` +
            `(key ${String(result.cursor)}, ${count(result.rowsDone)} of ${count(result.rowsTotal)} rows): ${stats}`,
          `  run it again with --resume to continue after the last committed batch`,
        ]
  if (result.verify !== undefined) lines.push('', c.bold('verify'), renderCheckReport(result.verify, c))
  return lines.join('\n')
}
