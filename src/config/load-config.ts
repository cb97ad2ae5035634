import { existsSync, readFileSync } from 'node:fs'
import { dirname, extname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { PlumblineError } from '../errors/plumbline-error.js'
import { type IntegrityConfigInput, resolveIntegrityConfig } from '../integrity/integrity-config.js'
import type { PlumblineConfig } from './define-config.js'

/** The file names looked for in the working directory, in this order. */
export const CONFIG_FILE_NAMES = [
  'plumbline.config.ts',
  'plumbline.config.mts',
  'plumbline.config.js',
  'plumbline.config.mjs',
  'plumbline.config.json',
] as const

const KNOWN_KEYS = new Set(['url', 'dir', 'checks', 'backfills'])

/** A loaded config and where it came from (`undefined` when no file exists). */
export interface LoadedConfig {
  readonly config: PlumblineConfig
  readonly path: string | undefined
}

/**
 * Loads the config file named by `--config`, or the first of {@link CONFIG_FILE_NAMES} in `cwd`.
 * A named file that is missing, unparsable or malformed is an error (`CONFIG_INVALID`, exit 2);
 * no file at all is an empty config.
 */
export async function loadConfig(explicitPath: string | undefined, cwd: string): Promise<LoadedConfig> {
  const path = explicitPath
    ? resolve(cwd, explicitPath)
    : CONFIG_FILE_NAMES.map((n) => resolve(cwd, n)).find((p) => existsSync(p))
  if (path === undefined) return { config: {}, path: undefined }
  if (!existsSync(path)) {
    throw new PlumblineError({
      code: 'CONFIG_INVALID',
      message: `config file ${path} does not exist`,
      hint: `check --config, or drop it to use ${CONFIG_FILE_NAMES.join(', ')} from the working directory`,
    })
  }
  const raw = await readConfigModule(path)
  return { config: validate(raw, path), path }
}

async function readConfigModule(path: string): Promise<unknown> {
  const ext = extname(path)
  try {
    if (ext === '.json') return JSON.parse(readFileSync(path, 'utf8'))
    if (ext === '.ts' || ext === '.mts' || ext === '.cts') {
      // Node 20 cannot strip types; jiti transpiles the config file (and what it imports) on the fly.
      const { createJiti } = await import('jiti')
      const jiti = createJiti(import.meta.url, { interopDefault: true, moduleCache: false })
      return await jiti.import(path, { default: true })
    }
    const module = (await import(pathToFileURL(path).href)) as { default?: unknown }
    return module.default ?? module
  } catch (cause) {
    throw new PlumblineError({
      code: 'CONFIG_INVALID',
      message: `cannot load config file ${path}: ${cause instanceof Error ? cause.message : String(cause)}`,
      hint:
        ext === '.json'
          ? 'the file must be one JSON object'
          : 'the file must `export default defineConfig({ … })`',
      cause,
    })
  }
}

function validate(raw: unknown, path: string): PlumblineConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new PlumblineError({
      code: 'CONFIG_INVALID',
      message: `config file ${path} does not hold an object`,
      hint: 'export default defineConfig({ url, dir, checks, backfills })',
    })
  }
  const record = raw as Record<string, unknown>
  for (const key of Object.keys(record)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new PlumblineError({
        code: 'CONFIG_INVALID',
        message: `config file ${path} has an unknown key "${key}"`,
        hint: `known keys: ${[...KNOWN_KEYS].join(', ')}`,
      })
    }
  }
  for (const key of ['url', 'dir'] as const) {
    if (record[key] !== undefined && typeof record[key] !== 'string') {
      throw new PlumblineError({
        code: 'CONFIG_INVALID',
        message: `config file ${path}: "${key}" must be a string`,
        hint: key === 'url' ? 'e.g. url: process.env.DATABASE_URL' : "e.g. dir: './migrations'",
      })
    }
  }
  for (const key of ['checks', 'backfills'] as const) {
    const value = record[key]
    if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new PlumblineError({
        code: 'CONFIG_INVALID',
        message: `config file ${path}: "${key}" must be an object keyed by name`,
        hint: `${key}: { 'my-${key === 'checks' ? 'check' : 'backfill'}': { … } }`,
      })
    }
  }
  // A misspelt check or backfill is reported at load, by name and key, before anything runs.
  resolveIntegrityConfig(record as IntegrityConfigInput)
  const dir = typeof record.dir === 'string' ? resolve(dirname(path), record.dir) : undefined
  return Object.freeze({ ...(record as PlumblineConfig), ...(dir === undefined ? {} : { dir }) })
}
