import type { DialectName } from '../config/connection-url.js'
import { tokenize } from '../source/sql-lexer.js'

/** A statement ready for `Connection.query`: positional markers and their values. */
export interface BoundStatement {
  readonly sql: string
  readonly params: ReadonlyArray<unknown>
}

type BoundName = 'from' | 'to'

interface Placeholder {
  readonly name: BoundName
  readonly start: number
  readonly end: number
}

/**
 * The `:from` and `:to` placeholders of a backfill statement, found by the dialect's own lexer so
 * that a `:to` inside a string, a quoted identifier or a comment is left alone, and PostgreSQL's
 * `::` cast is never taken for a placeholder.
 */
export function findBoundPlaceholders(sql: string, dialect: DialectName): ReadonlyArray<Placeholder> {
  const tokens = tokenize(sql, dialect)
  const found: Placeholder[] = []
  for (let i = 0; i + 1 < tokens.length; i++) {
    const colon = tokens[i]!
    const word = tokens[i + 1]!
    if (
      colon.kind !== 'punct' ||
      sql[colon.start] !== ':' ||
      word.kind !== 'word' ||
      word.start !== colon.end
    )
      continue
    const previous = tokens[i - 1]
    if (
      previous !== undefined &&
      previous.kind === 'punct' &&
      sql[previous.start] === ':' &&
      previous.end === colon.start
    )
      continue
    const name = sql.slice(word.start, word.end).toLowerCase()
    if (name === 'from' || name === 'to') found.push({ name, start: colon.start, end: word.end })
  }
  return found
}

/**
 * Replaces `:from` and `:to` with the dialect's positional markers and binds the batch's bounds
 * to them: the bounds travel as parameters, never as text.
 *
 * @example
 * bindBounds('DELETE FROM t WHERE id > :from AND id <= :to', 'postgres', 0, 1000)
 * // → { sql: 'DELETE FROM t WHERE id > $1 AND id <= $2', params: [0, 1000] }
 */
export function bindBounds(sql: string, dialect: DialectName, from: unknown, to: unknown): BoundStatement {
  const placeholders = findBoundPlaceholders(sql, dialect)
  const params: unknown[] = []
  const numbers = new Map<BoundName, number>()
  let text = ''
  let at = 0
  for (const p of placeholders) {
    text += sql.slice(at, p.start)
    const value = p.name === 'from' ? from : to
    if (dialect === 'postgres') {
      let n = numbers.get(p.name)
      if (n === undefined) {
        params.push(value)
        n = params.length
        numbers.set(p.name, n)
      }
      text += `$${n}`
    } else {
      params.push(value)
      text += '?'
    }
    at = p.end
  }
  text += sql.slice(at)
  return Object.freeze({ sql: text, params: Object.freeze(params) })
}
