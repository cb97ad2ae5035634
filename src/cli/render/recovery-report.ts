import type { BackupResult } from '../../engine/backup.js'
import type { RecoveryRound } from '../../engine/recover.js'
import type { Plan } from '../../plan/plan.js'
import type { Diagnosis } from '../../state/diagnosis.js'
import type { ColorFns } from '../output.js'
import { duration, words } from './format.js'
import { diagnosisJson, planJson } from './json.js'
import { nextStep } from './next-step.js'
import { paint, stateTone } from './paint.js'
import { alignColumns } from './table.js'

/** `recover --json`: `{ ok, rounds: [{ state, strategy, plan, steps }], final, backup }`. */
export function recoveryJson(input: {
  readonly ok: boolean
  readonly rounds: ReadonlyArray<RecoveryRound>
  readonly final: { readonly diagnosis: Diagnosis; readonly plan: Plan } | null
  readonly backup: BackupResult | null
}): Record<string, unknown> {
  return {
    ok: input.ok,
    rounds: input.rounds.map((round) => ({
      state: round.diagnosis.state,
      strategy: round.diagnosis.strategy,
      plan: planJson(round.plan),
      steps: (round.outcome?.steps ?? []).map((s) => ({
        action: s.step.action,
        revision: 'revision' in s.step ? s.step.revision : null,
        status: s.status,
        ms: Math.round(s.ms),
      })),
    })),
    final: input.final ? diagnosisJson(input.final.diagnosis, input.final.plan) : null,
    backup: input.backup,
  }
}

/** What each round found and ran, the backup, and where the database ended. */
export function renderRecovery(
  rounds: ReadonlyArray<RecoveryRound>,
  final: Diagnosis | null,
  backup: BackupResult | null,
  c: ColorFns,
): string {
  const lines: string[] = []
  if (backup)
    lines.push(
      'path' in backup
        ? `${c.bold('backup')}   ${backup.path}`
        : `${c.bold('backup')}   ${c.yellow(`none: ${backup.skipped}`)}`,
    )
  for (const [i, round] of rounds.entries()) {
    const d = round.diagnosis
    lines.push(
      `${c.bold(`round ${i + 1}`)}  ${paint(c, stateTone(d.state, d.strategy), words(d.state))} ${c.dim(`→ ${words(d.strategy)}`)}`,
    )
    const steps = round.outcome?.steps ?? []
    if (steps.length === 0) lines.push(c.dim('  nothing ran'))
    lines.push(
      ...alignColumns(
        steps.map((s) => [
          s.status === 'failed' ? c.red('✗') : s.status === 'skipped' ? c.yellow('-') : c.green('✓'),
          words(s.step.action),
          'revision' in s.step ? s.step.revision : '',
          c.dim(duration(s.ms)),
        ]),
        '  ',
      ),
    )
  }
  if (final) {
    const tone = stateTone(final.state, final.strategy)
    lines.push(`${c.bold('final')}    the database is ${paint(c, tone, c.bold(words(final.state)))}`)
    const next = nextStep(final.state, final.strategy)
    if (next) lines.push(`${c.bold('next')}     ${next}`)
  }
  return lines.join('\n')
}
