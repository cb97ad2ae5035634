import type { DialectName } from '../config/connection-url.js'
import { LineIndex } from './line-index.js'
import { sourceError } from './source-error.js'
import { SQL_LEXICAL_RULES, type SqlLexicalRules } from './sql-lexical-rules.js'

/**
 * What a token is, as far as statement boundaries care.
 *
 * - `word`: a keyword, an unquoted identifier or a number.
 * - `literal`: a string, a quoted identifier, a dollar-quoted body: opaque, never split.
 * - `punct`: one character of punctuation, parentheses included.
 * - `terminator`: `;`, or the delimiter a MySQL `DELIMITER` line set.
 * - `comment`: whitespace to the engine.
 * - `hint`: a `/*+ … *\/` comment; optimizer hints are read by the server (pg_hint_plan, MySQL),
 *   so they stay in a statement's text and checksum, but alone they make no statement.
 * - `executable`: MySQL's `/*! … *\/` and MariaDB's `/*M! … *\/`, which the server runs.
 * - `delimiter-command`: a whole `DELIMITER xx` line (mysql client syntax, never sent).
 */
export type SqlTokenKind =
  | 'word'
  | 'literal'
  | 'punct'
  | 'terminator'
  | 'comment'
  | 'hint'
  | 'executable'
  | 'delimiter-command'

/** A token: its kind and where it lies in the text (`text.slice(start, end)`). */
export interface SqlToken {
  readonly kind: SqlTokenKind
  readonly start: number
  readonly end: number
}

/** Which part of a text to read, and how to name it in errors. */
export interface TokenizeOptions {
  /** First offset to read; default 0. */
  readonly from?: number
  /** Offset to stop before; default the text's length. */
  readonly to?: number
  /** The file name errors mention; default `<sql>`. */
  readonly source?: string
  /** Reuse a line index of the whole text (errors report lines of the whole text). */
  readonly lines?: LineIndex
}

const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y
const DELIMITER_LINE = /delimiter(?:[ \t]+|(?=\r?\n|$))/iy

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11
}

function isWordStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c >= 128
}

function isWordPart(c: number): boolean {
  // `$` continues an identifier in all three dialects (`a$b`); that is also why a dollar quote
  // glued to a word (`AS$$`) is no dollar quote in PostgreSQL.
  return isWordStart(c) || c === 36
}

/**
 * Splits SQL text into tokens by the lexical rules of a dialect. Exact where statement
 * boundaries depend on it: quotes and their escapes, comments (nested on PostgreSQL), dollar
 * quotes (never confused with `$1`), and the mysql client's `DELIMITER`. Whitespace makes no token.
 *
 * Throws `MIGRATION_SQL_INVALID` for a string, quoted identifier, dollar quote or (except on
 * SQLite) block comment that never ends, naming the line where it began.
 */
export function tokenize(text: string, dialect: DialectName, options: TokenizeOptions = {}): SqlToken[] {
  return new Lexer(text, SQL_LEXICAL_RULES[dialect], options).run()
}

class Lexer {
  readonly #text: string
  readonly #rules: SqlLexicalRules
  readonly #options: TokenizeOptions
  readonly #end: number
  readonly #tokens: SqlToken[] = []
  #i: number
  #delimiter = ';'
  /** A token that makes a statement was read since the last terminator. */
  #inStatement = false

  constructor(text: string, rules: SqlLexicalRules, options: TokenizeOptions) {
    this.#text = text
    this.#rules = rules
    this.#options = options
    this.#i = options.from ?? 0
    this.#end = options.to ?? text.length
  }

  run(): SqlToken[] {
    const text = this.#text
    let atLineStart = true
    while (this.#i < this.#end) {
      const i = this.#i
      const c = text.charCodeAt(i)
      if (isSpace(c)) {
        if (c === 10) atLineStart = true
        this.#i++
        continue
      }
      const lineStart = atLineStart
      atLineStart = false
      if (this.#rules.delimiterCommand) {
        if (lineStart && !this.#inStatement && this.#delimiterCommand()) continue
        if (this.#delimiter !== ';' && text.startsWith(this.#delimiter, i)) {
          this.#push('terminator', i, i + this.#delimiter.length)
          continue
        }
      }
      this.#token(c, i)
    }
    return this.#tokens
  }

  #token(c: number, i: number): void {
    const next = i + 1 < this.#end ? this.#text.charCodeAt(i + 1) : Number.NaN
    const rules = this.#rules
    if (c === 59 /* ; */ && this.#delimiter === ';') this.#push('terminator', i, i + 1)
    else if (c === 45 /* - */ && next === 45 && this.#dashComment(i)) this.#lineComment(i)
    else if (c === 35 /* # */ && rules.hashComments) this.#lineComment(i)
    else if (c === 47 /* / */ && next === 42 /* * */) this.#blockComment(i)
    else if (c === 39 /* ' */) this.#quoted(i, i, "'", rules.backslashEscapes, 'string')
    else if (c === 34 /* " */) this.#quoted(i, i, '"', rules.backslashEscapes, 'double-quoted name')
    else if (c === 96 /* ` */ && rules.backticks) this.#quoted(i, i, '`', false, 'quoted identifier')
    else if (c === 91 /* [ */ && rules.brackets) this.#bracketed(i)
    else if (c === 36 /* $ */ && rules.dollarQuotes && this.#dollarQuoted(i)) return
    else if (isWordStart(c)) this.#word(i)
    // A lone surrogate half or any other character is one punctuation token; the engine judges it.
    else this.#push('punct', i, i + 1)
  }

  #push(kind: SqlTokenKind, start: number, end: number): void {
    this.#tokens.push({ kind, start, end })
    this.#i = end
    if (kind === 'terminator') this.#inStatement = false
    else if (kind !== 'comment' && kind !== 'hint' && kind !== 'delimiter-command') this.#inStatement = true
  }

  #dashComment(i: number): boolean {
    if (!this.#rules.dashCommentNeedsSpace) return true
    // MySQL: "--" begins a comment only when followed by whitespace or a control character.
    const after = i + 2 < this.#end ? this.#text.charCodeAt(i + 2) : 0
    return after <= 32
  }

  #lineComment(i: number): void {
    const newline = this.#text.indexOf('\n', i)
    this.#push('comment', i, newline === -1 || newline > this.#end ? this.#end : newline)
  }

  #blockComment(i: number): void {
    const text = this.#text
    let depth = 1
    let j = i + 2
    while (j < this.#end) {
      if (this.#rules.nestedBlockComments && text.startsWith('/*', j) && j + 1 < this.#end) {
        depth++
        j += 2
      } else if (text.startsWith('*/', j) && j + 1 < this.#end) {
        depth--
        j += 2
        if (depth === 0) break
      } else j++
    }
    if (depth > 0) {
      if (!this.#rules.openBlockCommentAtEnd) this.#unterminated(i, 'block comment', '*/')
      j = this.#end
    }
    this.#push(this.#commentKind(i), i, j)
  }

  #commentKind(i: number): SqlTokenKind {
    const text = this.#text
    if (this.#rules.executableComments && (text.startsWith('/*!', i) || text.startsWith('/*M!', i))) {
      return 'executable'
    }
    return text.startsWith('/*+', i) ? 'hint' : 'comment'
  }

