import type { Command } from 'commander'
import { migrate } from '../../engine/migrate.js'
import { openSession } from '../../engine/session.js'
import { exitCodeFor } from '../../errors/codes.js'
import type { CommandContext } from '../context.js'
import { interruptible } from '../interrupt.js'
import { renderApplied } from '../render/applied-report.js'
import { plural, words } from '../render/format.js'
import { appliedJson, planJson } from '../render/json.js'
import { renderPlan } from '../render/plan-report.js'
import { createProgressView } from '../render/progress.js'
import { renderError } from '../render-error.js'

interface UpOptions {
  readonly to?: string
  readonly dryRun?: boolean
  readonly outOfOrder?: boolean
}

/**
 * `up [--to <id>] [--dry-run] [--out-of-order]`: applies pending migrations, each verified
 * (contract §4).
 */
export function registerUp(
  program: Command,
  run: (fn: (ctx: CommandContext) => Promise<number>) => void,
): void {
  program
    .command('up')
    .description('apply pending migrations, each verified against the schema it must produce')
    .option('--to <id>', 'apply up to and including this migration')
    .option('--dry-run', 'print the plan with its SQL; write nothing at all')
    .option(
      '--out-of-order',
      'also apply migrations merged with a version older than ones already applied, where they stand',
    )
    .addHelpText(
      'after',
      `
A migration's tracking row is written only once the database shows its effect. up refuses,
changing nothing, when the database is not fresh, healthy or pending (see plumbline diagnose),
or when a pending migration does not fit the live schema.

A migration merged after later ones were applied (OUT_OF_ORDER) is refused unless
--out-of-order: then it is applied before the pending ones, verified as any other, and the
whole schema is diagnosed at the end.

Ctrl-C (or SIGTERM) stops after the migration under way, which is recorded; a second one at once.

Exit codes: 0 applied, or nothing to apply · 1 a migration failed, the state needs recover, or
            it was stopped · 2 usage, configuration or connection (also lost mid-run) ·
            3 a human decision is needed

Examples:
  $ plumbline up --dry-run
  $ plumbline up --url sqlite:app.db
  $ plumbline up --to 0003_points_log --json
  $ plumbline up --out-of-order --dry-run`,
    )
    .action((opts: UpOptions) => run((ctx) => upCommand(ctx, opts)))
}

async function upCommand(ctx: CommandContext, opts: UpOptions): Promise<number> {
  const { out } = ctx
  const view = createProgressView(out, { tty: ctx.stderrIsTTY && !out.json })
  // The first Ctrl-C stops after the migration under way, which is verified and recorded.
  const result = await interruptible(out, 'the migration under way', opts.dryRun === true, (stop) =>
    migrateIn(ctx, opts, { ...view, onProgress: stop.follow(view.onProgress) }, stop.signal),
  )
  const code = result.ok ? 0 : result.error ? exitCodeFor(result.error.code) : 1
  if (out.json) {
    out.document({
      ok: result.ok,
      state: result.state,
      applied: appliedJson(result.applied),
      ...(result.acceptedEdits ? { acceptedEdits: result.acceptedEdits } : {}),
      ...(result.outOfOrder ? { outOfOrder: result.outOfOrder } : {}),
      ...(opts.dryRun ? { dryRun: true, plan: planJson(result.plan) } : {}),
      ...(result.error ? { error: result.error.toJSON() } : {}),
    })
    return code
  }
  const c = out.stdoutColor
  if (opts.dryRun && result.ok) {
    const migrations = result.plan.steps.filter((s) => s.action === 'apply_migration').length
    out.result(
      [
        `${c.bold('dry run')}: nothing was written`,
        `the database is ${words(result.state ?? 'unknown')}; up would apply ${plural(migrations, 'migration')}`,
        '',
        ...renderPlan(result.plan, c),
      ].join('\n'),
    )
    return 0
  }
  for (const revision of result.acceptedEdits ?? [])
    out.result(`accepted the whitespace/comment-only edit of ${revision}: its new checksum is recorded`)
  if (result.applied.length > 0) out.result(renderApplied(result.applied, 'applied', c).join('\n'))
  if (result.outOfOrder && result.outOfOrder.length > 0)
    out.result(`applied out of order, where they stand: ${result.outOfOrder.join(', ')}`)
  if (result.ok && result.applied.length === 0)
    out.result(
      opts.to
        ? `nothing to apply: ${opts.to} is already applied`
        : 'nothing to apply: the database is up to date',
    )
  return result.error ? renderError(result.error, out, ctx.options.debug === true) : code
}

async function migrateIn(
  ctx: CommandContext,
  opts: UpOptions,
  view: ReturnType<typeof createProgressView>,
  signal: AbortSignal,
): Promise<Awaited<ReturnType<typeof migrate>>> {
  const session = await openSession(
    await ctx.sessionOptions({
      create: true,
      dryRun: opts.dryRun === true,
      onProgress: view.onProgress,
      onReplay: view.onReplay,
      signal,
    }),
  )
  try {
    return await migrate(session, {
      ...(opts.to === undefined ? {} : { to: opts.to }),
      dryRun: opts.dryRun === true,
      ...(opts.outOfOrder ? { outOfOrder: true } : {}),
      lockTimeoutMs: ctx.lockTimeoutMs(),
    }).finally(() => view.stop())
  } finally {
    await session.close()
  }
}
