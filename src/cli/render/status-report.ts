import type { MigrationStatusLine, StatusResult } from '../../engine/status.js'
import type { ColorFns } from '../output.js'
import { duration, plural, timestamp, words } from './format.js'
import { nextStep } from './next-step.js'
import { paint, stateTone } from './paint.js'
import { observedStatus, statusMarker } from './revision-status.js'
import { alignColumns } from './table.js'

/**
 * `status` for a reader: one aligned line per migration in the `[✓]` style — status, when and
 * by whom it was applied, how long it took, how far a stopped one got, what is missing — then
 * the database's state, the lock, and the command to run next.
 */
export function renderStatus(
  result: StatusResult,
  database: { readonly dialect: string; readonly where: string },
  c: ColorFns,
): string {
  const lines: string[] = [`${c.bold(database.dialect)} ${c.dim(database.where)}`, '']
  if (result.migrations.length === 0) lines.push(c.dim('  no migrations in the folder'))
  const rows = result.migrations.map((m) => row(m, c))
  lines.push(...alignColumns(rows, '  '))
  const tone = stateTone(result.state, result.strategy)
  lines.push(
    '',
    `${c.bold('state')}    ${paint(c, tone, words(result.state))} ${c.dim(`(${words(result.strategy)})`)}${
      result.problems > 0 ? ` · ${plural(result.problems, 'problem')}` : ''
    }`,
    `${c.bold('tracked')}  ${result.tracked ?? c.dim('nothing')} ${c.dim(`· head ${result.head ?? 'none'}`)}`,
    `${c.bold('lock')}     ${lockLine(result.lock, c)}`,
  )
  const next = nextStep(result.state, result.strategy, result.mergedLate)
  if (next) lines.push(`${c.bold('next')}     ${next}`)
  return lines.join('\n')
}

function row(m: MigrationStatusLine, c: ColorFns): string[] {
  const status = observedStatus(m)
  const { mark, tone } = statusMarker(status)
  const notes: string[] = []
  // How far a stopped attempt got is the row's own story; a row that completed says nothing here.
  if (
    (m.status === 'partial' || m.status === 'failed' || m.status === 'running') &&
    m.statementsTotal !== null
  ) {
    notes.push(`${m.statementsDone ?? 0}/${m.statementsTotal} statements`)
    // The journal lags one statement behind when the process died right after a schema change.
    if (m.statementsVerified !== null && m.statementsVerified !== m.statementsDone)
      notes.push(`${m.statementsVerified} took effect`)
  }
  if (m.missingObjects > 0) notes.push(`${plural(m.missingObjects, 'object')} missing`)
  if (m.error) notes.push(m.error.split('\n')[0]!)
  if (status === 'pending') {
    // A pending revision with a row was reverted: the row's time and author are the revert's.
    const reverted = m.appliedAt !== null
    return [
      paint(c, tone, mark),
      c.dim(m.id),
      paint(c, tone, words(status)),
      reverted ? c.dim(timestamp(m.appliedAt!)) : '',
      reverted && m.appliedBy ? c.dim(m.appliedBy) : '',
      '',
      reverted ? c.dim('reverted') : '',
    ]
  }
  return [
    paint(c, tone, mark),
    m.id,
    paint(c, tone, words(status)),
    m.appliedAt ? c.dim(timestamp(m.appliedAt)) : '',
    m.appliedBy ? c.dim(m.appliedBy) : '',
    m.durationMs === null ? '' : c.dim(duration(m.durationMs)),
    notes.length > 0 ? paint(c, status === 'failed' ? 'bad' : 'warn', notes.join(' · ')) : '',
  ]
}

function lockLine(lock: StatusResult['lock'], c: ColorFns): string {
  if (lock === null) return c.dim('free')
  const who = lock.host
    ? `plumbline on ${lock.host}${lock.pid === null ? '' : ` (pid ${lock.pid})`}`
    : lock.description
  return c.yellow(`held by ${who}${lock.since ? ` since ${timestamp(lock.since)}` : ''}`)
}
