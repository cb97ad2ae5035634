import type { ErrorCode } from '../errors/codes.js'
import { PlumblineError } from '../errors/plumbline-error.js'

/** What a migration-source error is made from. */
export interface SourceErrorOptions {
  readonly code: ErrorCode
  /** The file (or folder) at fault, as the user named it. */
  readonly file: string
  /** 1-based line, when one line is at fault. */
  readonly line?: number
  readonly message: string
  readonly hint: string
  readonly details?: Readonly<Record<string, unknown>>
  readonly cause?: unknown
}

/**
 * An error about a migration file, its message prefixed `file:line:` the way compilers do, so an
 * editor or terminal can jump to it; `details` carries `file` and `line` for `--json`.
 */
export function sourceError(options: SourceErrorOptions): PlumblineError {
  const where = options.line === undefined ? options.file : `${options.file}:${options.line}`
  return new PlumblineError({
    code: options.code,
    message: `${where}: ${options.message}`,
    hint: options.hint,
    details: {
      file: options.file,
      ...(options.line === undefined ? {} : { line: options.line }),
      ...options.details,
    },
    cause: options.cause,
  })
}
