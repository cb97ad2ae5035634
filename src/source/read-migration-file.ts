import { readFileSync } from 'node:fs'
import type { PlumblineError } from '../errors/plumbline-error.js'
import { sourceError } from './source-error.js'

/** A migration file's bytes (what the checksum covers) and its text. */
export interface MigrationFileContent {
  readonly bytes: Uint8Array
  /** UTF-8, without a leading byte-order mark (engines reject it as a stray character). */
  readonly text: string
}

/**
 * Reads a migration file. Throws `MIGRATION_UNREADABLE` naming the file when it cannot be read
 * or is not UTF-8 (a Latin-1 file would otherwise run with mangled literals).
 *
 * The read is synchronous: a migration file is small, and a folder of hundreds read through the
 * thread pool (open, stat, read, close: four trips each) took several times as long.
 */
export async function readMigrationFile(path: string): Promise<MigrationFileContent> {
  let bytes: Uint8Array
  try {
    bytes = readFileSync(path)
  } catch (error) {
    throw unreadableFileError(path, error)
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch (error) {
    throw sourceError({
      code: 'MIGRATION_UNREADABLE',
      file: path,
      message: 'the file is not valid UTF-8',
      hint: 'save it as UTF-8 (iconv -f latin1 -t utf-8, or your editor\'s "save with encoding")',
      cause: error,
    })
  }
  return { bytes, text: text.startsWith('\uFEFF') ? text.slice(1) : text }
}

/** The coded error for a file or folder the file system refused, by its errno. */
export function unreadableFileError(path: string, cause: unknown): PlumblineError {
  const errno = (cause as { code?: unknown } | null)?.code
  const reasons: Record<string, readonly [string, string]> = {
    EACCES: ['permission denied', `let this user read it: chmod a+r ${path} (or run as its owner)`],
    EPERM: ['operation not permitted', `let this user read it: chmod a+r ${path} (or run as its owner)`],
    ENOENT: ['it does not exist (a broken symbolic link?)', 'fix or remove the link'],
    EISDIR: ['it is a folder, not a file', 'a migration is one file; rename the folder'],
    ELOOP: ['a symbolic link loop', 'fix or remove the link'],
  }
  const [reason, hint] = reasons[typeof errno === 'string' ? errno : ''] ?? [
    String((cause as Error | null)?.message ?? cause),
    'check that the file can be read',
  ]
  return sourceError({
    code: 'MIGRATION_UNREADABLE',
    file: path,
    message: `cannot read: ${reason}`,
    hint,
    details: typeof errno === 'string' ? { errno } : {},
    cause,
  })
}
