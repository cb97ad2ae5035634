import { PlumblineError } from '../../errors/plumbline-error.js'
import { sqlLiteral } from './mysql-literal.js'

/**
 * Replaces each `?` marker of a statement with its value as a literal (see {@link sqlLiteral}), so
 * the statement travels in one round trip on the text protocol. Markers inside quotes, backticks
 * and comments are text, not markers. A count that does not match is refused as the server
 * refuses a prepared statement given the wrong number of values.
 *
 * @example
 * bindParameters('SELECT ? AS a, `?` FROM t -- ?', [1]) // 'SELECT 1 AS a, `?` FROM t -- ?'
 */
export function bindParameters(sql: string, params: ReadonlyArray<unknown>): string {
  // Without values the text is sent as written, as the driver would: `?` may be legitimate there.
  if (params.length === 0) return sql
  let out = ''
  let from = 0
  let used = 0
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!
    if (c === "'" || c === '"' || c === '`') i = closingQuote(sql, i, c)
    else if (c === '#' || (c === '-' && sql[i + 1] === '-' && /\s/.test(sql[i + 2] ?? ' '))) {
      const end = sql.indexOf('\n', i)
      i = end < 0 ? sql.length : end
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2)
      i = end < 0 ? sql.length : end + 1
    } else if (c === '?') {
      if (used < params.length) out += sql.slice(from, i) + sqlLiteral(params[used])
      used++
      from = i + 1
    }
  }
  if (used !== params.length) {
    throw new PlumblineError({
      code: 'QUERY_FAILED',
      message: `the statement has ${used} parameter marker${used === 1 ? '' : 's'} but ${params.length} value${params.length === 1 ? ' was' : 's were'} given`,
      details: { statement: sql },
    })
  }
  return out + sql.slice(from)
}

/** Where a quoted run that opens at `at` ends: a doubled quote and, in strings, `\x` stay inside. */
function closingQuote(sql: string, at: number, quote: string): number {
  for (let i = at + 1; i < sql.length; i++) {
    const c = sql[i]
    if (c === '\\' && quote !== '`') i++
    else if (c === quote) {
      if (sql[i + 1] !== quote) return i
      i++
    }
  }
  return sql.length
}
