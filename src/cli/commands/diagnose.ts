import type { Command } from 'commander'
import { diagnoseSession } from '../../engine/diagnose.js'
import { openSession } from '../../engine/session.js'
import type { CommandContext } from '../context.js'
import { renderDiagnosisDetailed, renderDiagnosisSummary } from '../render/diagnosis-report.js'
import { diagnosisJson } from '../render/json.js'
import { createProgressView } from '../render/progress.js'
import { stateExitCode } from '../render/state-exit-code.js'

/** `diagnose [--json] [--detailed]`: classifies the database; changes nothing (contract §5). */
export function registerDiagnose(
  program: Command,
  run: (fn: (ctx: CommandContext) => Promise<number>) => void,
): void {
  program
    .command('diagnose')
    .description('classify the migration state of the database, with evidence; changes nothing')
    .option(
      '--detailed',
      'the full report: timeline, missing/changed/extra objects, inferred revision, plan with SQL',
    )
    .addHelpText(
      'after',
      `
Compares the expected schema of every revision, the live schema and the tracking table, and
names the state (healthy, pending, partial, failed, untracked_schema, drift, …), every problem,
the revision the schema is really at, and the plan recover would run. It writes nothing.

Exit codes: 0 healthy · 1 a state up or recover resolves · 2 could not diagnose (usage,
            configuration, connection) · 3 a human decision is needed (strategy manual)

Examples:
  $ plumbline diagnose
  $ plumbline diagnose --detailed
  $ plumbline diagnose --json | jq '.problems[] | select(.severity == "error")'`,
    )
    .action((opts: { detailed?: boolean }) => run((ctx) => diagnoseCommand(ctx, opts)))
}

async function diagnoseCommand(ctx: CommandContext, opts: { detailed?: boolean }): Promise<number> {
  const view = createProgressView(ctx.out, { tty: ctx.stderrIsTTY && !ctx.out.json })
  const session = await openSession(await ctx.sessionOptions({ allowEmpty: true, onReplay: view.onReplay }))
  try {
    const { diagnosis, plan } = await diagnoseSession(session).finally(() => view.stop())
    if (ctx.out.json) ctx.out.document(diagnosisJson(diagnosis, plan))
    else {
      const render = opts.detailed ? renderDiagnosisDetailed : renderDiagnosisSummary
      ctx.out.result(render(diagnosis, plan, { where: session.target.redacted }, ctx.out.stdoutColor))
    }
    return stateExitCode(diagnosis.state, diagnosis.strategy)
  } finally {
    await session.close()
  }
}
