import { exitCodeFor } from '../errors/codes.js'
import { isPlumblineError, PlumblineError } from '../errors/plumbline-error.js'
import type { Output } from './output.js'

/**
 * Writes an error the way contract §6 says — `error[CODE]: message` and `hint: …` on stderr, or
 * `{ "error": { code, message, hint } }` on stdout with `--json` — and returns the exit code.
 * A stack trace is shown only with `--debug`.
 */
export function renderError(error: unknown, out: Output, debug: boolean): number {
  const e = isPlumblineError(error)
    ? error
    : new PlumblineError({
        code: 'INTERNAL',
        message: `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
        hint: 'run again with --debug for the stack trace, and report it with that output',
        cause: error,
      })
  if (out.json) out.document({ error: e.toJSON() })
  else {
    const c = out.color
    out.log(`${c.red(c.bold(`error[${e.code}]`))}: ${e.message}`)
    const server = e.details as { detail?: string; statement?: string } | undefined
    if (server?.detail) out.log(`${c.dim('detail')}: ${server.detail}`)
    if (e.hint) out.log(`${c.cyan('hint')}: ${e.hint}`)
  }
  if (debug) {
    const chain: string[] = []
    let current: unknown = error
    while (current instanceof Error) {
      chain.push(current.stack ?? current.message)
      current = current.cause
    }
    out.log(chain.join('\ncaused by: '))
  }
  return exitCodeFor(e.code)
}
