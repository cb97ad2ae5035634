import { type Dirent, readFileSync } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { DialectName } from '../config/connection-url.js'
import { PlumblineError } from '../errors/plumbline-error.js'
import { buildCodeMigration, buildSqlMigration, type MigrationFiles } from './build-migration.js'
import { sha256Hex } from './checksum.js'
import { compareVersions } from './compare-versions.js'
import type { Migration } from './migration.js'
import {
  looksLikeMigrationFolder,
  type MigrationFileName,
  parseMigrationFileName,
} from './migration-file-name.js'
import { unreadableFileError } from './read-migration-file.js'
import { sourceError } from './source-error.js'

/** How to read a migrations folder. */
export interface LoadMigrationsOptions {
  /** Decides how SQL files split into statements. */
  readonly dialect: DialectName
  /**
   * Whether a folder without migrations is a valid answer. Off by default: an empty folder is
   * far more often a wrong `--dir` (or a container that did not copy it) than a project with no
   * migrations yet, and treating it as "nothing to do" would report a healthy database that was
   * never migrated. Commands that only *show* state turn it on (`status`, `diagnose`); commands
   * that apply, baseline or run at application start (`up`, `recover`, `baseline`, `down`,
   * `ensureHealthy`) leave it off and get `NO_MIGRATIONS`.
   *
   * A missing folder is always `MIGRATIONS_DIR_MISSING`: callers that can do without one
   * (`new` creates it; `inspect` and `check` never read it) do not call this.
   */
  readonly allowEmpty?: boolean
}

interface FoundFile {
  readonly fileName: string
  readonly path: string
  readonly parsed: Extract<MigrationFileName, { kind: 'migration' }>
}

/**
 * Reads a migrations folder into its migrations, ordered by numeric version (`2_x` before
 * `10_x`). SQL files are split into statements by `dialect`; code migrations are recorded, not
 * imported (see `loadCodeMigration`). The result and everything in it is frozen.
 *
 * Throws, naming the file: `MIGRATION_NAME_INVALID` (a file with a migration's extension but
 * not a migration's name, e.g. `abc_x.sql`, `001-x.sql`, `001_.sql`), `MIGRATION_DOWN_WITHOUT_UP`,
 * `DUPLICATE_VERSION` (two migrations, one numeric version, whatever their formats),
 * `MIGRATION_UNREADABLE`, and every error of reading a file's sections and statements.
 * A missing folder is `MIGRATIONS_DIR_MISSING`; an empty one `NO_MIGRATIONS` unless
 * `allowEmpty`. Problems are reported in file-name order, the first one thrown.
 *
 * @example
 * const migrations = await loadMigrations('./migrations', { dialect: 'postgres' })
 * for (const m of migrations) console.log(m.id, m.checksum)
 */
export async function loadMigrations(
  dir: string,
  options: LoadMigrationsOptions,
): Promise<ReadonlyArray<Migration>> {
  const groups = groupMigrationFiles(await findMigrationFiles(dir))
  if (groups.length === 0) {
    if (options.allowEmpty) return Object.freeze([])
    throw noMigrations(dir)
  }
  const migrations = await Promise.all(
    groups.map((files) =>
      files.format === 'code' ? buildCodeMigration(files) : buildSqlMigration(files, options.dialect),
    ),
  )
  return Object.freeze(migrations)
}

/** A migration as the healthy path needs it: its id and the checksum of its file. */
export interface MigrationChecksum {
  readonly id: string
  readonly checksum: string
}

/**
 * The ids and checksums of a folder's migrations, in order, without reading what is in them:
 * what an application's start compares with the tracking table before anything else. The files
 * are found and named, grouped and ordered exactly as {@link loadMigrations} does (and refused
 * for the same names), and the checksums are the same; a file is neither decoded nor split, so
 * one that would not load still lists — and, unless the tracking table holds that very file as
 * applied, does not match. The files are read synchronously: at start-up, a few hundred small
 * reads take a fraction of the time the thread pool's round trips would.
 */
export async function listMigrationChecksums(
  dir: string,
  options: { readonly allowEmpty?: boolean } = {},
): Promise<ReadonlyArray<MigrationChecksum>> {
  const groups = groupMigrationFiles(await findMigrationFiles(dir))
  if (groups.length === 0 && !options.allowEmpty) throw noMigrations(dir)
  return Object.freeze(
    groups.map((files) => {
      let bytes: Uint8Array
      try {
        bytes = readFileSync(files.path)
      } catch (error) {
        throw unreadableFileError(files.path, error)
      }
      return Object.freeze({ id: files.id, checksum: sha256Hex(bytes) })
    }),
  )
}

