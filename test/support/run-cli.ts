import { runCli } from '../../src/cli/program.js'

/** What one CLI run printed and returned. */
export interface CliRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs the CLI in-process, as a non-interactive user would (no TTY, CI unset unless given). */
export async function cli(
  argv: ReadonlyArray<string>,
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  const code = await runCli({
    argv,
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
    stdout: (s) => {
      stdout += s
    },
    stderr: (s) => {
      stderr += s
    },
    stdinIsTTY: false,
    stdoutIsTTY: false,
    stderrIsTTY: false,
  })
  return { code, stdout, stderr }
}
