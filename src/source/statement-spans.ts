import type { DialectName } from '../config/connection-url.js'
import { LineIndex } from './line-index.js'
import { sourceError } from './source-error.js'
import { type SqlToken, tokenize } from './sql-lexer.js'
import { SQL_LEXICAL_RULES } from './sql-lexical-rules.js'

/** Which part of a text to split, and how to name it in errors. */
export interface SplitOptions {
  readonly from?: number
  readonly to?: number
  /** The file name errors mention. */
  readonly source?: string
  readonly lines?: LineIndex
}

/** One statement's place in the text, with the tokens that make it (comments left out). */
export interface StatementSpan {
  readonly start: number
  readonly end: number
  readonly line: number
  readonly tokens: ReadonlyArray<SqlToken>
}

/**
 * Statements whose body holds semicolons between `BEGIN` and `END`, recognised by how they start:
 * SQLite `CREATE [TEMP] TRIGGER … BEGIN … END`, PostgreSQL `CREATE [OR REPLACE] FUNCTION|PROCEDURE
 * … BEGIN ATOMIC … END` (SQL-standard bodies, PostgreSQL 14+). MySQL bodies need `DELIMITER`, as in
 * the mysql client.
 */
function hasBlockBody(dialect: DialectName, words: ReadonlyArray<string>): boolean {
  if (words[0] !== 'CREATE') return false
  if (dialect === 'sqlite') {
    const at = words[1] === 'TEMP' || words[1] === 'TEMPORARY' ? 2 : 1
    return words[at] === 'TRIGGER'
  }
  if (dialect === 'postgres') {
    const at = words[1] === 'OR' && words[2] === 'REPLACE' ? 3 : 1
    return words[at] === 'FUNCTION' || words[at] === 'PROCEDURE'
  }
  return false
}

interface OpenStatement {
  readonly tokens: SqlToken[]
  /** The first keywords, upper-cased, to recognise statements with a block body. */
  readonly words: string[]
  /** Holds a token that is more than an optimizer hint. */
  substantive: boolean
  depth: number
  /** Where the outermost BEGIN stands, for the error when its END is missing. */
  beginAt: number
  parens: number
  parenAt: number
}

/**
 * Groups the tokens of a text into statements. A terminator ends a statement unless it stands
 * inside a block body (counting `BEGIN`/`CASE` up and `END` down, as psql does on PostgreSQL) or,
 * on PostgreSQL, inside parentheses. Statements with nothing but comments and hints are dropped.
 *
 * Throws `MIGRATION_SQL_INVALID` when the text ends inside a body or an open parenthesis that
 * swallowed semicolons, rather than hand the engine several statements as one.
 */
export function statementSpans(
  text: string,
  dialect: DialectName,
  options: SplitOptions = {},
): StatementSpan[] {
  const lines = options.lines ?? new LineIndex(text)
  const tokens = tokenize(text, dialect, { ...options, lines })
  const parensHold = SQL_LEXICAL_RULES[dialect].parenthesesHoldSemicolons
  const spans: StatementSpan[] = []
  let open: OpenStatement | undefined

  const close = (statement: OpenStatement) => {
    if (!statement.substantive) return
    const first = statement.tokens[0]!
    const last = statement.tokens[statement.tokens.length - 1]!
    spans.push({
      start: first.start,
      end: last.end,
      line: lines.lineAt(first.start),
      tokens: statement.tokens,
    })
  }

  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k]!
    if (token.kind === 'comment') continue
    if (token.kind === 'delimiter-command') {
      // Only hints can precede a DELIMITER line in a statement; they make none.
      open = undefined
      continue
    }
    if (token.kind === 'terminator') {
      if (open === undefined) continue
      const inside = open.depth > 0 || (parensHold && open.parens > 0)
      if (open.substantive && inside) {
        open.tokens.push(token)
        continue
      }
      close(open)
      open = undefined
      continue
    }
    open ??= { tokens: [], words: [], substantive: false, depth: 0, beginAt: 0, parens: 0, parenAt: 0 }
    open.tokens.push(token)
    if (token.kind !== 'hint') open.substantive = true
    if (token.kind === 'punct') {
      const ch = text[token.start]
      if (ch === '(') {
        if (open.parens === 0) open.parenAt = token.start
        open.parens++
      } else if (ch === ')' && open.parens > 0) open.parens--
    } else if (token.kind === 'word') {
      trackKeyword(text, dialect, tokens, k, open)
    }
  }
  if (open?.substantive) {
    if (open.depth > 0) {
      throw sourceError({
        code: 'MIGRATION_SQL_INVALID',
        file: options.source ?? '<sql>',
        line: lines.lineAt(open.beginAt),
        message: 'this BEGIN has no matching END, so every statement after it was read as part of its body',
        hint: 'end the body with END; (a CASE inside it needs its own END)',
      })
    }
    if (parensHold && open.parens > 0 && open.tokens.some((t) => t.kind === 'terminator')) {
      throw sourceError({
        code: 'MIGRATION_SQL_INVALID',
        file: options.source ?? '<sql>',
        line: lines.lineAt(open.parenAt),
        message: 'this parenthesis is never closed, so every statement after it was read as one',
        hint: 'close the parenthesis',
      })
    }
    close(open)
  }
  return spans
}

function trackKeyword(
  text: string,
  dialect: DialectName,
  tokens: ReadonlyArray<SqlToken>,
  k: number,
  open: OpenStatement,
): void {
  const token = tokens[k]!
  // `NEW.end`, `t.begin`: a name next to a dot is a column or table, never a keyword.
  const before = tokens[k - 1]
  const after = tokens[k + 1]
  if (before?.kind === 'punct' && before.end === token.start && text[before.start] === '.') return
  if (after?.kind === 'punct' && after.start === token.end && text[after.start] === '.') return
  const word = text.slice(token.start, token.end).toUpperCase()
  if (open.words.length < 4) open.words.push(word)
  if (!hasBlockBody(dialect, open.words)) return
  // psql counts only outside parentheses; CASE … END inside them balance on their own.
  if (dialect === 'postgres' && open.parens > 0) return
  if (word === 'BEGIN') {
    if (open.depth === 0) open.beginAt = token.start
    open.depth++
  } else if (word === 'CASE') {
    // A CASE before the body (a trigger's WHEN clause) closes before BEGIN; count only inside.
    if (open.depth > 0) open.depth++
  } else if (word === 'END') {
    if (open.depth > 0) open.depth--
  }
}
