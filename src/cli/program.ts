import { readFileSync } from 'node:fs'
import { Command, CommanderError, Option } from 'commander'
import { PlumblineError } from '../errors/plumbline-error.js'
import { registerBackfill } from './commands/backfill.js'
import { registerBaseline } from './commands/baseline.js'
import { registerCheck } from './commands/check.js'
import { registerDemo } from './commands/demo.js'
import { registerDiagnose } from './commands/diagnose.js'
import { registerDown } from './commands/down.js'
import { registerHistory } from './commands/history.js'
import { registerInspect } from './commands/inspect.js'
import { registerNew } from './commands/new.js'
import { registerRecover } from './commands/recover.js'
import { registerStatus } from './commands/status.js'
import { registerUp } from './commands/up.js'
import { type CommandContext, createContext, type GlobalOptions, parseLockTimeout } from './context.js'
import { createOutput, type Output } from './output.js'
import { renderError } from './render-error.js'

/** What the CLI runs with: the process's streams and environment, or a test's. */
export interface CliIo {
  readonly argv: ReadonlyArray<string>
  readonly cwd: string
  readonly env: Readonly<Record<string, string | undefined>>
  readonly stdout?: (s: string) => void
  readonly stderr?: (s: string) => void
  readonly stdinIsTTY?: boolean
  readonly stdoutIsTTY?: boolean
  readonly stderrIsTTY?: boolean
}

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version

/**
 * Runs one plumbline command line and resolves to its exit code (contract §4): 0 success,
 * 1 action needed or failed, 2 usage/configuration/connection, 3 a human decision is needed.
 */
export async function runCli(io: CliIo): Promise<number> {
  const argv = [...io.argv]
  const json = argv.includes('--json')
  const debug = argv.includes('--debug')
  const out = createOutput({
    json,
    stdout: io.stdout,
    stderr: io.stderr,
    stdoutIsTTY: io.stdoutIsTTY,
    stderrIsTTY: io.stderrIsTTY,
  })
  let exitCode = 0
  let pending: Promise<void> | undefined
  // Commands that run other commands (the demo) write to the same streams, in their own folder;
  // the URL then comes from that folder's config, never from the caller's environment.
  const runNested = (nested: ReadonlyArray<string>, cwd: string, ctx: CommandContext) =>
    runCli({
      ...io,
      argv: nested,
      cwd,
      env: { ...ctx.env, PLUMBLINE_URL: undefined, DATABASE_URL: undefined },
    })
  const program = buildProgram(
    out,
    (fn) => {
      pending = (async () => {
        const ctx = createContext({
          cwd: io.cwd,
          out,
          options: program.opts<GlobalOptions>(),
          env: io.env,
          stdinIsTTY: io.stdinIsTTY ?? false,
          stdoutIsTTY: io.stdoutIsTTY ?? false,
          stderrIsTTY: io.stderrIsTTY ?? false,
        })
        exitCode = await fn(ctx)
      })()
    },
    runNested,
  )
  try {
    await program.parseAsync(argv, { from: 'user' })
    if (pending) await pending
    return exitCode
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      ) {
        return 0
      }
      return renderError(
        new PlumblineError({
          code: 'USAGE',
          message: error.message.replace(/^error: /, ''),
          hint: 'run `plumbline --help` or `plumbline <command> --help`',
        }),
        out,
        debug,
      )
    }
    return renderError(error, out, debug)
  }
}

function buildProgram(
  out: Output,
  run: (fn: (ctx: CommandContext) => Promise<number>) => void,
  runCommand: (argv: ReadonlyArray<string>, cwd: string, ctx: CommandContext) => Promise<number>,
): Command {
  const program = new Command('plumbline')
  program
    .description(
      'Migrations that never lie about the state of a database: verified apply, diagnose, recover, check.',
    )
    .version(VERSION, '-v, --version')
    .addOption(
      new Option(
        '--url <url>',
        'database URL (default: config url, then $PLUMBLINE_URL, then $DATABASE_URL)',
      ),
    )
    .addOption(new Option('--dir <path>', 'migrations folder (default: config dir, then ./migrations)'))
    .addOption(new Option('--config <file>', 'config file (default: plumbline.config.{ts,mts,js,mjs,json})'))
    .addOption(new Option('--json', 'print one JSON document on stdout; logs go to stderr'))
    .addOption(new Option('--yes', 'answer yes to every confirmation'))
    .addOption(
      new Option('--lock-timeout <ms|s>', 'how long to wait for the migration lock; 0 fails at once')
        .argParser(parseLockTimeout)
        .default(60_000, '60s'),
    )
    .addOption(new Option('--shadow-url <url>', 'a server where temporary shadow databases may be created'))
    .addOption(
      new Option('--history <source>', 'expected schemas from the history file, a shadow replay, or either')
        .choices(['auto', 'file', 'build'])
        .default('auto'),
    )
    .addOption(new Option('--debug', 'show stack traces'))
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => (out.json ? out.log(s) : out.result(s)),
      writeErr: () => {},
    })
    .addHelpText(
      'after',
      `
Exit codes: 0 success or healthy · 1 action needed, or failed and recoverable ·
            2 usage, configuration, connection or bad input · 3 a human decision is needed

Examples:
  $ plumbline status --url sqlite:app.db
  $ plumbline up --dry-run
  $ DATABASE_URL=postgres://app@localhost/app plumbline diagnose --json`,
    )
  registerStatus(program, run)
  registerUp(program, run)
  registerDown(program, run)
  registerNew(program, run)
  registerBaseline(program, run)
  registerHistory(program, run)
  registerDiagnose(program, run)
  registerRecover(program, run)
  registerInspect(program, run)
  registerCheck(program, run)
  registerBackfill(program, run)
  registerDemo(program, run, runCommand)
  for (const command of program.commands) command.exitOverride().configureOutput(program.configureOutput())
  return program
}
