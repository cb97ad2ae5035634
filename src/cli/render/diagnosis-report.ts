import type { Plan } from '../../plan/plan.js'
import type { Diagnosis, Inference, Problem } from '../../state/diagnosis.js'
import { outOfOrderFix } from '../../state/late-merge.js'
import type { ColorFns } from '../output.js'
import { plural, timestamp, words } from './format.js'
import { nextStep } from './next-step.js'
import { paint, stateTone } from './paint.js'
import { renderPlan } from './plan-report.js'
import { observedStatus, statusMarker } from './revision-status.js'
import { alignColumns } from './table.js'

/** Where the diagnosed database is, for the report's first line. */
export interface DatabaseLabel {
  readonly where: string
}

const SHORT_LIST = 8

/** `diagnose` by default: state, strategy, a short problem list, the next command. */
export function renderDiagnosisSummary(
  diagnosis: Diagnosis,
  plan: Plan,
  database: DatabaseLabel,
  c: ColorFns,
): string {
  const lines = header(diagnosis, database, c)
  const errors = diagnosis.problems.filter((p) => p.severity === 'error')
  const warnings = diagnosis.problems.filter((p) => p.severity === 'warning')
  if (errors.length > 0) {
    lines.push('', c.bold(`problems (${errors.length})`))
    for (const p of errors.slice(0, SHORT_LIST)) lines.push(`  ${problemLine(p, c)}`)
    if (errors.length > SHORT_LIST)
      lines.push(c.dim(`  … and ${errors.length - SHORT_LIST} more: plumbline diagnose --detailed`))
  }
  if (warnings.length > 0) {
    lines.push(
      '',
      `${c.yellow(plural(warnings.length, 'warning'))} ${c.dim(`(${[...new Set(warnings.map((w) => w.code))].join(', ')}): plumbline diagnose --detailed`)}`,
    )
  }
  if (plan.blockers.length > 0) {
    lines.push('', `${c.red(c.bold('blocked'))}: a human must decide`)
    for (const b of plan.blockers) lines.push(`  - ${b.message}`)
  } else if (plan.steps.length > 0) {
    lines.push('', `${c.bold('plan')}     ${plan.steps.map((s) => words(s.action)).join(' → ')}`)
  }
  const next = nextStep(diagnosis.state, diagnosis.strategy, outOfOrderFix(diagnosis))
  lines.push('', `${c.bold('next')}     ${next ?? 'nothing to do'}`)
  return lines.join('\n')
}

/**
 * `diagnose --detailed`: the revision timeline with missing-object counts, tables of missing,
 * changed and extra objects with their expected and actual definitions, the inferred revision
 * and how exact it is, every other problem, and the plan with its SQL.
 */
export function renderDiagnosisDetailed(
  diagnosis: Diagnosis,
  plan: Plan,
  database: DatabaseLabel,
  c: ColorFns,
): string {
  const lines = header(diagnosis, database, c)

  lines.push('', c.bold('timeline'))
  if (diagnosis.timeline.length === 0) lines.push(c.dim('  no migrations'))
  lines.push(
    ...alignColumns(
      diagnosis.timeline.map((line) => {
        const status = observedStatus(line)
        const { mark, tone } = statusMarker(status)
        const missing =
          line.missingObjects > 0
            ? `${line.missingObjects} of ${plural(line.ownedObjects, 'object')} missing`
            : ''
        const stopped =
          line.row &&
          (status === 'failed' || line.row.status === 'partial') &&
          line.row.statementsTotal !== null
            ? `${line.row.statementsDone ?? 0}/${line.row.statementsTotal} statements`
            : ''
        return [
          paint(c, tone, mark),
          line.id,
          paint(c, tone, words(status)),
          line.row ? c.dim(timestamp(line.row.appliedAt)) : '',
          paint(c, 'warn', [missing, stopped].filter(Boolean).join(' · ')),
        ]
      }),
      '  ',
    ),
  )

  const byKind = (codes: ReadonlyArray<string>) => diagnosis.problems.filter((p) => codes.includes(p.code))
  const missing = byKind(['MISSING_OBJECT'])
  const changed = byKind(['CHANGED_OBJECT', 'MISSING_CHANGE'])
  const extra = byKind(['EXTRA_OBJECT'])
  objectSection(lines, `missing objects (${missing.length})`, missing, c, { expected: true, actual: false })
  objectSection(lines, `changed objects (${changed.length})`, changed, c, { expected: true, actual: true })
  objectSection(lines, `extra objects (${extra.length})`, extra, c, { expected: false, actual: true })

  const shown = new Set([...missing, ...changed, ...extra])
  const others = diagnosis.problems.filter((p) => !shown.has(p))
  if (others.length > 0) {
    lines.push('', c.bold(`other problems (${others.length})`))
    for (const p of others) lines.push(`  ${problemLine(p, c)}`)
  }

  lines.push('', ...renderPlan(plan, c))
  const next = nextStep(diagnosis.state, diagnosis.strategy, outOfOrderFix(diagnosis))
  lines.push('', `${c.bold('next')}     ${next ?? 'nothing to do'}`)
  return lines.join('\n')
}

