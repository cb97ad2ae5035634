/** How a migration file is written, told by its extension. */
export type MigrationFileFormat = 'sql' | 'up' | 'down' | 'code'

/** A folder entry, classified by name alone. */
export type MigrationFileName =
  /** Not a migration and not pretending to be one: README.md, .DS_Store, the lock file, `_helpers.ts`. */
  | { readonly kind: 'ignored' }
  /** Has a migration's extension but not a migration's name. */
  | { readonly kind: 'invalid'; readonly reason: string }
  | {
      readonly kind: 'migration'
      readonly id: string
      readonly version: string
      readonly name: string
      readonly format: MigrationFileFormat
      readonly extension: string
    }

/** Longest first: `.up.sql` must win over `.sql`. */
const EXTENSIONS: ReadonlyArray<readonly [string, MigrationFileFormat]> = [
  ['.up.sql', 'up'],
  ['.down.sql', 'down'],
  ['.sql', 'sql'],
  ['.mts', 'code'],
  ['.ts', 'code'],
  ['.mjs', 'code'],
  ['.js', 'code'],
]

/** CommonJS modules cannot be `import()`ed as migrations without surprises; say so, do not skip. */
const REFUSED_EXTENSIONS = ['.cjs', '.cts']

const NAME = /^[A-Za-z0-9_-]+$/

/**
 * Classifies a file of the migrations folder by its name: `<version>_<name>.sql`,
 * `.up.sql`/`.down.sql`, `.ts`/`.mts`/`.js`/`.mjs`, where `version` is digits and `name` holds
 * letters, digits, `_` and `-`.
 *
 * A file with a migration's extension (in any letter case) that is not a well-formed migration
 * is `invalid`, never skipped: a migration that silently does not run is the failure plumbline
 * exists to prevent. Names starting with `.` or `_` are ignored, so helper modules
 * (`_shared.ts`) and editor files can live in the folder; so is anything with another extension
 * (README.md, plumbline.lock.json).
 */
export function parseMigrationFileName(fileName: string): MigrationFileName {
  if (fileName.startsWith('.') || fileName.startsWith('_')) return { kind: 'ignored' }
  const lower = fileName.toLowerCase()
  if (REFUSED_EXTENSIONS.some((e) => lower.endsWith(e))) {
    return {
      kind: 'invalid',
      reason: 'CommonJS migrations (.cjs, .cts) are not read; use .js, .mjs, .ts or .mts',
    }
  }
  const match = EXTENSIONS.find(([e]) => lower.endsWith(e))
  if (match === undefined) return { kind: 'ignored' }
  const [extension, format] = match
  if (!fileName.endsWith(extension)) {
    return { kind: 'invalid', reason: `the extension must be written in lower case: ${extension}` }
  }
  const stem = fileName.slice(0, -extension.length)
  const parts = /^(\d+)_(.*)$/.exec(stem)
  if (parts === null) return { kind: 'invalid', reason: stemProblem(stem) }
  const [, version, name] = parts as unknown as [string, string, string]
  if (name === '') return { kind: 'invalid', reason: `nothing follows the version "${version}_"` }
  if (!NAME.test(name)) {
    return { kind: 'invalid', reason: `the name "${name}" may hold only letters, digits, _ and -` }
  }
  return { kind: 'migration', id: stem, version, name, format, extension }
}

function stemProblem(stem: string): string {
  if (/^\d+$/.test(stem)) return `the version "${stem}" has no _<name> after it`
  const separator = /^\d+([^\d_])/.exec(stem)
  if (separator !== null) return `the version must be followed by "_", not "${separator[1]}"`
  return 'a migration file name starts with its version: digits, then _ and a name'
}

/** True when a folder's name looks like a migration (`0001_init/`): a layout plumbline does not read. */
export function looksLikeMigrationFolder(folderName: string): boolean {
  return /^\d+_/.test(folderName)
}
