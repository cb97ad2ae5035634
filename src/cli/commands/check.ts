import type { Command } from 'commander'
import { open } from '../../dialects/registry.js'
import { resolveIntegrityConfig, selectChecks } from '../../integrity/integrity-config.js'
import { renderCheckReport } from '../../integrity/render-check-report.js'
import { runChecks } from '../../integrity/run-checks.js'
import type { CommandContext } from '../context.js'

/** `check [--json] [<name>…]`: data-integrity checks (contract §4, §9); exit 1 when any fails. */
export function registerCheck(
  program: Command,
  run: (fn: (ctx: CommandContext) => Promise<number>) => void,
): void {
  program
    .command('check')
    .description('run the data-integrity checks of the config; exit 1 when any fails')
    .argument('[names...]', 'checks to run, by name (default: all)')
    .addHelpText(
      'after',
      `
Every check runs in one read-only snapshot of the database; a check that a constraint
guarantees passes without reading the table (reported as proven).

Examples:
  $ plumbline check
  $ plumbline check points-log-matches-daily-stats --json`,
    )
    .action((names: string[]) => run((ctx) => checkCommand(ctx, names)))
}

async function checkCommand(ctx: CommandContext, names: ReadonlyArray<string>): Promise<number> {
  const { config } = await ctx.config()
  const checks = selectChecks(resolveIntegrityConfig(config), names)
  if (checks.length === 0) {
    if (ctx.out.json) ctx.out.document({ checks: [], failed: 0 })
    else ctx.out.result(renderCheckReport({ checks: [], failed: 0 }, ctx.out.stdoutColor))
    return 0
  }
  const { dialect, conn } = await open(await ctx.target())
  try {
    const report = await runChecks(conn, dialect, checks)
    if (ctx.out.json) ctx.out.document(report)
    else ctx.out.result(renderCheckReport(report, ctx.out.stdoutColor))
    return report.failed > 0 ? 1 : 0
  } finally {
    await conn.close()
  }
}
