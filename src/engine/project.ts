import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ConnectionTarget } from '../config/connection-url.js'
import type { Dialect } from '../dialects/dialect.js'
import { PlumblineError } from '../errors/plumbline-error.js'
import { buildHistory } from '../history/build-history.js'
import { HISTORY_FILE_NAME, parseHistoryFile, renderHistoryFile } from '../history/history-file.js'
import { type Freshness, historyFreshness } from '../history/history-freshness.js'
import type { History } from '../history/history-model.js'
import { createShadow } from '../history/shadow.js'
import { loadMigrations } from '../source/load-migrations.js'
import type { Migration } from '../source/migration.js'
import { CODE_SUPPORT } from './code-migrations.js'

/** Where the expected schemas may come from. */
export type HistorySource =
  /** The history file when it matches the migrations, else a replay on a shadow database. */
  | 'auto'
  /** Only the history file: production, where no shadow may be created. */
  | 'file'
  /** Always a fresh replay (and the file is not read). */
  | 'build'

/** How to load a project's migrations and history. */
export interface ProjectOptions {
  readonly dir: string
  readonly history?: HistorySource
  /** A server on which temporary shadow databases may be created (default: the target's). */
  readonly shadowUrl?: string
  /** Accept an empty migrations folder (commands that only show state). */
  readonly allowEmpty?: boolean
  /** Progress of a replay. */
  readonly onReplay?: (index: number, total: number, id: string) => void
}

/** The migrations and their history. */
export interface Project {
  readonly dir: string
  readonly migrations: ReadonlyArray<Migration>
  readonly history: History
  /** Where the history came from, and — when read from the file — whether it was stale. */
  readonly historyFrom: 'file' | 'shadow'
  readonly historyPath: string
  /** How the file compared with the migrations (`undefined` when there is no file). */
  readonly fileFreshness: Freshness | undefined
}

/**
 * Loads the migrations and the expected schema of every revision: from `plumbline.history.json`
 * when it matches the migrations exactly, otherwise by replaying them on a shadow database
 * (`history: 'file'` refuses to, with `HISTORY_STALE`). A hand-edited file is never trusted.
 */
export async function loadProject(
  dialect: Dialect,
  target: ConnectionTarget,
  options: ProjectOptions,
): Promise<Project> {
  const migrations = await loadMigrations(options.dir, {
    dialect: dialect.name,
    allowEmpty: options.allowEmpty ?? false,
  })
  return loadHistory(dialect, target, migrations, options)
}

/**
 * What the history file answers for already-loaded migrations: the project when the file holds
 * their history exactly (and `history` is not `build`), otherwise how it compared (`undefined`
 * when there is no file). A hand-edited file is refused with `HISTORY_FILE_INVALID`.
 */
export interface HistoryFileAnswer {
  readonly project?: Project
  readonly fileFreshness?: Freshness
}

/** Reads the history file for {@link loadHistory}, without replaying anything. */
export async function readHistoryFromFile(
  dialect: Dialect,
  migrations: ReadonlyArray<Migration>,
  options: ProjectOptions,
): Promise<HistoryFileAnswer> {
  if ((options.history ?? 'auto') === 'build') return {}
  const historyPath = join(options.dir, HISTORY_FILE_NAME)
  const text = await readFile(historyPath, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined
    throw e
  })
  const cached = text === undefined ? undefined : parseHistoryFile(text, dialect.name, historyPath)
  if (cached === undefined) return {}
  const fileFreshness = historyFreshness(cached, migrations, {
    transactionalDdl: dialect.capabilities.transactionalDdl,
  })
  if (!fileFreshness.fresh) return { fileFreshness }
  return {
    fileFreshness,
    project: Object.freeze({
      dir: options.dir,
      migrations,
      history: cached,
      historyFrom: 'file',
      historyPath,
      fileFreshness,
    }),
  }
}

/**
 * The history of already-loaded migrations (see {@link loadProject}); `file`: what
 * {@link readHistoryFromFile} answered, when the caller read the file already.
 */
export async function loadHistory(
  dialect: Dialect,
  target: ConnectionTarget,
  migrations: ReadonlyArray<Migration>,
  options: ProjectOptions,
  file?: HistoryFileAnswer,
): Promise<Project> {
  const historyPath = join(options.dir, HISTORY_FILE_NAME)
  const mode = options.history ?? 'auto'
  const answer = file ?? (await readHistoryFromFile(dialect, migrations, options))
  if (answer.project !== undefined) return answer.project
  const fileFreshness = answer.fileFreshness
  if (mode === 'file') {
    throw new PlumblineError({
      code: 'HISTORY_STALE',
      message: fileFreshness
        ? `${historyPath} does not match the migrations: ${fileFreshness.reasons.map((r) => `${r.id} ${r.kind}`).join(', ')}`
        : `${historyPath} has no ${dialect.name} history`,
      hint: 'run `plumbline history` where a shadow database may be created, and commit the file',
    })
  }
  const shadow = await createShadow(
    dialect,
    target,
    options.shadowUrl === undefined ? {} : { shadowUrl: options.shadowUrl },
  )
  try {
    const history = await buildHistory(dialect, shadow, migrations, {
      ...CODE_SUPPORT,
      ...(options.onReplay ? { onRevision: options.onReplay } : {}),
    })
    return Object.freeze({
      dir: options.dir,
      migrations,
      history,
      historyFrom: 'shadow',
      historyPath,
      fileFreshness,
    })
  } finally {
    await shadow.drop()
  }
}

/** Writes the project's history to `plumbline.history.json`, keeping other dialects' histories. */
export async function writeHistoryFile(project: Project): Promise<string> {
  const existing = await readFile(project.historyPath, 'utf8').catch(() => undefined)
  const text = renderHistoryFile(project.history, existing)
  await writeFile(project.historyPath, text)
  return project.historyPath
}
