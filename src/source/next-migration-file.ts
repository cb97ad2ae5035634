import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { PlumblineError } from '../errors/plumbline-error.js'
import { compareVersions } from './compare-versions.js'
import { parseMigrationFileName } from './migration-file-name.js'
import { unreadableFileError } from './read-migration-file.js'

/** How to make the next migration file. */
export interface NextMigrationFileOptions {
  /** A TypeScript migration (`.ts`) instead of SQL. */
  readonly ts?: boolean
  /** The time a timestamped folder stamps the file with; passed in, so the result is reproducible. */
  readonly now: Date
}

/** The file `new` should write: nothing is written here. */
export interface NextMigrationFile {
  readonly path: string
  readonly id: string
  readonly version: string
  readonly contents: string
}

const MAX_NAME_LENGTH = 100

const SQL_TEMPLATE = '-- plumbline:up\n\n\n-- plumbline:down\n\n'

const TS_TEMPLATE = `import type { MigrationContext } from 'plumbline'

export async function up(ctx: MigrationContext): Promise<void> {
  // await ctx.execute('…'), ctx.sql\`…\`, ctx.query('…', [params])
}

// Delete down when the migration cannot be undone.
export async function down(ctx: MigrationContext): Promise<void> {
}
`

/**
 * The next migration file of a folder, for `plumbline new <name> [--ts]`.
 *
 * The version follows the folder's own style, read from its latest migration: timestamps
 * (`YYYYMMDDHHMMSS`, UTC, from `now`; one past the latest when the clock is behind it) or
 * sequential numbers one past the latest, zero-padded to its width (`0004` after `0003`, `11`
 * after `10`). An empty or missing folder starts at `0001`. The name is slugified (`Add users
 * timezone` → `add_users_timezone`) and must then be `[a-z0-9_]+`.
 *
 * The SQL template has an empty up section on purpose: a file created and never written fails
 * to load (`MIGRATION_UP_EMPTY`) instead of being recorded as applied without doing anything.
 *
 * @example
 * await nextMigrationFile('./migrations', 'add users timezone', { now: new Date() })
 * // → { path: 'migrations/0004_add_users_timezone.sql', contents: '-- plumbline:up\n…' }
 */
export async function nextMigrationFile(
  dir: string,
  name: string,
  options: NextMigrationFileOptions,
): Promise<NextMigrationFile> {
  const slug = migrationSlug(name)
  if (slug === '' || slug.length > MAX_NAME_LENGTH) {
    throw new PlumblineError({
      code: 'MIGRATION_NAME_INVALID',
      message:
        slug === ''
          ? `"${name}" has no letter or digit to name a migration with`
          : `"${slug}" is longer than ${MAX_NAME_LENGTH} characters`,
      hint: 'name the change in a few words: plumbline new add_users_timezone',
      details: { name },
    })
  }
  const version = nextVersion(await existingVersions(dir), options.now)
  const id = `${version}_${slug}`
  const extension = options.ts ? '.ts' : '.sql'
  return Object.freeze({
    path: join(dir, id + extension),
    id,
    version,
    contents: options.ts ? TS_TEMPLATE : SQL_TEMPLATE,
  })
}

/**
 * A name made fit for a file name: `AddUsers timezone!` → `add_users_timezone`. Accents are
 * dropped, camelCase and every run of other characters become `_`.
 */
export function migrationSlug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
}

async function existingVersions(dir: string): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (error) {
    // `new` creates the folder: a missing one is an empty one.
    if ((error as { code?: unknown }).code === 'ENOENT') return []
    throw unreadableFileError(dir, error)
  }
  return names.flatMap((n) => {
    const parsed = parseMigrationFileName(n)
    return parsed.kind === 'migration' ? [parsed.version] : []
  })
}

/** The version after the latest of `versions`, in the latest one's style. */
export function nextVersion(versions: ReadonlyArray<string>, now: Date): string {
  const latest = [...versions].sort(compareVersions).at(-1)
  if (latest === undefined) return '0001'
  const following = (BigInt(latest) + 1n).toString().padStart(latest.length, '0')
  if (!isTimestamp(latest)) return following
  const stamp = formatTimestamp(now)
  return compareVersions(stamp, latest) > 0 ? stamp : following
}

/** `YYYYMMDDHHMMSS` that reads as a real date and time. */
function isTimestamp(version: string): boolean {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(version)
  if (m === null) return false
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  return (
    year >= 1970 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= 31 &&
    hour < 24 &&
    minute < 60 &&
    second < 60
  )
}

function formatTimestamp(now: Date): string {
  const two = (n: number) => String(n).padStart(2, '0')
  return (
    String(now.getUTCFullYear()).padStart(4, '0') +
    two(now.getUTCMonth() + 1) +
    two(now.getUTCDate()) +
    two(now.getUTCHours()) +
    two(now.getUTCMinutes()) +
    two(now.getUTCSeconds())
  )
}
