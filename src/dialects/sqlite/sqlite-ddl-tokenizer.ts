import { PlumblineError } from '../../errors/plumbline-error.js'
import { keywordNumberAt, SQLITE_KEYWORD_LIST } from './sqlite-keywords.js'

/**
 * What a token is. `quoted` is an identifier in `"…"`, `` `…` `` or `[…]`; `string` is a
 * `'…'` literal (which SQLite also accepts as a name in a few places).
 */
export type TokenKind = 'word' | 'quoted' | 'string' | 'blob' | 'number' | 'variable' | 'operator'

const KINDS: ReadonlyArray<TokenKind> = ['word', 'quoted', 'string', 'blob', 'number', 'variable', 'operator']
const WORD = 0
const QUOTED = 1
const STRING = 2
const BLOB = 3
const NUMBER = 4
const VARIABLE = 5
const OPERATOR = 6

/**
 * The tokens of one statement, kept as offsets into its text rather than as one object each:
 * a schema has tens of thousands of tokens, and reading it should leave little garbage behind.
 * Whitespace and comments are not tokens.
 */
export class SqlTokens {
  readonly sql: string
  #length = 0
  // Three numbers a token: start, end, kind * 256 + keyword number (0: not a keyword).
  #data: Int32Array

  constructor(sql: string) {
    this.sql = sql
    this.#data = new Int32Array(3 * ((sql.length >> 2) + 8))
  }

  get length(): number {
    return this.#length
  }

  /** The kind of token `i`; `undefined` past the last token. */
  kind(i: number): TokenKind | undefined {
    return i < this.#length ? KINDS[this.#data[3 * i + 2]! >> 8] : undefined
  }

  /** For a word that is a SQLite keyword: the keyword in upper case. */
  keyword(i: number): string | undefined {
    const number = i < this.#length ? this.#data[3 * i + 2]! & 255 : 0
    return number === 0 ? undefined : SQLITE_KEYWORD_LIST[number - 1]
  }

