#!/usr/bin/env node
import { runCli } from './program.js'

// A reader that goes away (`plumbline status | head -1`) ends what is shown, not what is done:
// a migration under way finishes and records itself, and the exit code is the command's own.
// Without a listener, the write that finds the pipe closed would end the process with a stack.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
  })
}

const code = await runCli({
  argv: process.argv.slice(2),
  cwd: process.cwd(),
  env: process.env,
  stdinIsTTY: process.stdin.isTTY === true,
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
})
process.exitCode = code
