import { resolve } from 'node:path'
import { type Command, Option } from 'commander'
import type { BackupMode } from '../../engine/backup.js'
import { diagnoseSession } from '../../engine/diagnose.js'
import { type RecoverOptions, type RecoverResult, recover } from '../../engine/recover.js'
import { openSession, type Session } from '../../engine/session.js'
import { exitCodeFor } from '../../errors/codes.js'
import { PlumblineError } from '../../errors/plumbline-error.js'
import type { Plan, PlanStep } from '../../plan/plan.js'
import type { Diagnosis } from '../../state/diagnosis.js'
import type { CommandContext } from '../context.js'
import { interruptible, type Stoppable } from '../interrupt.js'
import { plural, words } from '../render/format.js'
import { renderPlan, statement } from '../render/plan-report.js'
import { createProgressView } from '../render/progress.js'
import { recoveryJson, renderRecovery } from '../render/recovery-report.js'
import { stateExitCode } from '../render/state-exit-code.js'
import { renderError } from '../render-error.js'

interface RecoverCliOptions {
  readonly dryRun?: boolean
  readonly interactive?: boolean
  readonly migrate: boolean
  readonly backup: BackupMode
}

/** `recover [--dry-run] [--interactive] [--no-migrate] [--backup …]`: resolves a broken state (contract §4). */
export function registerRecover(
  program: Command,
  run: (fn: (ctx: CommandContext) => Promise<number>) => void,
): void {
  program
    .command('recover')
    .description(
      'resolve a broken migration state: back up, run the plan, apply pending migrations, diagnose again',
    )
    .option(
      '--dry-run',
      'print the plan with its SQL; write nothing at all (no backup, no lock, no tracking table)',
    )
    .option('--interactive', 'confirm each step, after reading its SQL')
    .option('--no-migrate', 'resolve the state only; leave pending migrations pending')
    .addOption(
      new Option('--backup <mode>', 'back up before writing: auto (when possible), off, or required')
        .choices(['auto', 'off', 'required'])
        .default('auto'),
    )
    .addHelpText(
      'after',
      `
recover never drops a table or a column and never deletes a row. It shows the plan and asks
once before it writes; without a terminal (or with --json, or CI=true) it needs --yes. SQLite
is backed up next to the database file; PostgreSQL and MySQL with pg_dump / mysqldump into
./plumbline-backups when the tool is on PATH.

Exit codes: 0 the database ends healthy · 1 it does not, or a step failed (run recover again) ·
            2 usage, connection, --yes missing, backup impossible · 3 a human decision is needed

Examples:
  $ plumbline recover --dry-run
  $ plumbline recover --interactive
  $ plumbline recover --yes --backup required --json`,
    )
    .action((opts: RecoverCliOptions) => run((ctx) => recoverCommand(ctx, opts)))
}

async function recoverCommand(ctx: CommandContext, opts: RecoverCliOptions): Promise<number> {
  // The first Ctrl-C stops after the step under way, which finishes and is recorded.
  return interruptible(ctx.out, 'the step under way', opts.dryRun === true, (stop) =>
    recoverRun(ctx, opts, stop),
  )
}

async function recoverRun(ctx: CommandContext, opts: RecoverCliOptions, stop: Stoppable): Promise<number> {
  const { out } = ctx
  const view = createProgressView(out, { tty: ctx.stderrIsTTY && !out.json })
  // Without --yes and no terminal to ask on, nothing may be written: a missing SQLite file is
  // not created just to be told that confirmation is required.
  const mayWrite = !opts.dryRun && (ctx.options.yes === true || ctx.interactive)
  const session = await openSession(
    await ctx.sessionOptions({
      create: true,
      dryRun: !mayWrite,
      onProgress: stop.follow(view.onProgress),
      onReplay: view.onReplay,
      signal: stop.signal,
    }),
  )
  try {
    if (opts.dryRun) {
      const preview = await diagnoseSession(session, { migrate: opts.migrate }).finally(() => view.stop())
      return dryRun(ctx, preview.diagnosis, preview.plan)
    }
    if (!mayWrite) {
      const preview = await diagnoseSession(session, { migrate: opts.migrate })
      view.stop()
      if (preview.diagnosis.state === 'healthy') return finish(ctx, session, opts, healthy(preview.diagnosis))
      if (preview.plan.steps.length > 0 && preview.plan.blockers.length === 0) {
        const refusal = confirmationRequired(preview.plan)
        const rounds = [{ diagnosis: preview.diagnosis, plan: preview.plan }]
        const result = { ok: false, rounds, final: preview.diagnosis, backup: null, error: refusal }
        return finish(ctx, session, opts, result, preview.plan)
      }
    }
    const result = await recover(session, {
      migrate: opts.migrate,
      backup: opts.backup,
      backupDir: resolve(ctx.cwd, 'plumbline-backups'),
      lockTimeoutMs: ctx.lockTimeoutMs(),
      ...confirmations(ctx, opts),
    }).finally(() => view.stop())
    return finish(ctx, session, opts, result)
  } finally {
    view.stop()
    await session.close()
  }
}