function header(diagnosis: Diagnosis, database: DatabaseLabel, c: ColorFns): string[] {
  const tone = stateTone(diagnosis.state, diagnosis.strategy)
  return [
    `${c.bold(diagnosis.dialect)} ${c.dim(database.where)}`,
    '',
    `${c.bold('state')}    ${paint(c, tone, c.bold(words(diagnosis.state)))}`,
    `${c.bold('strategy')} ${words(diagnosis.strategy)}`,
    `${c.bold('tracked')}  ${diagnosis.tracked.revision ?? c.dim('nothing')} ${c.dim(`· head ${diagnosis.head ?? 'none'}`)}${
      diagnosis.pending.length > 0 ? c.dim(` · ${diagnosis.pending.length} pending`) : ''
    }`,
    `${c.bold('schema')}   ${inferenceLine(diagnosis.inferred, c)}`,
  ]
}

/** What revision the live schema is really at, and how sure that is. */
function inferenceLine(inferred: Inference | null, c: ColorFns): string {
  if (inferred === null) return c.dim('empty, and no migration to compare with')
  const at = inferred.revision ?? 'the state before the first migration'
  if (inferred.exact) {
    const also =
      inferred.alsoExact.length > 0
        ? c.dim(` (also ${inferred.alsoExact.map((r) => r ?? 'empty').join(', ')})`)
        : ''
    return `matches ${c.green(at)} exactly${also}`
  }
  return `nearest to ${c.yellow(at)}, ${plural(inferred.distance, 'object')} missing or different`
}

function problemLine(p: Problem, c: ColorFns): string {
  const mark = p.severity === 'error' ? c.red('✗') : c.yellow('!')
  return `${mark} ${p.message.split('\n').join('\n    ')} ${c.dim(`[${p.code}]`)}`
}

function objectSection(
  lines: string[],
  title: string,
  problems: ReadonlyArray<Problem>,
  c: ColorFns,
  show: { readonly expected: boolean; readonly actual: boolean },
): void {
  if (problems.length === 0) return
  lines.push('', c.bold(title))
  for (const p of problems) {
    const o = p.object
    const name = o
      ? `${o.kind.replace(/_/g, ' ')} ${c.bold(o.schema ? `${o.schema}.${o.name}` : o.name)}${o.table ? ` on ${o.table}` : ''}`
      : p.message
    lines.push(
      `  ${p.severity === 'error' ? c.red('✗') : c.yellow('!')} ${name}${p.revision ? c.dim(` · ${p.revision}`) : ''}`,
    )
    if (show.expected) lines.push(definition('expected', p.expected, c))
    if (show.actual) lines.push(definition('actual  ', p.actual, c))
  }
}

function definition(label: string, text: string | null | undefined, c: ColorFns): string {
  const body =
    text === null || text === undefined || text === ''
      ? c.dim('(none)')
      : text.split('\n').join('\n              ')
  return `    ${c.dim(`${label}:`)} ${body}`
}
