import type { SqlTokens } from './sqlite-ddl-tokenizer.js'
import { renderSql, tokenName } from './sqlite-sql-renderer.js'

/** One column of an index or key: `email`, `date DESC`, `lower(email) COLLATE NOCASE`. */
export interface IndexedColumn {
  /** Canonical text; `ASC`, the default order, is dropped. */
  readonly text: string
  /** The column's name when the entry is a plain column, otherwise `null` (an expression). */
  readonly column: string | null
}

/**
 * Splits the tokens `[start, end)` of `a, lower(b) DESC, …` at top-level commas and renders each
 * entry in canonical form.
 *
 * @example
 * indexedColumns(tokenizeSql('"user_id", date asc, lower(x) desc'), 0, 9).map((c) => c.text)
 * // ['user_id', 'date', 'lower(x) DESC']
 */
export function indexedColumns(tokens: SqlTokens, start: number, end: number): IndexedColumn[] {
  const result: IndexedColumn[] = []
  let depth = 0
  let from = start
  for (let i = start; i < end; i++) {
    if (tokens.kind(i) !== 'operator') continue
    if (tokens.isOperator(i, '(')) depth++
    else if (tokens.isOperator(i, ')')) depth--
    else if (depth === 0 && tokens.isOperator(i, ',')) {
      result.push(entry(tokens, from, i))
      from = i + 1
    }
  }
  if (end > from) result.push(entry(tokens, from, end))
  return result
}

function entry(tokens: SqlTokens, from: number, end: number): IndexedColumn {
  const to = tokens.keyword(end - 1) === 'ASC' ? end - 1 : end
  const next = tokens.keyword(from + 1)
  const plain =
    tokens.isName(from) && (from + 1 === to || next === 'COLLATE' || (from + 2 === to && next === 'DESC'))
  return Object.freeze({ text: renderSql(tokens, from, to), column: plain ? tokenName(tokens, from) : null })
}