  /** The source text, except for `quoted`: the identifier with its quotes removed and unescaped. */
  text(i: number): string {
    const start = this.#data[3 * i]!
    const end = this.#data[3 * i + 1]!
    if (this.#data[3 * i + 2]! >> 8 !== QUOTED) return this.sql.slice(start, end)
    const quote = this.sql[start]!
    const inner = this.sql.slice(start + 1, end - 1)
    return quote === '[' || !inner.includes(quote) ? inner : inner.replaceAll(quote + quote, quote)
  }

  /** True when token `i` is the operator or punctuation `text`. */
  isOperator(i: number, text: string): boolean {
    if (i < 0 || i >= this.#length || this.#data[3 * i + 2]! >> 8 !== OPERATOR) return false
    const start = this.#data[3 * i]!
    if (this.#data[3 * i + 1]! - start !== text.length) return false
    for (let k = 0; k < text.length; k++)
      if (this.sql.charCodeAt(start + k) !== text.charCodeAt(k)) return false
    return true
  }

  /** True for a word, a quoted identifier or a string: what may stand as a name. */
  isName(i: number): boolean {
    if (i < 0 || i >= this.#length) return false
    const kind = this.#data[3 * i + 2]! >> 8
    return kind === WORD || kind === QUOTED || kind === STRING
  }

  /** Offset of token `i` in the source text (its length past the last token). */
  offset(i: number): number {
    return i < this.#length ? this.#data[3 * i]! : this.sql.length
  }

  /** Offset just after token `i` in the source text. */
  endOffset(i: number): number {
    return this.#data[3 * i + 1]!
  }

  /** Appends a token; {@link tokenizeSql} is the only caller. */
  push(kind: number, start: number, end: number, keyword: number): void {
    if (3 * this.#length === this.#data.length) {
      const data = new Int32Array(this.#data.length * 2)
      data.set(this.#data)
      this.#data = data
    }
    const at = 3 * this.#length++
    this.#data[at] = start
    this.#data[at + 1] = end
    this.#data[at + 2] = (kind << 8) | keyword
  }
}

const SPACE = new Uint8Array(128)
for (const c of ' \t\n\f\r') SPACE[c.charCodeAt(0)] = 1

/** Letters, `_` and any non-ASCII character may start a name, as in SQLite's own tokenizer. */
function isIdStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128
}

function isIdPart(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57) || c === 36
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)
}

/** Characters that are an operator or punctuation on their own: `+-*%<>=&|~(),;./`. */
const SINGLE = new Uint8Array(128)
for (const c of '+-*/%<>=&|~(),;.') SINGLE[c.charCodeAt(0)] = 1

/** The length of the operator starting with `c`, `d`, `e`, or 0 when there is none. */
function operatorLength(c: number, d: number, e: number): number {
  switch (c) {
    case 45: // -> ->>
      return d === 62 ? (e === 62 ? 3 : 2) : 1
    case 124: // ||
      return d === 124 ? 2 : 1
    case 60: // <= <> <<
      return d === 61 || d === 62 || d === 60 ? 2 : 1
    case 62: // >= >>
      return d === 61 || d === 62 ? 2 : 1
    case 61: // ==
      return d === 61 ? 2 : 1
    case 33: // != (a lone ! is not an operator)
      return d === 61 ? 2 : 0
    default:
      return c < 128 && SINGLE[c] === 1 ? 1 : 0
  }
}

/**
 * Splits SQL text into tokens the way SQLite reads it: `--` and `/* … *\/` comments, `''` inside
 * strings, doubled quote characters inside quoted identifiers, `[…]` names without escapes,
 * blob literals, hexadecimal numbers and `_` digit separators (SQLite 3.46+).
 *
 * @example
 * const tokens = tokenizeSql('CREATE TABLE "a b" (x)')
 * tokens.length // 6
 * tokens.text(2) // 'a b'
 * tokens.keyword(1) // 'TABLE'
 */
export function tokenizeSql(sql: string): SqlTokens {
  const tokens = new SqlTokens(sql)
  const n = sql.length
  let i = 0
  while (i < n) {
    const c = sql.charCodeAt(i)
    if (c < 128 && SPACE[c] === 1) {
      i++
      continue
    }
    const start = i
    if (c === 45 && sql.charCodeAt(i + 1) === 45) {
      const end = sql.indexOf('\n', i + 2)
      i = end === -1 ? n : end + 1
      continue
    }
    // An unterminated block comment runs to the end of the text, as in SQLite.
    if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      const end = sql.indexOf('*/', i + 2)
      i = end === -1 ? n : end + 2
      continue
    }
    if (isIdStart(c) && !((c === 120 || c === 88) && sql.charCodeAt(i + 1) === 39)) {
      i++
      while (i < n && isIdPart(sql.charCodeAt(i))) i++
      tokens.push(WORD, start, i, keywordNumberAt(sql, start, i))
    } else if (c === 39) {
      i = skipQuoted(sql, i, 39)
      tokens.push(STRING, start, i, 0)
    } else if (c === 34 || c === 96) {
      i = skipQuoted(sql, i, c)
      tokens.push(QUOTED, start, i, 0)
    } else if (c === 91) {
      const end = sql.indexOf(']', i + 1)
      if (end === -1) throw syntaxError(sql, start, 'an unterminated [name]')
      i = end + 1
      tokens.push(QUOTED, start, i, 0)
    } else if (c === 120 || c === 88) {
      i = skipQuoted(sql, i + 1, 39)
      tokens.push(BLOB, start, i, 0)
    } else if (isDigit(c) || (c === 46 && isDigit(sql.charCodeAt(i + 1)))) {
      i = skipNumber(sql, i)
      tokens.push(NUMBER, start, i, 0)
    } else if (c === 63 || c === 58 || c === 64 || c === 36) {
      i++
      while (i < n && isIdPart(sql.charCodeAt(i))) i++
      tokens.push(VARIABLE, start, i, 0)
    } else {
      const length = operatorLength(c, sql.charCodeAt(i + 1), sql.charCodeAt(i + 2))
      if (length === 0) throw syntaxError(sql, start, `the character ${JSON.stringify(sql[start])}`)
      i += length
      tokens.push(OPERATOR, start, i, 0)
    }
  }
  return tokens
}

/** Returns the offset after a literal or identifier closed by `quote`, where a doubled quote escapes it. */
function skipQuoted(sql: string, open: number, quote: number): number {
  let i = open + 1
  for (;;) {
    const end = sql.indexOf(String.fromCharCode(quote), i)
    if (end === -1) throw syntaxError(sql, open, 'an unterminated quote')
    if (sql.charCodeAt(end + 1) !== quote) return end + 1
    i = end + 2
  }
}

function skipNumber(sql: string, start: number): number {
  const n = sql.length
  let i = start
  if (sql.charCodeAt(i) === 48 && (sql.charCodeAt(i + 1) | 32) === 120 && isHexDigit(sql.charCodeAt(i + 2))) {
    i += 2
    while (i < n && (isHexDigit(sql.charCodeAt(i)) || sql.charCodeAt(i) === 95)) i++
    return i
  }
  while (i < n && (isDigit(sql.charCodeAt(i)) || sql.charCodeAt(i) === 95)) i++
  if (sql.charCodeAt(i) === 46) {
    i++
    while (i < n && (isDigit(sql.charCodeAt(i)) || sql.charCodeAt(i) === 95)) i++
  }
  if ((sql.charCodeAt(i) | 32) === 101) {
    const sign = sql.charCodeAt(i + 1)
    const digitAt = sign === 43 || sign === 45 ? i + 2 : i + 1
    if (isDigit(sql.charCodeAt(digitAt))) {
      i = digitAt
      while (i < n && isDigit(sql.charCodeAt(i))) i++
    }
  }
  return i
}

/** The error for SQL text plumbline cannot read; `offset` points at the trouble. */
export function syntaxError(sql: string, offset: number, found: string): PlumblineError {
  const excerpt = sql.length > 160 ? `${sql.slice(0, 160)}…` : sql
  return new PlumblineError({
    code: 'INTROSPECTION_FAILED',
    message: `cannot read SQLite schema text: unexpected ${found} at offset ${offset} in: ${excerpt}`,
    hint: 'the statement is in the error details; please report it with the SQLite version',
    details: { statement: sql, offset },
  })
}
