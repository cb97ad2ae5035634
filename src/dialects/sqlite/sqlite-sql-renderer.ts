import type { SqlTokens } from './sqlite-ddl-tokenizer.js'
import { SQLITE_KEYWORDS } from './sqlite-keywords.js'

const BARE_NAME = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*$/

/**
 * An identifier as the canonical form writes it: bare when SQLite reads it back unquoted as the
 * same name, otherwise in double quotes. `"users"`, `[users]` and `` `users` `` all become `users`,
 * which is what makes the quotes `ALTER TABLE … RENAME` adds vanish. Case is kept: SQLite returns
 * names to applications as they were declared.
 *
 * @example
 * canonicalIdentifier('daily stats') // '"daily stats"'
 */
export function canonicalIdentifier(name: string): string {
  if (BARE_NAME.test(name) && !SQLITE_KEYWORDS.has(name.toUpperCase())) return name
  return `"${name.replaceAll('"', '""')}"`
}

/** The name a word, quoted identifier or string token stands for. */
export function tokenName(tokens: SqlTokens, i: number): string {
  const text = tokens.text(i)
  return tokens.kind(i) === 'string' ? text.slice(1, -1).replaceAll("''", "'") : text
}

/** Keywords after which `-`/`+` is binary: they end an operand, like a literal or `)` does. */
const OPERAND_KEYWORDS = new Set(['NULL', 'END', 'CURRENT_DATE', 'CURRENT_TIME', 'CURRENT_TIMESTAMP'])

/**
 * Keywords that are also function names (`replace(…)`, `like(…)`) or read like calls
 * (`CAST(…)`, `RAISE(…)`): written without a space before `(` where a call can stand.
 */
const CALL_KEYWORDS = new Set(['CAST', 'GLOB', 'LIKE', 'MATCH', 'RAISE', 'REGEXP', 'REPLACE'])

/** True when a sign after token `before` (-1: none) is unary. */
function isUnaryPosition(tokens: SqlTokens, before: number): boolean {
  if (before < 0) return true
  if (tokens.kind(before) === 'operator') return !tokens.isOperator(before, ')')
  const keyword = tokens.keyword(before)
  return keyword !== undefined && !OPERAND_KEYWORDS.has(keyword)
}

/** `TRUE` and `FALSE` are not keywords to SQLite, but read as literals when no column has the name. */
function literalWord(text: string): string {
  if (text.length !== 4 && text.length !== 5) return text
  const upper = text.toUpperCase()
  return upper === 'TRUE' || upper === 'FALSE' ? upper : text
}

function piece(tokens: SqlTokens, i: number, afterCollate: boolean): string {
  const kind = tokens.kind(i)
  if (afterCollate && kind !== 'operator') {
    // Collation names are matched case-insensitively, also for user-defined collations.
    return canonicalIdentifier(tokenName(tokens, i).toUpperCase())
  }
  switch (kind) {
    case 'word':
      return tokens.keyword(i) ?? literalWord(tokens.text(i))
    case 'quoted':
      return canonicalIdentifier(tokens.text(i))
    case 'blob':
      return `X${tokens.text(i).slice(1).toUpperCase()}`
    case 'number':
      return tokens.text(i).toLowerCase()
    case 'operator':
      if (tokens.isOperator(i, '==')) return '='
      if (tokens.isOperator(i, '<>')) return '!='
      return tokens.text(i)
    default:
      return tokens.text(i)
  }
}

/**
 * Writes tokens `[start, end)` in canonical form: keywords in upper case, identifiers quoted only
 * where needed, one space between tokens except inside `f(x)`, `a.b`, before `,` and `)`, and
 * after a unary sign. String literals are kept byte for byte. The result depends on the tokens
 * alone, so whitespace, comments, keyword case and quoting style never reach it; it is valid SQL
 * that tokenizes back to the same tokens.
 *
 * Text that is already canonical, as most schema text is, comes back as one slice of the
 * source: only from the first token that needs rewriting on is the text assembled piece by piece.
 *
 * @example
 * renderSql(tokenizeSql("check ( [rating]   between 1 and 5 ) -- 1..5")) // 'CHECK (rating BETWEEN 1 AND 5)'
 */
