import { resolve } from 'node:path'
import { type ConnectionTarget, parseConnectionUrl } from '../config/connection-url.js'
import { type LoadedConfig, loadConfig } from '../config/load-config.js'
import { PlumblineError } from '../errors/plumbline-error.js'
import type { Output } from './output.js'

/** The global options of contract §1, as parsed. */
export interface GlobalOptions {
  readonly url?: string
  readonly dir?: string
  readonly config?: string
  readonly json?: boolean
  readonly yes?: boolean
  readonly debug?: boolean
}

/** What every command gets: resolved options, output, and lazy access to config and database. */
export interface CommandContext {
  readonly cwd: string
  readonly out: Output
  readonly options: GlobalOptions
  readonly env: Readonly<Record<string, string | undefined>>
  /** True when plumbline may prompt: a terminal on stdin and stdout, no `--json`, not CI. */
  readonly interactive: boolean
  config(): Promise<LoadedConfig>
  /** The database URL by precedence `--url` > config > `PLUMBLINE_URL` > `DATABASE_URL`. */
  target(): Promise<ConnectionTarget>
  /** The migrations folder: `--dir` > config `dir` > `./migrations`. */
  migrationsDir(): Promise<string>
}

/** Builds the context for one CLI invocation. */
export function createContext(input: {
  cwd: string
  out: Output
  options: GlobalOptions
  env: Readonly<Record<string, string | undefined>>
  stdinIsTTY: boolean
  stdoutIsTTY: boolean
}): CommandContext {
  const { cwd, out, options, env } = input
  let loaded: Promise<LoadedConfig> | undefined
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0'
  const config = () => {
    loaded ??= loadConfig(options.config, cwd)
    return loaded
  }
  return {
    cwd,
    out,
    options,
    env,
    interactive: input.stdinIsTTY && input.stdoutIsTTY && !options.json && !ci,
    config,
    async target() {
      const { config: file } = await config()
      const candidates: Array<[string, string | undefined]> = [
        ['--url', options.url],
        ['config url', file.url],
        ['PLUMBLINE_URL', env.PLUMBLINE_URL],
        ['DATABASE_URL', env.DATABASE_URL],
      ]
      // Every candidate's password is registered, so even a URL that fails to parse is never echoed.
      for (const [, value] of candidates) if (value) for (const s of looseSecrets(value)) out.addSecret(s)
      const chosen = candidates.find(([, value]) => value !== undefined && value !== '')
      if (chosen === undefined) {
        throw new PlumblineError({
          code: 'URL_MISSING',
          message: 'no database URL was given',
          hint: 'pass --url <url>, set `url` in plumbline.config, or set PLUMBLINE_URL or DATABASE_URL',
        })
      }
      const target = parseConnectionUrl(chosen[1]!, cwd)
      for (const secret of target.secrets) out.addSecret(secret)
      return target
    },
    async migrationsDir() {
      if (options.dir) return resolve(cwd, options.dir)
      const { config: file } = await config()
      return file.dir ?? resolve(cwd, 'migrations')
    },
  }
}

/** The password part of anything that looks like `scheme://user:password@…`, raw and decoded. */
function looseSecrets(url: string): string[] {
  const match = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^:/@]*:([^@]*)@/.exec(url.trim())
  if (!match?.[1]) return []
  const raw = match[1]
  try {
    return [raw, decodeURIComponent(raw)]
  } catch {
    return [raw]
  }
}