/** Asks once for the whole plan, or — with `--interactive` — before every step. */
function confirmations(
  ctx: CommandContext,
  opts: RecoverCliOptions,
): Pick<RecoverOptions, 'confirm' | 'confirmStep'> {
  const { out } = ctx
  if (opts.interactive) {
    if (ctx.options.yes) return {}
    return {
      confirmStep: async (step, index, total) => {
        if (!out.json) out.log(['', ...stepLines(step, index, total, out)].join('\n'))
        return ctx.confirm({
          question: `Run step ${index + 1} of ${total}?`,
          action: `recover would run ${words(step.action)}${'revision' in step ? ` of ${step.revision}` : ''}`,
          dryRun: 'plumbline recover --dry-run',
        })
      },
    }
  }
  let approved = false
  return {
    confirm: async (plan, diagnosis) => {
      if (!out.json) {
        out.log(
          [
            `the database is ${words(diagnosis.state)}: ${words(diagnosis.strategy)}`,
            ...renderPlan(plan, out.color, approved || ctx.options.yes ? 'running' : 'recover will run'),
          ].join('\n'),
        )
      }
      if (approved) return true
      approved = await ctx.confirm({
        question: `Run these ${plural(plan.steps.length, 'step')}? A backup is taken first (--backup ${opts.backup}).`,
        action: `recover would run ${plural(plan.steps.length, 'step')}`,
        dryRun: 'plumbline recover --dry-run',
      })
      return approved
    },
  }
}

function stepLines(step: PlanStep, index: number, total: number, out: CommandContext['out']): string[] {
  const c = out.color
  return [
    `${c.bold(`step ${index + 1}/${total}`)} ${c.cyan(words(step.action))}  ${step.description}`,
    ...step.sql.flatMap((sql) =>
      statement(sql)
        .split('\n')
        .map((line) => `   ${line}`),
    ),
  ]
}

function confirmationRequired(plan: Plan): PlumblineError {
  return new PlumblineError({
    code: 'CONFIRMATION_REQUIRED',
    message: `recover would run ${plural(plan.steps.length, 'step')}, and plumbline may not ask for confirmation here (no terminal, --json or CI=true)`,
    hint: 'read the plan with `plumbline recover --dry-run`, then re-run with --yes',
  })
}

function healthy(diagnosis: Diagnosis): RecoverResult {
  return { ok: true, rounds: [], final: diagnosis, backup: null }
}

function dryRun(ctx: CommandContext, diagnosis: Diagnosis, plan: Plan): number {
  const { out } = ctx
  const code = stateExitCode(diagnosis.state, diagnosis.strategy)
  if (out.json) {
    out.document({
      dryRun: true,
      ...recoveryJson({
        ok: diagnosis.state === 'healthy',
        rounds: [{ diagnosis, plan }],
        final: { diagnosis, plan },
        backup: null,
      }),
    })
    return code
  }
  const c = out.stdoutColor
  out.result(
    [
      `${c.bold('dry run')}: nothing was written`,
      `the database is ${c.bold(words(diagnosis.state))}; strategy ${words(diagnosis.strategy)}`,
      '',
      ...renderPlan(plan, c),
      ...(plan.steps.length > 0 && plan.blockers.length === 0
        ? ['', `run it with \`plumbline recover\` (asks first) or \`plumbline recover --yes\``]
        : []),
    ].join('\n'),
  )
  return code
}

async function finish(
  ctx: CommandContext,
  session: Session,
  opts: RecoverCliOptions,
  result: RecoverResult,
  finalPlan?: Plan,
): Promise<number> {
  const { out } = ctx
  let final: { diagnosis: Diagnosis; plan: Plan } | null = null
  if (result.final?.state === 'healthy')
    final = { diagnosis: result.final, plan: { steps: [], blockers: [] } }
  else if (result.final && finalPlan) final = { diagnosis: result.final, plan: finalPlan }
  else if (result.final) {
    // The final diagnosis again, with the plan that would resolve what is left.
    final = await diagnoseSession(session, { migrate: opts.migrate }).catch(() => null)
  }
  const code = result.ok
    ? 0
    : result.error
      ? exitCodeFor(result.error.code)
      : final
        ? Math.max(1, stateExitCode(final.diagnosis.state, final.diagnosis.strategy))
        : 1
  if (out.json) {
    out.document({
      ...recoveryJson({ ok: result.ok, rounds: result.rounds, final, backup: result.backup }),
      ...(result.error ? { error: result.error.toJSON() } : {}),
    })
    return code
  }
  if (result.error?.code === 'CONFIRMATION_REQUIRED' && result.rounds[0]) {
    out.log(renderPlan(result.rounds[0].plan, out.color, 'recover would run').join('\n'))
  } else if (result.rounds.length === 0 && result.ok) {
    out.result('nothing to do: the database is healthy')
  } else {
    out.result(
      renderRecovery(result.rounds, final?.diagnosis ?? result.final, result.backup, out.stdoutColor),
    )
  }
  return result.error ? renderError(result.error, out, ctx.options.debug === true) : code
}