export function renderSql(tokens: SqlTokens, start = 0, end: number = tokens.length): string {
  if (end <= start) return ''
  const sql = tokens.sql
  let out: string | undefined
  let afterUnary = false
  let call = false
  for (let i = start; i < end; i++) {
    const before = i - 1
    const afterCollate = i > start && tokens.keyword(before) === 'COLLATE'
    const space = i > start && !call && spaced(tokens, before, i, afterUnary)
    if (out === undefined) {
      const gap = i > start ? tokens.offset(i) - tokens.endOffset(before) : 0
      const sameGap = space ? gap === 1 && sql.charCodeAt(tokens.offset(i) - 1) === 32 : gap === 0
      if (!sameGap || !asWritten(tokens, i, afterCollate)) {
        out = i > start ? sql.slice(tokens.offset(start), tokens.endOffset(before)) : ''
      }
    }
    if (out !== undefined) {
      if (space) out += ' '
      out += piece(tokens, i, afterCollate)
    }
    const sign = tokens.isOperator(i, '-') || tokens.isOperator(i, '+')
    afterUnary = tokens.isOperator(i, '~') || (sign && isUnaryPosition(tokens, i > start ? before : -1))
    const keyword = tokens.keyword(i)
    call =
      keyword !== undefined &&
      CALL_KEYWORDS.has(keyword) &&
      tokens.isOperator(i + 1, '(') &&
      isUnaryPosition(tokens, i > start ? before : -1)
  }
  return out ?? sql.slice(tokens.offset(start), tokens.endOffset(end - 1))
}

/** True when token `i` is written in the source exactly as {@link piece} would write it. */
function asWritten(tokens: SqlTokens, i: number, afterCollate: boolean): boolean {
  const kind = tokens.kind(i)
  const from = tokens.offset(i)
  const to = tokens.endOffset(i)
  if (afterCollate && kind !== 'operator') {
    return kind === 'word' && tokens.keyword(i) === undefined && !hasLetter(tokens.sql, from, to, 97)
  }
  switch (kind) {
    case 'word': {
      const literal = upperIs(tokens.sql, from, to, 'TRUE') || upperIs(tokens.sql, from, to, 'FALSE')
      return (tokens.keyword(i) === undefined && !literal) || !hasLetter(tokens.sql, from, to, 97)
    }
    case 'quoted':
      return false
    case 'blob':
      return !hasLetter(tokens.sql, from, to, 97)
    case 'number':
      return !hasLetter(tokens.sql, from, to, 65)
    case 'operator':
      return !tokens.isOperator(i, '==') && !tokens.isOperator(i, '<>')
    default:
      return true
  }
}

/** True when `text[from, to)` spells `upper` in any case. */
function upperIs(text: string, from: number, to: number, upper: string): boolean {
  if (to - from !== upper.length) return false
  for (let i = 0; i < upper.length; i++) {
    if ((text.charCodeAt(from + i) & ~32) !== upper.charCodeAt(i)) return false
  }
  return true
}

/** True when `text[from, to)` has an ASCII letter of the case starting at `a` (97 lower, 65 upper). */
function hasLetter(text: string, from: number, to: number, a: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i)
    if (c >= a && c < a + 26) return true
  }
  return false
}

function spaced(tokens: SqlTokens, before: number, i: number, afterUnary: boolean): boolean {
  if (tokens.kind(i) === 'operator') {
    if (tokens.isOperator(i, ')') || tokens.isOperator(i, ',') || tokens.isOperator(i, ';')) return false
    if (tokens.isOperator(i, '.')) return false
  }
  if (tokens.isOperator(before, '(') || tokens.isOperator(before, '.')) return false
  // `- -1` must not become the comment `--1`.
  if (afterUnary) return tokens.isOperator(i, '-')
  if (tokens.isOperator(i, '(')) {
    const kind = tokens.kind(before)
    return !(kind === 'quoted' || (kind === 'word' && tokens.keyword(before) === undefined))
  }
  return true
}

/**
 * Narrows `[start, end)` past parentheses that wrap the whole range: `((a > 0))` and `a > 0` are
 * one expression. Returns the inner range.
 */
export function unwrapParentheses(tokens: SqlTokens, start: number, end: number): [number, number] {
  let s = start
  let e = end
  while (e - s >= 2 && tokens.isOperator(s, '(') && matchingParenthesis(tokens, s) === e - 1) {
    s++
    e--
  }
  return [s, e]
}

/** The index of the `)` closing the `(` at `open`, or -1 when it is not closed. */
export function matchingParenthesis(tokens: SqlTokens, open: number): number {
  let depth = 0
  for (let i = open; i < tokens.length; i++) {
    if (tokens.kind(i) !== 'operator') continue
    if (tokens.isOperator(i, '(')) depth++
    else if (tokens.isOperator(i, ')') && --depth === 0) return i
  }
  return -1
}
