import type { Command } from 'commander'
import { runDemo } from '../../demo/run-demo.js'
import type { CommandContext } from '../context.js'

/** `demo`: the incident reports reproduced and recovered on a throw-away SQLite database. */
export function registerDemo(
  program: Command,
  run: (fn: (ctx: CommandContext) => Promise<number>) => void,
  runCommand: (argv: ReadonlyArray<string>, cwd: string, ctx: CommandContext) => Promise<number>,
): void {
  program
    .command('demo')
    .description('reproduce the habit-tracker incidents on a throw-away SQLite database, and recover them')
    .option('--keep', 'keep the demo folder (its path is printed)')
    .addHelpText(
      'after',
      `
It runs real commands — status, up, diagnose, recover --dry-run, recover, check, backfill — and
checks each one's exit code; it exits 0 only when the story ends healthy and consistent.

Examples:
  $ plumbline demo
  $ plumbline demo --keep`,
    )
    .action((opts: { keep?: boolean }) =>
      run((ctx) =>
        runDemo({
          run: (argv, cwd) => runCommand(argv, cwd, ctx),
          say: (text) => ctx.out.result(text),
          color: ctx.out.stdoutColor,
          keep: opts.keep ?? false,
        }),
      ),
    )
}
