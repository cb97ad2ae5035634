import type { DialectName } from '../config/connection-url.js'
import type { Statement } from './migration.js'
import { type SplitOptions, statementSpans } from './statement-spans.js'

/**
 * Splits a SQL script into the statements an engine runs one at a time, each with the 1-based
 * line it starts on. Exact, per dialect, for:
 *
 * - strings with `''` escapes, PostgreSQL `E'…\'…'`, MySQL backslash escapes;
 * - `"…"` identifiers, MySQL/SQLite `` `…` ``, SQLite `[…]`;
 * - `--` and `/* *\/` comments (nesting on PostgreSQL), MySQL `#` comments;
 * - PostgreSQL `$$…$$` and `$tag$…$tag$` (never confused with `$1`);
 * - SQLite `CREATE TRIGGER … BEGIN … END` and PostgreSQL `BEGIN ATOMIC … END` bodies, `CASE … END`
 *   inside them, and PostgreSQL `CREATE RULE … (a; b)`;
 * - the mysql client's `DELIMITER` lines (MySQL compound bodies need them, as in the client).
 *
 * Empty statements are dropped; a statement's own terminator and the comments around it are not
 * part of its text. One assumption: PostgreSQL's `standard_conforming_strings` is on (the default
 * since 9.1), so a plain '…' string takes backslashes literally.
 *
 * Throws `MIGRATION_SQL_INVALID` for a quote, comment or body that never ends.
 *
 * @example
 * splitStatements("CREATE TABLE t (s text DEFAULT 'a;b');\nSELECT 1;", 'sqlite')
 * // → [{ sql: "CREATE TABLE t (s text DEFAULT 'a;b')", line: 1 }, { sql: 'SELECT 1', line: 2 }]
 */
export function splitStatements(
  sql: string,
  dialect: DialectName,
  options: Pick<SplitOptions, 'source'> = {},
): ReadonlyArray<Statement> {
  return Object.freeze(
    statementSpans(sql, dialect, options).map((span) =>
      Object.freeze({ sql: sql.slice(span.start, span.end), line: span.line }),
    ),
  )
}