  /** A run quoted by `quote`, where a doubled quote stands for itself. */
  #quoted(start: number, open: number, quote: string, backslash: boolean, what: string): void {
    const text = this.#text
    let j = open + 1
    while (j < this.#end) {
      const ch = text[j]
      if (backslash && ch === '\\') j += 2
      else if (ch === quote) {
        if (j + 1 < this.#end && text[j + 1] === quote) j += 2
        else {
          this.#push('literal', start, j + 1)
          return
        }
      } else j++
    }
    this.#unterminated(start, what, quote)
  }

  #bracketed(i: number): void {
    const close = this.#text.indexOf(']', i + 1)
    if (close === -1 || close >= this.#end) this.#unterminated(i, 'bracketed identifier', ']')
    this.#push('literal', i, close + 1)
  }

  #dollarQuoted(i: number): boolean {
    DOLLAR_TAG.lastIndex = i
    const match = DOLLAR_TAG.exec(this.#text)
    // `$1`, `$2`: positional parameters, not a quote.
    if (match === null || i + match[0].length > this.#end) return false
    const tag = match[0]
    const close = this.#text.indexOf(tag, i + tag.length)
    if (close === -1 || close + tag.length > this.#end)
      this.#unterminated(i, `dollar-quoted string ${tag}`, tag)
    this.#push('literal', i, close + tag.length)
    return true
  }

  #word(i: number): void {
    const text = this.#text
    let j = i + 1
    const customDelimiter = this.#delimiter !== ';'
    while (j < this.#end && isWordPart(text.charCodeAt(j))) {
      // The mysql client looks for its delimiter everywhere outside quotes: `END$$` ends at `$$`.
      if (customDelimiter && text.startsWith(this.#delimiter, j)) break
      j++
    }
    if (
      this.#rules.escapeStrings &&
      j === i + 1 &&
      (text[i] === 'E' || text[i] === 'e') &&
      j < this.#end &&
      text[j] === "'"
    ) {
      this.#quoted(i, j, "'", true, 'escape string')
    } else this.#push('word', i, j)
  }

  /** A `DELIMITER xx` line at the start of a statement; false when this is not one. */
  #delimiterCommand(): boolean {
    const text = this.#text
    DELIMITER_LINE.lastIndex = this.#i
    if (!DELIMITER_LINE.test(text)) return false
    const argStart = DELIMITER_LINE.lastIndex
    const newline = text.indexOf('\n', argStart)
    const lineEnd = newline === -1 || newline > this.#end ? this.#end : newline
    const rest = text.slice(argStart, lineEnd).trimEnd()
    // Like the mysql client: a quoted argument is taken whole, otherwise up to the first space.
    const quoted = /^(['"`])(.*?)\1/.exec(rest)
    const delimiter = quoted ? quoted[2]! : (rest.split(/[ \t]/)[0] ?? '')
    if (delimiter === '' || delimiter.includes('\\')) {
      throw sourceError({
        code: 'MIGRATION_SQL_INVALID',
        file: this.#options.source ?? '<sql>',
        line: this.#lineAt(this.#i),
        message: `DELIMITER needs a delimiter without a backslash, found "${rest}"`,
        hint: 'write, for example, `DELIMITER //` before a body with semicolons and `DELIMITER ;` after it',
      })
    }
    this.#delimiter = delimiter
    this.#push('delimiter-command', this.#i, lineEnd)
    return true
  }

  #lineAt(offset: number): number {
    return (this.#options.lines ?? new LineIndex(this.#text)).lineAt(offset)
  }

  #unterminated(start: number, what: string, closer: string): never {
    throw sourceError({
      code: 'MIGRATION_SQL_INVALID',
      file: this.#options.source ?? '<sql>',
      line: this.#lineAt(start),
      message: `the ${what} that begins here never ends`,
      hint: `close it with ${closer}; everything after the opening was read as part of it`,
    })
  }
}
