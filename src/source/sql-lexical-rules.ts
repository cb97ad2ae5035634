import type { DialectName } from '../config/connection-url.js'

/**
 * Where the three dialects' lexical rules differ, as data. Only what decides token boundaries
 * is here: splitting needs to know where a string, identifier, comment or body ends, never what
 * it means.
 */
export interface SqlLexicalRules {
  /** `\` escapes the next character inside '…' and "…" (MySQL's default sql_mode). */
  readonly backslashEscapes: boolean
  /** PostgreSQL `E'…'`: backslash escapes inside, on top of `''`. */
  readonly escapeStrings: boolean
  /** `` `…` `` quotes an identifier (MySQL; SQLite accepts it for compatibility). */
  readonly backticks: boolean
  /** `[…]` quotes an identifier (SQLite, for compatibility with SQL Server). */
  readonly brackets: boolean
  /** PostgreSQL `$$…$$` and `$tag$…$tag$`. */
  readonly dollarQuotes: boolean
  /** PostgreSQL block comments nest: `/* a /* b *\/ still a *\/`. */
  readonly nestedBlockComments: boolean
  /** An unterminated block comment runs to the end of the input (SQLite); elsewhere an error. */
  readonly openBlockCommentAtEnd: boolean
  /** `#` starts a line comment (MySQL). */
  readonly hashComments: boolean
  /** `--` starts a comment only when followed by whitespace or the end (MySQL: `1--1` is 2). */
  readonly dashCommentNeedsSpace: boolean
  /** `/*! … *\/` and MariaDB's `/*M! … *\/` are executed by the server, not ignored (MySQL). */
  readonly executableComments: boolean
  /** The mysql client's `DELIMITER xx` line changes the statement terminator. */
  readonly delimiterCommand: boolean
  /** A semicolon inside parentheses does not end a statement (PostgreSQL `CREATE RULE … (a; b)`). */
  readonly parenthesesHoldSemicolons: boolean
}

/** The lexical rules of each dialect. */
export const SQL_LEXICAL_RULES: Readonly<Record<DialectName, SqlLexicalRules>> = Object.freeze({
  sqlite: Object.freeze({
    backslashEscapes: false,
    escapeStrings: false,
    backticks: true,
    brackets: true,
    dollarQuotes: false,
    nestedBlockComments: false,
    openBlockCommentAtEnd: true,
    hashComments: false,
    dashCommentNeedsSpace: false,
    executableComments: false,
    delimiterCommand: false,
    parenthesesHoldSemicolons: false,
  }),
  postgres: Object.freeze({
    // standard_conforming_strings is on by default since PostgreSQL 9.1: plain '…' strings take
    // backslashes literally, only E'…' strings escape with them.
    backslashEscapes: false,
    escapeStrings: true,
    backticks: false,
    brackets: false,
    dollarQuotes: true,
    nestedBlockComments: true,
    openBlockCommentAtEnd: false,
    hashComments: false,
    dashCommentNeedsSpace: false,
    executableComments: false,
    delimiterCommand: false,
    parenthesesHoldSemicolons: true,
  }),
  mysql: Object.freeze({
    backslashEscapes: true,
    escapeStrings: false,
    backticks: true,
    brackets: false,
    dollarQuotes: false,
    nestedBlockComments: false,
    openBlockCommentAtEnd: false,
    hashComments: true,
    dashCommentNeedsSpace: true,
    executableComments: true,
    delimiterCommand: true,
    parenthesesHoldSemicolons: false,
  }),
})
