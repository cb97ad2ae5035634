import { confirm, isCancel } from '@clack/prompts'
import { type Command, InvalidArgumentError } from 'commander'
import type { Connection, Dialect } from '../../dialects/dialect.js'
import { open } from '../../dialects/registry.js'
import { PlumblineError } from '../../errors/plumbline-error.js'
import { createProgressView } from '../../integrity/backfill-progress.js'
import { MAX_BATCH_SIZE, type ResolvedBackfill } from '../../integrity/backfill-spec.js'
import { type IntegrityConfig, resolveIntegrityConfig } from '../../integrity/integrity-config.js'
import { planBackfill } from '../../integrity/plan-backfill.js'
import { renderBackfillPlan, renderBackfillResult } from '../../integrity/render-backfill.js'
import { runBackfill } from '../../integrity/run-backfill.js'
import type { CommandContext } from '../context.js'
import { onInterrupt } from '../interrupt.js'

/** The options of `backfill` itself; `--yes` and `--json` are global. */
interface BackfillOptions {
  readonly dryRun?: boolean
  readonly batchSize?: number
  readonly resume?: boolean
  readonly restart?: boolean
}

/**
 * `backfill <name> [--dry-run] [--batch-size <n>] [--resume] [--restart]`: a batched, resumable
 * repair (contract §4, §9). It writes user data, so without a terminal it needs `--yes`.
 */
export function registerBackfill(
  program: Command,
  run: (fn: (ctx: CommandContext) => Promise<number>) => void,
): void {
  program
    .command('backfill')
    .description('run a batched, resumable repair from the config, then its verify checks')
    .argument('<name>', 'the backfill to run')
    .option('--dry-run', 'count the rows and batches and print the first batch, writing nothing')
    .option(
      '--batch-size <n>',
      'rows of the batched table per batch (default: the config, then 1000)',
      batchSize,
    )
    .option('--resume', 'continue an unfinished run after its last committed batch')
    .option('--restart', 'discard an unfinished run and start from the first row')
    .addHelpText(
      'after',
      `
Each batch is one transaction that also records the batch in plumbline_backfills. Ctrl-C
finishes the batch under way and stops; --resume continues from there. A second Ctrl-C stops
at once (the batch under way rolls back).

Exit codes: 0 done and verified · 1 interrupted, failed (resumable) or a verify check failed ·
            2 usage, configuration or --yes missing · 3 an unfinished run needs --resume or --restart

Examples:
  $ plumbline backfill points-log-from-daily-stats --dry-run
  $ plumbline backfill points-log-from-daily-stats --yes
  $ plumbline backfill points-log-from-daily-stats --resume --batch-size 5000 --yes`,
    )
    .action((name: string, opts: BackfillOptions) => run((ctx) => backfillCommand(ctx, name, opts)))
}

function batchSize(value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_BATCH_SIZE) {
    throw new InvalidArgumentError(`must be an integer from 1 to ${MAX_BATCH_SIZE}`)
  }
  return n
}

async function backfillCommand(ctx: CommandContext, name: string, opts: BackfillOptions): Promise<number> {
  const integrity = resolveIntegrityConfig((await ctx.config()).config)
  const backfill = integrity.backfills.get(name)
  if (backfill === undefined) {
    const known = [...integrity.backfills.keys()]
    throw new PlumblineError({
      code: 'BACKFILL_UNKNOWN',
      message: `no backfill named ${JSON.stringify(name)} in the config`,
      hint:
        known.length === 0
          ? 'the config defines no backfills; add them under `backfills`'
          : `defined backfills: ${known.join(', ')}`,
    })
  }
  if (opts.resume && opts.restart) {
    throw new PlumblineError({
      code: 'USAGE',
      message: '--resume and --restart contradict each other',
      hint: '--resume continues the previous run; --restart starts again from the first row',
    })
  }
  if (!opts.dryRun && !ctx.options.yes && !ctx.interactive) {
    throw new PlumblineError({
      code: 'CONFIRMATION_REQUIRED',
      message: `backfill ${name} writes to the database and plumbline may not ask for confirmation here`,
      hint: `read what it would do with \`plumbline backfill ${name} --dry-run\`, then re-run with --yes`,
    })
  }
  const { dialect, conn } = await open(await ctx.target())
  try {
    const choice = { resume: opts.resume, restart: opts.restart, batchSize: opts.batchSize }
    if (opts.dryRun || !ctx.options.yes) {
      const plan = await planBackfill(conn, dialect, backfill, choice)
      if (opts.dryRun) {
        if (ctx.out.json) ctx.out.document({ dryRun: true, ...plan })
        else ctx.out.result(renderBackfillPlan(plan, ctx.out.stdoutColor))
        return 0
      }
      ctx.out.log(
        renderBackfillPlan(plan, ctx.out.color).replace('dry run: nothing was written', 'about to run'),
      )
      const answer = await confirm({
        message: `Run backfill ${name}?`,
        initialValue: false,
        output: process.stderr,
      })
      if (isCancel(answer) || !answer) {
        ctx.out.log('cancelled: nothing was written')
        return 1
      }
    }
    return await execute(ctx, conn, dialect, backfill, integrity, opts)
  } finally {
    await conn.close()
  }
}

async function execute(
  ctx: CommandContext,
  conn: Connection,
  dialect: Dialect,
  backfill: ResolvedBackfill,
  integrity: IntegrityConfig,
  opts: BackfillOptions,
): Promise<number> {
  const view = createProgressView(ctx.out, { tty: !ctx.out.json && process.stderr.isTTY === true })
  // The first Ctrl-C lets the batch under way commit, then stops cleanly (resumable).
  const interrupt = onInterrupt(ctx.out, 'the batch under way')
  try {
    const result = await runBackfill(conn, dialect, backfill, {
      resume: opts.resume,
      restart: opts.restart,
      batchSize: opts.batchSize,
      signal: interrupt.signal,
      checks: integrity.checks,
      onStart: (s) => view.start(s),
      onBatch: (p) => view.batch(p),
    })
    view.end()
    if (ctx.out.json) ctx.out.document(result)
    else ctx.out.result(renderBackfillResult(result, ctx.out.stdoutColor))
    return result.status === 'interrupted' || (result.verify?.failed ?? 0) > 0 ? 1 : 0
  } finally {
    interrupt.release()
  }
}
