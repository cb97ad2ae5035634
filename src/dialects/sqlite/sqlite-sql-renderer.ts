import type { Token } from './sqlite-ddl-tokenizer.js'
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
export function tokenName(token: Token): string {
  return token.kind === 'string' ? token.text.slice(1, -1).replaceAll("''", "'") : token.text
}

/**
 * Keywords after which `-`/`+` is binary: they end an operand, like a literal or `)` does.
 */
const OPERAND_KEYWORDS = new Set(['NULL', 'END', 'CURRENT_DATE', 'CURRENT_TIME', 'CURRENT_TIMESTAMP'])

/**
 * Keywords that are also function names (`replace(…)`, `like(…)`) or read like calls
 * (`CAST(…)`, `RAISE(…)`): written without a space before `(` where a call can stand.
 */
const CALL_KEYWORDS = new Set(['CAST', 'GLOB', 'LIKE', 'MATCH', 'RAISE', 'REGEXP', 'REPLACE'])

function isOperator(token: Token | undefined, text: string): boolean {
  return token !== undefined && token.kind === 'operator' && token.text === text
}

function isUnaryPosition(before: Token | undefined): boolean {
  if (before === undefined) return true
  if (before.kind === 'operator') return before.text !== ')'
  return before.keyword !== undefined && !OPERAND_KEYWORDS.has(before.keyword)
}

/** `TRUE` and `FALSE` are not keywords to SQLite, but read as literals when no column has the name. */
function literalWord(text: string): string {
  if (text.length !== 4 && text.length !== 5) return text
  const upper = text.toUpperCase()
  return upper === 'TRUE' || upper === 'FALSE' ? upper : text
}

function piece(token: Token, before: Token | undefined): string {
  if (before?.keyword === 'COLLATE' && token.kind !== 'operator') {
    // Collation names are matched case-insensitively, also for user-defined collations.
    return canonicalIdentifier(tokenName(token).toUpperCase())
  }
  switch (token.kind) {
    case 'word':
      return token.keyword ?? literalWord(token.text)
    case 'quoted':
      return canonicalIdentifier(token.text)
    case 'blob':
      return `X${token.text.slice(1).toUpperCase()}`
    case 'number':
      return token.text.toLowerCase()
    case 'operator':
      return token.text === '==' ? '=' : token.text === '<>' ? '!=' : token.text
    default:
      return token.text
  }
}

/**
 * Writes tokens `[start, end)` in canonical form: keywords in upper case, identifiers quoted only
 * where needed, one space between tokens except inside `f(x)`, `a.b`, before `,` and `)`, and
 * after a unary sign. String literals are kept byte for byte. The result depends on the tokens
 * alone, so whitespace, comments, keyword case and quoting style never reach it; it is valid SQL
 * that tokenizes back to the same tokens.
 *
 * @example
 * renderSql(tokenizeSql("check ( [rating]   between 1 and 5 ) -- 1..5")) // 'CHECK (rating BETWEEN 1 AND 5)'
 */
export function renderSql(tokens: ReadonlyArray<Token>, start = 0, end: number = tokens.length): string {
  let out = ''
  let before: Token | undefined
  let afterUnary = false
  let call = false
  for (let i = start; i < end; i++) {
    const token = tokens[i]!
    if (before !== undefined && !call && spaced(before, token, afterUnary)) out += ' '
    out += piece(token, before)
    afterUnary =
      token.kind === 'operator' &&
      (token.text === '~' || ((token.text === '-' || token.text === '+') && isUnaryPosition(before)))
    call =
      token.keyword !== undefined &&
      CALL_KEYWORDS.has(token.keyword) &&
      isOperator(tokens[i + 1], '(') &&
      isUnaryPosition(before)
    before = token
  }
  return out
}

function spaced(before: Token, token: Token, afterUnary: boolean): boolean {
  if (
    token.kind === 'operator' &&
    (token.text === ')' || token.text === ',' || token.text === ';' || token.text === '.')
  ) {
    return false
  }
  if (isOperator(before, '(') || isOperator(before, '.')) return false
  // `- -1` must not become the comment `--1`.
  if (afterUnary) return isOperator(token, '-')
  if (isOperator(token, '('))
    return !(before.kind === 'quoted' || (before.kind === 'word' && before.keyword === undefined))
  return true
}

/**
 * Narrows `[start, end)` past parentheses that wrap the whole range: `((a > 0))` and `a > 0` are
 * one expression. Returns the inner range.
 */
export function unwrapParentheses(
  tokens: ReadonlyArray<Token>,
  start: number,
  end: number,
): [number, number] {
  let s = start
  let e = end
  while (e - s >= 2 && isOperator(tokens[s], '(') && matchingParenthesis(tokens, s) === e - 1) {
    s++
    e--
  }
  return [s, e]
}

/** The index of the `)` closing the `(` at `open`, or -1 when it is not closed. */
export function matchingParenthesis(tokens: ReadonlyArray<Token>, open: number): number {
  let depth = 0
  for (let i = open; i < tokens.length; i++) {
    const token = tokens[i]!
    if (token.kind !== 'operator') continue
    if (token.text === '(') depth++
    else if (token.text === ')' && --depth === 0) return i
  }
  return -1
}
