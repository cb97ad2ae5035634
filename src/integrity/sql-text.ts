import type { DialectName } from '../config/connection-url.js'
import { IDENTIFIER } from './spec-reader.js'

/** An identifier quoted for the dialect: `"user_id"`, or `` `user_id` `` on MySQL. */
export function quoteIdentifier(dialect: DialectName, name: string): string {
  return dialect === 'mysql' ? `\`${name.replace(/`/g, '``')}\`` : `"${name.replace(/"/g, '""')}"`
}

/** A table name, `schema.table` quoted part by part. */
export function quoteTable(dialect: DialectName, name: string): string {
  return name
    .split('.')
    .map((part) => quoteIdentifier(dialect, part))
    .join('.')
}

/** A `groupBy` entry: a plain identifier is a column (quoted), anything else an SQL expression. */
export function columnOrExpression(dialect: DialectName, entry: string, qualifier?: string): string {
  if (!IDENTIFIER.test(entry)) return `(${entry})`
  return qualifier === undefined
    ? quoteIdentifier(dialect, entry)
    : `${qualifier}.${quoteIdentifier(dialect, entry)}`
}

/**
 * `a` and `b` differ, NULL-safely: a NULL differs from any value and equals another NULL.
 * SQLite's `IS NOT` predates its `IS DISTINCT FROM` (3.39) and means the same.
 */
export function distinct(dialect: DialectName, a: string, b: string): string {
  if (dialect === 'postgres') return `${a} IS DISTINCT FROM ${b}`
  if (dialect === 'mysql') return `NOT (${a} <=> ${b})`
  return `${a} IS NOT ${b}`
}

/**
 * 1 when `predicate` is not true — false or NULL — and 0 when it is: the shape that makes a NULL
 * predicate count as a failure (`NOT (p)` would silently pass it).
 */
export function failFlag(predicate: string): string {
  return `CASE WHEN ${predicate} THEN 0 ELSE 1 END`
}

/** A boolean condition that holds when `predicate` is not true (false or NULL). */
export function notTrue(dialect: DialectName, predicate: string): string {
  return dialect === 'postgres' ? `(${predicate}) IS NOT TRUE` : `${failFlag(predicate)} = 1`
}

/** Collects parameter values and writes the dialect's positional markers in text order. */
export class Params {
  readonly #dialect: DialectName
  readonly #values: unknown[] = []

  constructor(dialect: DialectName) {
    this.#dialect = dialect
  }

  /** The marker for `value` (`$3`, or `?`): call in the order the markers appear in the text. */
  add(value: unknown): string {
    this.#values.push(value)
    return this.#dialect === 'postgres' ? `$${this.#values.length}` : '?'
  }

  /** The values, in marker order. */
  get values(): ReadonlyArray<unknown> {
    return Object.freeze([...this.#values])
  }
}

/** The column that carries a check's total on every sample row; unlikely to clash with a user's. */
export const TOTAL_COLUMN = 'plumbline_total'
