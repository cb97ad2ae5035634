import type { Command } from 'commander'
import { baseline } from '../../engine/baseline.js'
import { openSession, type Session } from '../../engine/session.js'
import { exitCodeFor } from '../../errors/codes.js'
import type { PlumblineError } from '../../errors/plumbline-error.js'
import type { Plan } from '../../plan/plan.js'
import type { CommandContext } from '../context.js'
import { planJson } from '../render/json.js'
import { renderPlan } from '../render/plan-report.js'
import { createProgressView } from '../render/progress.js'
import { renderError } from '../render-error.js'

interface BaselineOptions {
  readonly revision?: string
  readonly force?: boolean
  readonly dryRun?: boolean
}

/** `baseline [--revision <id>] [--force] [--dry-run]`: records revisions as applied without running them. */
export function registerBaseline(
  program: Command,
  run: (fn: (ctx: CommandContext) => Promise<number>) => void,
): void {
  program
    .command('baseline')
    .description(
      'record migrations up to a revision as applied without running them, when the schema matches',
    )
    .option('--revision <id>', 'the last revision to record (default: the last migration)')
    .option(
      '--force',
      'record it although the live schema does not match (asks first; the differences are audited)',
    )
    .option('--dry-run', 'print what would be recorded; write nothing at all')
    .addHelpText(
      'after',
      `
For a database whose schema was built before plumbline managed it. baseline compares the live
schema with the schema the revision must produce, and refuses (exit 3) when they differ,
naming every difference; --force records it anyway, after asking, and writes the differences
to the audit log.

Exit codes: 0 recorded · 1 the state needs recover · 2 usage, configuration, --yes missing ·
            3 the live schema does not match the revision

Examples:
  $ plumbline baseline --dry-run
  $ plumbline baseline --revision 0004_users_timezone
  $ plumbline baseline --revision 0004_users_timezone --force --yes`,
    )
    .action((opts: BaselineOptions) => run((ctx) => baselineCommand(ctx, opts)))
}

async function baselineCommand(ctx: CommandContext, opts: BaselineOptions): Promise<number> {
  const view = createProgressView(ctx.out, { tty: ctx.stderrIsTTY && !ctx.out.json })
  const session = await openSession(
    await ctx.sessionOptions({ create: true, dryRun: opts.dryRun === true, onReplay: view.onReplay }),
  )
  try {
    return await baselineInSession(ctx, session, opts, view.stop)
  } finally {
    view.stop()
    await session.close()
  }
}

async function baselineInSession(
  ctx: CommandContext,
  session: Session,
  opts: BaselineOptions,
  stopProgress: () => void,
): Promise<number> {
  const { out } = ctx
  const revision = opts.revision ?? session.migrations.at(-1)?.id
  const chosen = opts.revision === undefined ? {} : { revision: opts.revision }
  const lockTimeoutMs = ctx.lockTimeoutMs()
  // Checked without --force first: --force needs a yes only when it overrides a real difference.
  const check = await baseline(session, { ...chosen, dryRun: true })
  stopProgress()
  const overriding = opts.force === true && check.error?.code === 'BASELINE_REFUSED'
  if (opts.dryRun) {
    const result = overriding ? await baseline(session, { ...chosen, force: true, dryRun: true }) : check
    return report(ctx, { ...result, revision, dryRun: true })
  }
  if (!check.ok && !overriding) return report(ctx, { ...check, revision, dryRun: false })
  if (overriding) {
    if (!out.json) {
      const differences = (check.error?.details?.differences as ReadonlyArray<string> | undefined) ?? []
      out.log(
        [
          `${out.color.yellow('--force')}: the live schema does not match ${revision}; recording it anyway overrides:`,
          ...differences.map((d) => `  - ${d}`),
        ].join('\n'),
      )
    }
    const yes = await ctx.confirm({
      question: `Record ${revision} as applied although the live schema does not match it?`,
      action: `baseline --force would record ${revision} as applied over the differences listed`,
      dryRun: `plumbline baseline${opts.revision ? ` --revision ${opts.revision}` : ''} --force --dry-run`,
    })
    if (!yes) {
      out.log('cancelled: nothing was recorded')
      return 1
    }
  }
  const result = await baseline(session, { ...chosen, force: overriding, lockTimeoutMs })
  return report(ctx, { ...result, revision, dryRun: false })
}

function report(
  ctx: CommandContext,
  result: {
    readonly ok: boolean
    readonly plan: Plan
    readonly error?: PlumblineError
    readonly revision: string | undefined
    readonly dryRun: boolean
  },
): number {
  const { out } = ctx
  const code = result.ok ? 0 : result.error ? exitCodeFor(result.error.code) : 1
  const recorded = result.plan.steps.flatMap((s) => (s.action === 'record_applied' ? s.revisions : []))
  if (out.json) {
    out.document({
      ok: result.ok,
      revision: result.revision ?? null,
      recorded: result.ok ? recorded : [],
      ...(result.dryRun ? { dryRun: true } : {}),
      plan: planJson(result.plan),
      ...(result.error ? { error: result.error.toJSON() } : {}),
    })
    return code
  }
  const c = out.stdoutColor
  if (result.ok) {
    const lines = result.dryRun
      ? [`${c.bold('dry run')}: nothing was written`, '', ...renderPlan(result.plan, c)]
      : []
    if (!result.dryRun)
      lines.push(
        recorded.length > 0
          ? `recorded ${recorded.join(', ')} as applied (baseline at ${result.revision})`
          : `nothing to record: ${result.revision} and every revision before it are recorded already`,
      )
    out.result(lines.join('\n'))
    return 0
  }
  return result.error ? renderError(result.error, out, ctx.options.debug === true) : code
}
