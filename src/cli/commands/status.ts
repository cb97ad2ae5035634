import type { Command } from 'commander'
import { openSession } from '../../engine/session.js'
import { type MigrationStatusLine, status } from '../../engine/status.js'
import type { CommandContext } from '../context.js'
import { createProgressView } from '../render/progress.js'
import { observedStatus } from '../render/revision-status.js'
import { stateExitCode } from '../render/state-exit-code.js'
import { renderStatus } from '../render/status-report.js'

/** `status [--json]`: every migration with its status, the database's state and the lock holder. */
export function registerStatus(
  program: Command,
  run: (fn: (ctx: CommandContext) => Promise<number>) => void,
): void {
  program
    .command('status')
    .description('every migration with its status, the state of the database, and who holds the lock')
    .addHelpText(
      'after',
      `
A migration recorded as applied whose objects are missing from the live schema shows as
partial: the tracking row's claim is checked against the database.

Exit codes: 0 healthy · 1 action needed (pending, partial, failed, untracked, …: up or recover) ·
            2 usage, configuration or connection · 3 a human decision is needed (drift, an
            applied file edited, a database ahead of the code, the lock held)

Examples:
  $ plumbline status --url sqlite:app.db
  $ plumbline status --json | jq '.migrations[] | select(.status != "applied")'`,
    )
    .action(() => run(statusCommand))
}

async function statusCommand(ctx: CommandContext): Promise<number> {
  const view = createProgressView(ctx.out, { tty: ctx.stderrIsTTY && !ctx.out.json })
  const session = await openSession(await ctx.sessionOptions({ allowEmpty: true, onReplay: view.onReplay }))
  try {
    const result = await status(session).finally(() => view.stop())
    if (ctx.out.json) {
      ctx.out.document({
        dialect: session.dialect.name,
        state: result.state,
        strategy: result.strategy,
        head: result.head,
        tracked: result.tracked,
        migrations: result.migrations.map((m) => migrationJson(m)),
        lock: result.lock,
        problems: result.problems,
        mergedLate: result.mergedLate,
      })
    } else {
      ctx.out.result(
        renderStatus(
          result,
          { dialect: session.dialect.name, where: session.target.redacted },
          ctx.out.stdoutColor,
        ),
      )
    }
    return stateExitCode(result.state, result.strategy)
  } finally {
    await session.close()
  }
}

/**
 * One migration of `status --json`. A pending revision that has a row was reverted: the row's
 * time and author are the revert's, reported as `revertedAt`/`revertedBy`, never as applied.
 */
function migrationJson(m: MigrationStatusLine): Record<string, unknown> {
  const status = observedStatus(m)
  const reverted = status === 'pending' && m.appliedAt !== null
  return {
    revision: m.id,
    status,
    appliedAt: reverted ? null : m.appliedAt,
    appliedBy: reverted ? null : m.appliedBy,
    durationMs: reverted ? null : m.durationMs,
    ...(reverted ? { revertedAt: m.appliedAt, revertedBy: m.appliedBy } : {}),
    statements:
      reverted || m.statementsTotal === null
        ? null
        : {
            done: m.statementsDone ?? 0,
            total: m.statementsTotal,
            ...(m.statementsVerified === null ? {} : { verified: m.statementsVerified }),
          },
    error: m.error,
    missingObjects: m.missingObjects,
  }
}
