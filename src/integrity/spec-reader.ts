import type { ErrorCode } from '../errors/codes.js'
import { PlumblineError } from '../errors/plumbline-error.js'

/** A plain SQL identifier: quoted by plumbline, so it is matched exactly (case included). */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/
/** A table name, optionally qualified by its schema (`app.users`). */
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/
/** Names of checks and backfills: they appear on command lines and in migration directives. */
export const ENTRY_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/

/**
 * Reads one config entry (a check or a backfill), failing with a coded error that names the
 * entry and the key: `check "emails-unique": unique.columns must be …`.
 */
export class SpecReader {
  readonly #code: ErrorCode
  readonly #what: string

  constructor(code: ErrorCode, what: string) {
    this.#code = code
    this.#what = what
  }

  /** Throws the entry's coded error for `key`. */
  fail(key: string, problem: string, hint?: string): never {
    throw new PlumblineError({
      code: this.#code,
      message: `${this.#what}: ${key === '' ? '' : `${key} `}${problem}`,
      hint: hint ?? 'see docs/integrity.md for every key',
      details: { entry: this.#what, key },
    })
  }

  /** An object with only `allowed` keys, `required` ones present. */
  object(
    value: unknown,
    key: string,
    allowed: ReadonlyArray<string>,
    required: ReadonlyArray<string> = [],
  ): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      this.fail(key, 'must be an object')
    const record = value as Record<string, unknown>
    for (const k of Object.keys(record)) {
      if (!allowed.includes(k))
        this.fail(join(key, k), 'is not a known key', `known keys here: ${allowed.join(', ')}`)
    }
    for (const k of required) if (record[k] === undefined) this.fail(join(key, k), 'is missing')
    return record
  }

  /** A non-empty string. */
  text(value: unknown, key: string): string {
    if (typeof value !== 'string' || value.trim() === '') this.fail(key, 'must be a non-empty string')
    return value
  }

  /** A string or absent. */
  optionalText(value: unknown, key: string): string | undefined {
    return value === undefined ? undefined : this.text(value, key)
  }

  /** A plain identifier (a column). */
  identifier(value: unknown, key: string): string {
    const text = this.text(value, key)
    if (!IDENTIFIER.test(text)) {
      this.fail(
        key,
        `must be a column name, not ${JSON.stringify(text)}`,
        'write the name as the database stores it: letters, digits, _ and $',
      )
    }
    return text
  }

  /** A table name, optionally `schema.table`. */
  table(value: unknown, key: string): string {
    const text = this.text(value, key)
    if (!TABLE_NAME.test(text)) {
      this.fail(
        key,
        `must be a table name, not ${JSON.stringify(text)}`,
        'write `table` or `schema.table` as the database stores it',
      )
    }
    return text
  }

  /** A non-empty array of distinct identifiers. */
  identifiers(value: unknown, key: string): ReadonlyArray<string> {
    if (!Array.isArray(value) || value.length === 0)
      this.fail(key, 'must be a non-empty array of column names')
    const names = value.map((v, i) => this.identifier(v, `${key}[${i}]`))
    const duplicate = names.find((n, i) => names.indexOf(n) !== i)
    if (duplicate !== undefined) this.fail(key, `names ${duplicate} twice`)
    return Object.freeze(names)
  }

  /** A non-empty array of non-empty strings. */
  texts(value: unknown, key: string): ReadonlyArray<string> {
    if (!Array.isArray(value) || value.length === 0) this.fail(key, 'must be a non-empty array of strings')
    return Object.freeze(value.map((v, i) => this.text(v, `${key}[${i}]`)))
  }

  /** An integer in [min, max], or `fallback` when absent. */
  integer(value: unknown, key: string, min: number, max: number, fallback: number): number {
    if (value === undefined) return fallback
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(key, `must be an integer from ${min} to ${max}`)
    }
    return value
  }

  /** One of `choices`, or `fallback` when absent. */
  choice<T extends string>(value: unknown, key: string, choices: ReadonlyArray<T>, fallback: T): T {
    if (value === undefined) return fallback
    if (typeof value !== 'string' || !choices.includes(value as T)) {
      this.fail(key, `must be ${choices.map((c) => `'${c}'`).join(' or ')}`)
    }
    return value as T
  }
}

function join(parent: string, child: string): string {
  return parent === '' ? child : `${parent}.${child}`
}
