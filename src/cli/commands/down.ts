import { type Command, InvalidArgumentError } from 'commander'
import { revert } from '../../engine/revert.js'
import { openSession, type Session } from '../../engine/session.js'
import { exitCodeFor } from '../../errors/codes.js'
import { PlumblineError } from '../../errors/plumbline-error.js'
import type { CommandContext } from '../context.js'
import { interruptible, type Stoppable } from '../interrupt.js'
import { renderApplied } from '../render/applied-report.js'
import { plural } from '../render/format.js'
import { appliedJson, planJson } from '../render/json.js'
import { renderPlan } from '../render/plan-report.js'
import { createProgressView } from '../render/progress.js'
import { renderError } from '../render-error.js'

interface DownOptions {
  readonly to?: string
  readonly steps?: number
  readonly dryRun?: boolean
}

/** `down [--to <id> | --steps <n>] [--dry-run]`: runs down sections, verified (contract §4). */
export function registerDown(
  program: Command,
  run: (fn: (ctx: CommandContext) => Promise<number>) => void,
): void {
  program
    .command('down')
    .description('revert applied migrations with their down sections, newest first, each verified')
    .option('--to <id>', 'revert every migration after this one (it stays applied)')
    .option('--steps <n>', 'revert the last n migrations (default: 1)', positiveInteger)
    .option('--dry-run', 'print the plan with its SQL; write nothing at all')
    .addHelpText(
      'after',
      `
A down section may drop tables and the data in them, so down shows its SQL and asks first;
without a terminal (or with --json, or CI=true) it needs --yes.

Exit codes: 0 reverted, or nothing to revert · 1 a down section failed, the state needs recover,
            or it was stopped (Ctrl-C) ·
            2 usage, --yes missing, a migration without a down section · 3 a human decision is needed

Examples:
  $ plumbline down --dry-run
  $ plumbline down --steps 2
  $ plumbline down --to 0001_init --yes`,
    )
    .action((opts: DownOptions) => run((ctx) => downCommand(ctx, opts)))
}

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number ≥ 1')
  return Number(value)
}

async function downCommand(ctx: CommandContext, opts: DownOptions): Promise<number> {
  // The first Ctrl-C stops after the migration under way, which finishes and is recorded.
  return interruptible(ctx.out, 'the migration under way', opts.dryRun === true, (stop) =>
    downRun(ctx, opts, stop),
  )
}

async function downRun(ctx: CommandContext, opts: DownOptions, stop: Stoppable): Promise<number> {
  const { out } = ctx
  if (opts.to !== undefined && opts.steps !== undefined) {
    throw new PlumblineError({
      code: 'USAGE',
      message: '--to and --steps cannot be given together',
      hint: '--to <id> keeps <id> applied and reverts what follows it; --steps <n> reverts the last n',
    })
  }
  const view = createProgressView(out, { tty: ctx.stderrIsTTY && !out.json })
  const session = await openSession(
    await ctx.sessionOptions({
      dryRun: opts.dryRun === true,
      onProgress: stop.follow(view.onProgress),
      onReplay: view.onReplay,
      signal: stop.signal,
    }),
  )
  try {
    return await downInSession(ctx, session, opts, view.stop)
  } finally {
    view.stop()
    await session.close()
  }
}

async function downInSession(
  ctx: CommandContext,
  session: Session,
  opts: DownOptions,
  stopProgress: () => void,
): Promise<number> {
  const { out } = ctx
  const target = {
    ...(opts.to === undefined ? {} : { to: opts.to }),
    ...(opts.steps === undefined ? {} : { steps: opts.steps }),
  }
  // The plan is read first, without the lock: it is what the reader confirms.
  const preview = await revert(session, { ...target, dryRun: true })
  stopProgress()
  if (opts.dryRun || !preview.ok || preview.plan.steps.length === 0) {
    return report(ctx, { ...preview, dryRun: opts.dryRun === true })
  }
  const revisions = preview.plan.steps.flatMap((s) => ('revision' in s ? [s.revision] : []))
  if (!ctx.options.yes && !out.json) out.log(renderPlan(preview.plan, out.color, 'down will run').join('\n'))
  const yes = await ctx.confirm({
    question: `Revert ${plural(revisions.length, 'migration')} (${revisions.join(', ')})? Their down sections may drop data.`,
    action: `down would revert ${revisions.join(', ')}`,
    dryRun: `plumbline down${opts.to ? ` --to ${opts.to}` : ''}${opts.steps ? ` --steps ${opts.steps}` : ''} --dry-run`,
  })
  if (!yes) {
    out.log('cancelled: nothing was changed')
    return 1
  }
  const result = await revert(session, { ...target, lockTimeoutMs: ctx.lockTimeoutMs() })
  return report(ctx, { ...result, dryRun: false })
}

function report(
  ctx: CommandContext,
  result: Awaited<ReturnType<typeof revert>> & { readonly dryRun: boolean },
): number {
  const { out } = ctx
  const code = result.ok ? 0 : result.error ? exitCodeFor(result.error.code) : 1
  if (out.json) {
    out.document({
      ok: result.ok,
      reverted: appliedJson(result.reverted),
      ...(result.dryRun ? { dryRun: true, plan: planJson(result.plan) } : {}),
      ...(result.error ? { error: result.error.toJSON() } : {}),
    })
    return code
  }
  const c = out.stdoutColor
  if (result.dryRun && result.ok) {
    out.result([`${c.bold('dry run')}: nothing was written`, '', ...renderPlan(result.plan, c)].join('\n'))
    return 0
  }
  if (result.reverted.length > 0) out.result(renderApplied(result.reverted, 'reverted', c).join('\n'))
  else if (result.ok) out.result('nothing to revert')
  return result.error ? renderError(result.error, out, ctx.options.debug === true) : code
}
