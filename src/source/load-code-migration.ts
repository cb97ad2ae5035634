import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { PlumblineError } from '../errors/plumbline-error.js'
import type { CodeMigration } from './migration.js'
import type { MigrationContext } from './migration-context.js'
import { sourceError } from './source-error.js'

/** How to load a code migration. */
export interface LoadCodeMigrationOptions {
  /**
   * Imports a module given its absolute file path. The default is Node's own `import()`, which
   * reads `.js` and `.mjs` everywhere and `.ts`/`.mts` on Node ≥ 22.6 with type stripping. A
   * loader for other runtimes plugs in here, e.g. with the `jiti` package:
   * `importModule: (path) => createJiti(import.meta.url).import(path)`.
   */
  readonly importModule?: (path: string) => Promise<unknown>
}

/** A code migration's functions, ready to run. */
export interface LoadedCodeMigration {
  readonly up: (ctx: MigrationContext) => Promise<void>
  /** Absent when the module exports no `down`. */
  readonly down?: (ctx: MigrationContext) => Promise<void>
}

/** Node's codes for "this runtime cannot run that TypeScript file". */
const TYPESCRIPT_UNSUPPORTED = new Set([
  'ERR_UNKNOWN_FILE_EXTENSION',
  'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX',
  'ERR_INVALID_TYPESCRIPT_SYNTAX',
  'ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING',
])

const nativeImport = (path: string): Promise<unknown> => import(pathToFileURL(path).href)

/**
 * Imports a code migration and returns its `up` and `down`. The module exports them by name
 * (`export async function up(ctx)`) or as a default object (`export default { up, down }`, also
 * what a CommonJS build produces).
 *
 * Throws `MIGRATION_CODE_LOAD_FAILED` when the module does not load (for TypeScript on a Node
 * without type stripping, with a hint naming the two ways out) and `MIGRATION_CODE_INVALID` when
 * it exports no `up` function.
 *
 * @example
 * const { up } = await loadCodeMigration(migration)
 * await up(ctx)
 */
export async function loadCodeMigration(
  migration: CodeMigration,
  options: LoadCodeMigrationOptions = {},
): Promise<LoadedCodeMigration> {
  const importModule = options.importModule ?? nativeImport
  let loaded: unknown
  try {
    loaded = await importModule(resolve(migration.path))
  } catch (error) {
    throw codeLoadError(migration.path, error)
  }
  const candidates = [loaded, (loaded as { default?: unknown } | null)?.default]
  const exports = candidates.find(
    (c): c is Record<string, unknown> =>
      typeof c === 'object' && c !== null && typeof (c as { up?: unknown }).up === 'function',
  )
  if (exports === undefined) {
    throw sourceError({
      code: 'MIGRATION_CODE_INVALID',
      file: migration.path,
      message: 'the module exports no up function',
      hint: 'export async function up(ctx) { … } (and optionally down(ctx))',
    })
  }
  if (exports.down !== undefined && typeof exports.down !== 'function') {
    throw sourceError({
      code: 'MIGRATION_CODE_INVALID',
      file: migration.path,
      message: `the module exports down, but as ${typeof exports.down}, not a function`,
      hint: 'export async function down(ctx) { … }, or export no down when the migration cannot be undone',
    })
  }
  const module = exports as unknown as {
    up: (ctx: MigrationContext) => unknown
    down?: (ctx: MigrationContext) => unknown
  }
  const up = async (ctx: MigrationContext): Promise<void> => {
    await module.up(ctx)
  }
  const down = module.down && (async (ctx: MigrationContext): Promise<void> => void (await module.down!(ctx)))
  return Object.freeze(down === undefined ? { up } : { up, down })
}

/** The coded error for a module that did not load. */
export function codeLoadError(path: string, cause: unknown): PlumblineError {
  const errno = (cause as { code?: unknown } | null)?.code
  const message = cause instanceof Error ? cause.message : String(cause)
  const typescript = /\.m?ts$/.test(path)
  if (typescript && typeof errno === 'string' && TYPESCRIPT_UNSUPPORTED.has(errno)) {
    return sourceError({
      code: 'MIGRATION_CODE_LOAD_FAILED',
      file: path,
      message: `this Node (${process.version}) cannot load a TypeScript migration: ${message}`,
      hint:
        'TypeScript migrations need Node ≥ 22.6 type stripping (node --experimental-strip-types; ' +
        'on by default from Node 23.6; enums and namespaces also need --experimental-transform-types) ' +
        'or the jiti package (npm install jiti); or write the migration as .js/.mjs',
      details: { errno },
      cause,
    })
  }
  return sourceError({
    code: 'MIGRATION_CODE_LOAD_FAILED',
    file: path,
    message: `the module failed to load: ${message}`,
    hint: `run node ${path} to see the error where it happens`,
    ...(typeof errno === 'string' ? { details: { errno } } : {}),
    cause,
  })
}
