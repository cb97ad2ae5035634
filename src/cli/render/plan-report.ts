import type { Plan, PlanStep } from '../../plan/plan.js'
import type { ColorFns } from '../output.js'
import { plural, words } from './format.js'

/**
 * A plan as a reader checks it before saying yes: each step numbered with what it does, then
 * every statement it will run, in full — except the DDL of plumbline's own tracking tables,
 * named only (`--json` carries it whole).
 */
export function renderPlan(plan: Plan, c: ColorFns, title = 'plan'): string[] {
  const lines: string[] = []
  if (plan.steps.length === 0 && plan.blockers.length === 0) {
    lines.push(`${c.bold(title)}: nothing to do`)
    return lines
  }
  if (plan.steps.length > 0) lines.push(`${c.bold(title)} (${plural(plan.steps.length, 'step')})`)
  for (const [i, step] of plan.steps.entries()) {
    lines.push(`  ${c.bold(`${i + 1}.`)} ${c.cyan(words(step.action))}  ${step.description}`)
    if ('reason' in step) lines.push(`     ${c.dim(`why: ${step.reason}`)}`)
    for (const sql of step.sql) {
      // plumbline's own tables are shown by name only: their columns are not the reader's decision.
      if (step.action === 'create_tracking_tables') lines.push(`     ${c.dim(collapsed(sql))}`)
      else for (const line of statement(sql).split('\n')) lines.push(`     ${line}`)
    }
    if (step.sql.length === 0) lines.push(`     ${c.dim(noSqlNote(step))}`)
  }
  if (plan.blockers.length > 0) {
    lines.push(`${c.red(c.bold('blocked'))}: a human must decide`)
    for (const b of plan.blockers) lines.push(`  - ${b.message}`)
  }
  return lines
}

/** A statement as it would be typed: terminated, trailing blank lines trimmed. */
export function statement(sql: string): string {
  const text = sql.trim()
  return text.endsWith(';') || text.startsWith('--') ? text : `${text};`
}

/** `CREATE TABLE IF NOT EXISTS plumbline_events (…);` */
function collapsed(sql: string): string {
  const first = sql.trim().split('\n')[0]!.trimEnd()
  return first.endsWith('(') ? `${first}…);` : statement(first)
}

/** Steps that change only plumbline's tracking rows say so, instead of showing nothing. */
function noSqlNote(step: PlanStep): string {
  switch (step.action) {
    case 'record_applied':
      return `-- tracking rows only: ${step.revisions.join(', ') || 'none'} recorded as applied`
    case 'rewrite_tracking':
      return `-- tracking rows only: ${step.revisions.join(', ') || 'no revision'} recorded as applied; the old rows go to the audit log`
    case 'update_checksum':
      return `-- tracking row of ${step.revision}: new checksum recorded`
    case 'clear_failed_attempt':
      return `-- tracking row of ${step.revision}: the failed attempt is cleared`
    default:
      return '-- no SQL'
  }
}