function noMigrations(dir: string): PlumblineError {
  return new PlumblineError({
    code: 'NO_MIGRATIONS',
    message: `${dir}: the migrations folder holds no migration`,
    hint: 'check --dir (or config "dir"), or create the first one: plumbline new <name>',
    details: { dir },
  })
}

/** The migration files of a folder, by name; throws for a name that pretends to be one. */
async function findMigrationFiles(dir: string): Promise<FoundFile[]> {
  let entries: Dirent[]
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch (error) {
    const errno = (error as { code?: unknown }).code
    if (errno === 'ENOENT' || errno === 'ENOTDIR') {
      throw new PlumblineError({
        code: 'MIGRATIONS_DIR_MISSING',
        message: `${dir}: ${errno === 'ENOENT' ? 'no such folder' : 'not a folder'}`,
        hint: 'point --dir (or config "dir") at the migrations folder, or create it with plumbline new <name>',
        details: { dir },
        cause: error,
      })
    }
    throw unreadableFileError(dir, error)
  }
  const found: FoundFile[] = []
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name)
    if (await isFolder(entry, path)) {
      if (looksLikeMigrationFolder(entry.name)) {
        throw sourceError({
          code: 'MIGRATION_NAME_INVALID',
          file: path,
          message: 'a folder named like a migration',
          hint: 'plumbline reads files <version>_<name>.sql (or .up.sql/.down.sql, .ts, .js) directly in the folder',
        })
      }
      continue
    }
    const parsed = parseMigrationFileName(entry.name)
    if (parsed.kind === 'ignored') continue
    if (parsed.kind === 'invalid') {
      throw sourceError({
        code: 'MIGRATION_NAME_INVALID',
        file: path,
        message: `not a migration name: ${parsed.reason}`,
        hint: 'name migrations <version>_<name>.sql, e.g. 0001_create_users.sql; start a file that is not a migration with _ to keep it here',
        details: { reason: parsed.reason },
      })
    }
    found.push({ fileName: entry.name, path, parsed })
  }
  return found
}

async function isFolder(entry: Dirent, path: string): Promise<boolean> {
  if (entry.isDirectory()) return true
  if (!entry.isSymbolicLink()) return false
  // A broken link is reported when its file is read, with the file's name.
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  )
}

/**
 * Groups files into migrations, checks that pairs are whole and that every version is used
 * once, and orders them by version as numbers.
 */
function groupMigrationFiles(found: ReadonlyArray<FoundFile>): MigrationFiles[] {
  const byId = new Map<string, FoundFile[]>()
  for (const f of found) byId.set(f.parsed.id, [...(byId.get(f.parsed.id) ?? []), f])
  const migrations: Array<{ files: MigrationFiles; sources: string[] }> = []
  for (const f of found) {
    const { id, version, name, format } = f.parsed
    if (format === 'down') {
      if (!byId.get(id)!.some((o) => o.parsed.format === 'up')) {
        throw sourceError({
          code: 'MIGRATION_DOWN_WITHOUT_UP',
          file: f.path,
          message: `a down file without ${id}.up.sql`,
          hint: `add ${id}.up.sql, or rename the pair's files so that their names match`,
        })
      }
      continue
    }
    const down = format === 'up' ? byId.get(id)!.find((o) => o.parsed.format === 'down') : undefined
    migrations.push({
      files: {
        id,
        version,
        name,
        format: format === 'up' ? 'pair' : format,
        path: f.path,
        ...(down === undefined ? {} : { downPath: down.path }),
      },
      sources: down === undefined ? [f.path] : [f.path, down.path],
    })
  }
  migrations.sort((a, b) => compareVersions(a.files.version, b.files.version))
  for (let i = 1; i < migrations.length; i++) {
    const previous = migrations[i - 1]!
    const current = migrations[i]!
    if (compareVersions(previous.files.version, current.files.version) === 0) {
      throw sourceError({
        code: 'DUPLICATE_VERSION',
        file: current.files.path,
        message: `version ${BigInt(current.files.version)} is also the version of ${previous.files.path}`,
        hint: 'two migrations cannot share a version: give the newer one the next free version (plumbline new <name> picks it)',
        details: { version: current.files.version, files: [...previous.sources, ...current.sources] },
      })
    }
  }
  return migrations.map((m) => m.files)
}
