import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { confirm as ask, isCancel } from '@clack/prompts'
import { InvalidArgumentError } from 'commander'
import { type ConnectionTarget, parseConnectionUrl } from '../config/connection-url.js'
import { type LoadedConfig, loadConfig } from '../config/load-config.js'
import type { HistorySource } from '../engine/project.js'
import type { SessionOptions } from '../engine/session.js'
import { DEFAULT_LOCK_TIMEOUT_MS } from '../engine/with-lock.js'
import { PlumblineError } from '../errors/plumbline-error.js'
import { resolveIntegrityConfig } from '../integrity/integrity-config.js'
import type { Output } from './output.js'

/** The global options of contract §1, as parsed. */
export interface GlobalOptions {
  readonly url?: string
  readonly dir?: string
  readonly config?: string
  readonly json?: boolean
  readonly yes?: boolean
  readonly debug?: boolean
  /** How long to wait for the migration lock, in milliseconds (0: fail at once when it is held). */
  readonly lockTimeout?: number
  /** A server on which temporary shadow databases may be created. */
  readonly shadowUrl?: string
  /** Where expected schemas come from: the history file, a shadow replay, or either. */
  readonly history?: HistorySource
}

/** What a command asks before it changes a database, and what to say when it may not ask. */
export interface ConfirmRequest {
  /** The question on a terminal: `Revert 2 migration(s)?` */
  readonly question: string
  /** What the command would do, for the refusal: `down would revert 0003_users_timezone`. */
  readonly action: string
  /** The command that shows the plan without running it: `plumbline down --dry-run`. */
  readonly dryRun: string
}

/** What a command adds to the session options: whether it writes, and where progress goes. */
export interface SessionRequest {
  /** The command may create a SQLite file that does not exist yet (`up`, `baseline`, `recover`). */
  readonly create?: boolean
  /** Nothing will be written: a SQLite file that does not exist is planned as the empty database it would be. */
  readonly dryRun?: boolean
  /** An empty migrations folder is fine (commands that only show state). */
  readonly allowEmpty?: boolean
  readonly onProgress?: SessionOptions['onProgress']
  readonly onReplay?: SessionOptions['onReplay']
  readonly signal?: SessionOptions['signal']
}

/** What every command gets: resolved options, output, and lazy access to config and database. */
export interface CommandContext {
  readonly cwd: string
  readonly out: Output
  readonly options: GlobalOptions
  readonly env: Readonly<Record<string, string | undefined>>
  /** True when plumbline may prompt: a terminal on stdin and stdout, no `--json`, not CI. */
  readonly interactive: boolean
  /** True when stderr is a terminal: progress may redraw a line in place. */
  readonly stderrIsTTY: boolean
  config(): Promise<LoadedConfig>
  /** The database URL by precedence `--url` > config > `PLUMBLINE_URL` > `DATABASE_URL`. */
  target(): Promise<ConnectionTarget>
  /** The migrations folder: `--dir` > config `dir` > `./migrations`. */
  migrationsDir(): Promise<string>
  /** `--shadow-url`, its password registered as a secret. */
  shadowUrl(): string | undefined
  /** The lock wait for writing commands: `--lock-timeout`, default 60 s. */
  lockTimeoutMs(): number
  /** What an engine session needs: target, folder, history source, shadow server. */
  sessionOptions(request?: SessionRequest): Promise<SessionOptions>
  /**
   * Asks before a change: true with `--yes`, the answer on a terminal (false when cancelled),
   * and `CONFIRMATION_REQUIRED` (exit 2) where plumbline may not ask (contract §1).
   */
  confirm(request: ConfirmRequest): Promise<boolean>
}

/** Builds the context for one CLI invocation. */
export function createContext(input: {
  cwd: string
  out: Output
  options: GlobalOptions
  env: Readonly<Record<string, string | undefined>>
  stdinIsTTY: boolean
  stdoutIsTTY: boolean
  stderrIsTTY?: boolean
}): CommandContext {
  const { cwd, out, options, env } = input
  let loaded: Promise<LoadedConfig> | undefined
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0'
  const config = () => {
    loaded ??= loadConfig(options.config, cwd)
    return loaded
  }
  const interactive = input.stdinIsTTY && input.stdoutIsTTY && !options.json && !ci
  const shadowUrl = () => {
    if (options.shadowUrl) for (const s of looseSecrets(options.shadowUrl)) out.addSecret(s)
    return options.shadowUrl
  }
  const context: CommandContext = {
    cwd,
    out,
    options,
    env,
    interactive,
    stderrIsTTY: input.stderrIsTTY ?? false,
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
    shadowUrl,
    lockTimeoutMs: () => options.lockTimeout ?? DEFAULT_LOCK_TIMEOUT_MS,
    async sessionOptions(request = {}) {
      const target = await context.target()
      const dir = await context.migrationsDir()
      const shadow = shadowUrl()
      // A dry run must not create the file it plans for; a file that does not exist yet is an
      // empty database, so the plan is made against an empty in-memory one.
      const absent =
        request.dryRun === true &&
        target.dialect === 'sqlite' &&
        target.path !== ':memory:' &&
        !existsSync(target.path)
      return {
        url: absent ? { ...target, path: ':memory:' } : target,
        dir,
        create: request.create === true && request.dryRun !== true,
        ...(options.history ? { history: options.history } : {}),
        ...(shadow ? { shadowUrl: shadow } : {}),
        ...(request.allowEmpty ? { allowEmpty: true } : {}),
        ...(request.onProgress ? { onProgress: request.onProgress } : {}),
        ...(request.onReplay ? { onReplay: request.onReplay } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
        // The config's checks, which migrations may name as their conditions.
        integrity: resolveIntegrityConfig((await config()).config),
      }
    },
    async confirm(request) {
      if (options.yes) return true
      if (!interactive) {
        throw new PlumblineError({
          code: 'CONFIRMATION_REQUIRED',
          message: `${request.action}, and plumbline may not ask for confirmation here (no terminal, --json or CI=true)`,
          hint: `read the plan with \`${request.dryRun}\`, then re-run with --yes`,
        })
      }
      const answer = await ask({ message: request.question, initialValue: false, output: process.stderr })
      return !isCancel(answer) && answer
    },
  }
  return context
}

/**
 * `--lock-timeout`: milliseconds (`1500`, `1500ms`), seconds (`30s`) or minutes (`2m`);
 * `0` fails at once when another process holds the lock.
 */
export function parseLockTimeout(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim())
  if (match === null) throw new InvalidArgumentError('expected a duration such as 5000, 500ms, 30s or 2m')
  const factor = match[2] === 's' ? 1000 : match[2] === 'm' ? 60_000 : 1
  return Math.round(Number(match[1]) * factor)
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
