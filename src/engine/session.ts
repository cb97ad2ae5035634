import { type ConnectionTarget, parseConnectionUrl } from '../config/connection-url.js'
import type { Connection, Dialect } from '../dialects/dialect.js'
import { open } from '../dialects/registry.js'
import { type Actor, currentActor } from '../execute/actor.js'
import type { ExecutionContext, ProgressEvent } from '../execute/execution-context.js'
import { type IntegrityConfig, resolveIntegrityConfig } from '../integrity/integrity-config.js'
import { assertConditionsDefined } from '../integrity/migration-conditions.js'
import { loadMigrations } from '../source/load-migrations.js'
import type { Migration } from '../source/migration.js'
import { CODE_SUPPORT } from './code-migrations.js'
import {
  type HistoryFileAnswer,
  loadHistory,
  type Project,
  type ProjectOptions,
  readHistoryFromFile,
} from './project.js'
import { PLUMBLINE_VERSION } from './version.js'

/** What every operation needs to know to reach the database and the migrations. */
export interface SessionOptions extends ProjectOptions {
  readonly url: string | ConnectionTarget
  /** Create a SQLite file that does not exist (commands that write). */
  readonly create?: boolean
  readonly actor?: Actor
  readonly now?: () => Date
  readonly onProgress?: (event: ProgressEvent) => void
  /**
   * Once aborted: ends a wait for the migration lock, and stops a plan before its next step (see
   * `ExecutionContext.signal`).
   */
  readonly signal?: AbortSignal
  /** The config's checks and backfills: migrations may name checks as their conditions. */
  readonly integrity?: IntegrityConfig
  /**
   * A connection to `url` already open (the start-up check's, when it did not answer "healthy"):
   * the session uses it instead of connecting again, and closes it, whether it opens or fails.
   */
  readonly opened?: { readonly dialect: Dialect; readonly conn: Connection }
}

/** An open connection with its dialect and migrations; the history is loaded when first needed. */
export interface Session {
  readonly target: ConnectionTarget
  readonly dialect: Dialect
  readonly conn: Connection
  readonly migrations: ReadonlyArray<Migration>
  /** Who runs the operations (the tracking rows and the migration lock name it). */
  readonly actor: Actor
  now(): Date
  /** Ends a wait for the migration lock, and stops a plan before its next step, once aborted. */
  readonly signal?: AbortSignal
  /** The migrations with their expected schemas (read from the history file, or replayed). */
  project(): Promise<Project>
  /**
   * The project when the history file answers for the migrations (or it was loaded already);
   * `undefined` when it must be replayed on a shadow database, which {@link project} does.
   */
  projectFromFile(): Promise<Project | undefined>
  /** The executor's context (loads the project). */
  context(): Promise<ExecutionContext>
  close(): Promise<void>
}

const EMPTY_INTEGRITY: IntegrityConfig = resolveIntegrityConfig({})

/** Opens the database and reads the migrations folder. */
export async function openSession(options: SessionOptions): Promise<Session> {
  const target = typeof options.url === 'string' ? parseConnectionUrl(options.url) : options.url
  let migrations: ReadonlyArray<Migration>
  const integrity = options.integrity ?? EMPTY_INTEGRITY
  try {
    migrations = await loadMigrations(options.dir, {
      dialect: target.dialect,
      allowEmpty: options.allowEmpty ?? false,
    })
    // A migration naming a check the config lacks is refused before anything connects or runs.
    for (const m of migrations) assertConditionsDefined(m.id, m.checks, integrity)
  } catch (error) {
    await options.opened?.conn.close()
    throw error
  }
  const { dialect, conn } = options.opened ?? (await open(target, { create: options.create ?? false }))
  let file: Promise<HistoryFileAnswer> | undefined
  const readFile = () => {
    file ??= readHistoryFromFile(dialect, migrations, options)
    return file
  }
  let project: Promise<Project> | undefined
  const loadProject = () => {
    project ??= readFile().then((answer) => loadHistory(dialect, target, migrations, options, answer))
    return project
  }
  const actor = options.actor ?? currentActor()
  const now = options.now ?? (() => new Date())
  return {
    target,
    dialect,
    conn,
    migrations,
    actor,
    now,
    ...(options.signal ? { signal: options.signal } : {}),
    project: loadProject,
    projectFromFile: async () => (project !== undefined ? project : (await readFile()).project),
    async context() {
      const p = await loadProject()
      return {
        conn,
        dialect,
        history: p.history,
        migrations,
        actor,
        now,
        version: PLUMBLINE_VERSION,
        code: CODE_SUPPORT,
        integrity,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      }
    },
    close: () => conn.close(),
  }
}
