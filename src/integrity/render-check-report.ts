import type { ColorFns } from '../cli/output.js'
import type { CheckReport, CheckResult, CheckStatus } from './check-result.js'
import { cell, table } from './render-table.js'

const MARK: Record<CheckStatus, string> = { pass: '✔', fail: '✘', warn: '!', error: '?' }

/**
 * A check report for a reader: one line per check (status, name, violations, and what proves
 * or broke it), then the samples of every check that found violations, then a summary line.
 */
export function renderCheckReport(report: CheckReport, c: ColorFns): string {
  if (report.checks.length === 0) return 'no checks are defined: add them under `checks` in plumbline.config'
  const paintStatus = (status: CheckStatus, text: string) =>
    status === 'pass' ? c.green(text) : status === 'warn' ? c.yellow(text) : c.red(text)
  const rows = report.checks.map((r) => [
    `${MARK[r.status]} ${r.status}`,
    r.name,
    r.violations === null ? '-' : String(r.violations),
    note(r),
  ])
  const lines = table(['status', 'check', 'violations', ''], rows, (text, row, column) => {
    if (row < 0) return c.dim(text)
    const result = report.checks[row]!
    if (column === 0) return paintStatus(result.status, text)
    if (column === 3) return c.dim(text)
    return text
  })
  for (const r of report.checks) {
    if (r.samples.length === 0) continue
    const columns = [...new Set(r.samples.flatMap((s) => Object.keys(s)))]
    lines.push('', `${c.bold(r.name)} ${c.dim(`— ${samplesTitle(r)}`)}`)
    lines.push(
      ...table(
        columns,
        r.samples.map((s) => columns.map((k) => cell(s[k]))),
        (t, row) => (row < 0 ? c.dim(t) : t),
        '  ',
      ),
    )
  }
  const warned = report.checks.filter((r) => r.status === 'warn').length
  const n = report.checks.length
  const summary =
    report.failed === 0
      ? c.green(
          `${n === 1 ? 'the check' : `all ${n} checks`} passed${warned > 0 ? ` (${warned} with warnings)` : ''}`,
        )
      : c.red(
          `${report.failed} of ${n} check${n === 1 ? '' : 's'} failed${warned > 0 ? `, ${warned} warned` : ''}`,
        )
  lines.push('', summary)
  return lines.join('\n')
}

function note(r: CheckResult): string {
  if (r.proven) return `proven by ${r.provenBy}`
  if (r.error) return r.error.message
  return r.description ?? ''
}

function samplesTitle(r: CheckResult): string {
  const unit = r.kind === 'reconcile' || r.kind === 'unique' ? 'group' : 'row'
  const total = r.violations ?? 0
  const shown = r.samples.length
  return `${shown === total ? `all ${total}` : `${shown} of ${total}`} violating ${unit}${total === 1 ? '' : 's'}`
}
