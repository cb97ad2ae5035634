import type { ErrorCode } from './codes.js'

/** What a {@link PlumblineError} is made from. */
export interface PlumblineErrorOptions {
  readonly code: ErrorCode
  readonly message: string
  readonly hint?: string
  readonly details?: Readonly<Record<string, unknown>>
  readonly cause?: unknown
}

/**
 * The one error type plumbline throws. Callers tell errors apart by `code`, never by message text
 * and never by `instanceof` (two copies of the package may be installed): use {@link isPlumblineError}.
 *
 * @example
 * try { await inspect({ url }) } catch (e) {
 *   if (isPlumblineError(e) && e.code === 'AUTHENTICATION_FAILED') { … }
 * }
 */
export class PlumblineError extends Error {
  override readonly name = 'PlumblineError'
  readonly code: ErrorCode
  readonly hint: string | undefined
  readonly details: Readonly<Record<string, unknown>> | undefined

  constructor(options: PlumblineErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = options.code
    this.hint = options.hint
    this.details = options.details
  }

  /** The JSON shape of contract §6. */
  toJSON(): { code: ErrorCode; message: string; hint?: string; details?: Readonly<Record<string, unknown>> } {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.details === undefined ? {} : { details: this.details }),
    }
  }
}

/** True for any plumbline error, whichever copy of the package created it. */
export function isPlumblineError(value: unknown): value is PlumblineError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === 'PlumblineError' &&
    typeof (value as { code?: unknown }).code === 'string'
  )
}
