import type { DialectName } from '../config/connection-url.js'
import {
  type CheckDirective,
  collectMigrationChecks,
  type MigrationChecks,
  parseCheckDirective,
} from '../integrity/migration-conditions.js'
import { type DirectiveWord, isSectionWord, parseDirective, SQL_DIRECTIVE } from './directive.js'
import { LineIndex } from './line-index.js'
import type { MigrationDirective, Statement } from './migration.js'
import { normalizedStatement } from './normalized-statement.js'
import { sourceError } from './source-error.js'
import { type SqlToken, tokenize } from './sql-lexer.js'
import { statementSpans } from './statement-spans.js'

/** Which file of a migration the text is: a whole `.sql`, or one half of a pair. */
export type SqlFileRole = 'single' | 'up' | 'down'

/** A section read from a file: its text, statements and their cosmetic-free form. */
export interface ParsedSection {
  readonly sql: string
  readonly statements: ReadonlyArray<Statement>
  /** One entry per statement; see {@link normalizedStatement}. */
  readonly normalized: ReadonlyArray<string>
}

/** A SQL migration file, read. A section without statements is absent. */
export interface ParsedSqlMigration {
  readonly up?: ParsedSection
  readonly down?: ParsedSection
  readonly directives: ReadonlyArray<MigrationDirective>
  /** Data-integrity checks that must pass before and after the migration. */
  readonly checks: MigrationChecks
}

interface DirectiveLine {
  readonly word: DirectiveWord
  /** The line as written (a check directive's names are read from it). */
  readonly text: string
  readonly line: number
  /** Offset of the line's first character. */
  readonly start: number
  /** Offset of the directive itself, after any indentation. */
  readonly at: number
  /** Offset just past the line's newline (or the end of the text). */
  readonly next: number
}

/**
 * Reads a SQL migration file's sections and header directives.
 *
 * - `-- plumbline:up` and `-- plumbline:down` lines open sections, each at most once. Without an
 *   `up` marker, what precedes the first marker (the whole file, when there is none) is `up`;
 *   with one, only comments may precede the first marker. In a pair, `.up.sql` may carry only
 *   the `up` marker and `.down.sql` only the `down` one.
 * - Other directives (`-- plumbline:no-transaction`) belong to the header: the comment lines
 *   before any SQL of a `.sql` or `.up.sql` file. They apply to the whole migration.
 * - Directive lines are found by the lexer, so a `-- plumbline:down` inside a string or a
 *   dollar-quoted function body is text, not a marker.
 * - `up` must hold a statement (`.down.sql` and a down section may be empty: no down).
 */
export function parseSqlMigration(
  text: string,
  options: { readonly dialect: DialectName; readonly file: string; readonly role: SqlFileRole },
): ParsedSqlMigration {
  const { dialect, file, role } = options
  const lines = new LineIndex(text)
  const tokens = tokenize(text, dialect, { source: file, lines })
  const directiveLines = findDirectiveLines(text, tokens, lines, file)
  const firstSql = tokens.find(
    (t) => isSql(t) && !directiveLines.some((d) => t.start >= d.start && t.start < d.next),
  )?.start

  const directives = new Set<MigrationDirective>()
  const conditions: CheckDirective[] = []
  const markers: DirectiveLine[] = []
  for (const d of directiveLines) {
    if (isSectionWord(d.word)) {
      checkMarkerAllowed(d, role, file)
      const twice = markers.find((m) => m.word === d.word)
      if (twice !== undefined) {
        throw sourceError({
          code: 'MIGRATION_SECTION_DUPLICATE',
          file,
          line: d.line,
          message: `a second "-- plumbline:${d.word}" (the first is on line ${twice.line})`,
          hint: `a migration has one ${d.word} section; merge the two`,
          details: { section: d.word, firstLine: twice.line },
        })
      }
      markers.push(d)
    } else if (role === 'down' || (firstSql !== undefined && d.start > firstSql)) {
      throw sourceError({
        code: 'MIGRATION_DIRECTIVE_MISPLACED',
        file,
        line: d.line,
        message: `"-- plumbline:${d.word}" must stand in the header, before any SQL`,
        hint:
          role === 'down'
            ? 'directives apply to the whole migration: put it at the top of the .up.sql file'
            : 'move it to the comment lines at the top of the file',
      })
    } else if (d.word === 'check') conditions.push(parseCheckDirective(d.text, file, d.line)!)
    else directives.add(d.word)
  }

  const implicit: 'up' | 'down' = role === 'down' ? 'down' : 'up'
  const firstMarker = markers[0]
  const headEnd = firstMarker?.start ?? text.length
  const ranges: Array<{ name: 'up' | 'down'; from: number; to: number }> = []
  if (markers.some((m) => m.word === implicit)) {
    if (firstSql !== undefined && firstSql < headEnd) {
      throw sourceError({
        code: 'MIGRATION_SQL_OUTSIDE_SECTION',
        file,
        line: lines.lineAt(firstSql),
        message: `this SQL stands before the first section marker (line ${firstMarker!.line}) and belongs to no section`,
        hint: 'move it below "-- plumbline:up" or "-- plumbline:down"',
      })
    }
  } else ranges.push({ name: implicit, from: 0, to: headEnd })
  markers.forEach((m, i) => {
    ranges.push({ name: m.word as 'up' | 'down', from: m.next, to: markers[i + 1]?.start ?? text.length })
  })

  // Directive lines become blank lines: they are no SQL, even where the lexer disagrees (MySQL
  // reads `--plumbline:up` without a space as two minus signs), and offsets and lines stay put.
  let masked = text
  for (const d of directiveLines) {
    masked =
      masked.slice(0, d.start) + masked.slice(d.start, d.next).replace(/[^\n]/g, ' ') + masked.slice(d.next)
  }
  const sections: { up?: ParsedSection; down?: ParsedSection } = {}
  for (const range of ranges) {
    const section = readSection(text, masked, dialect, range, file, lines)
    if (section !== undefined) sections[range.name] = section
  }
  if (role !== 'down' && sections.up === undefined) {
    const marker = markers.find((m) => m.word === 'up')
    throw sourceError({
      code: 'MIGRATION_UP_EMPTY',
      file,
      ...(marker === undefined ? {} : { line: marker.line }),
      message: 'the up section holds no statement',
      hint: 'write the statements of the change under "-- plumbline:up", or delete the file',
    })
  }
  return Object.freeze({
    ...sections,
    directives: Object.freeze([...directives].sort()),
    checks: collectMigrationChecks(conditions),
  })
}

function isSql(token: SqlToken): boolean {
  return token.kind !== 'comment' && token.kind !== 'hint' && token.kind !== 'terminator'
}

/**
 * Lines that are a `-- plumbline:` directive and nothing else. On MySQL `--plumbline:up` (no
 * space) is no comment to the server, but it is still read as the directive it was meant to be.
 */
function findDirectiveLines(
  text: string,
  tokens: ReadonlyArray<SqlToken>,
  lines: LineIndex,
  file: string,
): DirectiveLine[] {
  const found: DirectiveLine[] = []
  // A directive holds "plumbline:": only the lines that do are read (most hold none).
  const mentions = /plumbline:/gi
  let lastLine = -1
  for (let m = mentions.exec(text); m !== null; m = mentions.exec(text)) {
    const start = text.lastIndexOf('\n', m.index - 1) + 1
    if (start === lastLine) continue
    lastLine = start
    const newline = text.indexOf('\n', start)
    const next = newline === -1 ? text.length : newline + 1
    const lineText = text.slice(start, newline === -1 ? text.length : newline)
    const indent = lineText.length - lineText.trimStart().length
    const token = tokenStartingAt(tokens, start + indent)
    // No token starts here when the line lies inside a string, a body or a block comment.
    if (SQL_DIRECTIVE.test(lineText.trimStart()) && token !== undefined) {
      const line = lines.lineAt(start)
      found.push({
        word: parseDirective(lineText, SQL_DIRECTIVE, file, line),
        text: lineText,
        line,
        start,
        at: start + indent,
        next,
      })
    }
  }
  if (lastLine === -1) return found
  for (const token of tokens) {
    if (token.kind !== 'comment') continue
    const comment = text.slice(token.start, token.end)
    if (SQL_DIRECTIVE.test(comment) && !found.some((d) => d.at === token.start)) {
      throw sourceError({
        code: 'MIGRATION_DIRECTIVE_MISPLACED',
        file,
        line: lines.lineAt(token.start),
        message: `"${comment.trim()}" shares its line with SQL`,
        hint: 'a directive stands alone on its line',
      })
    }
  }
  return found
}

/** The token that starts at `at`, found by bisection (tokens are in order and do not overlap). */
function tokenStartingAt(tokens: ReadonlyArray<SqlToken>, at: number): SqlToken | undefined {
  let low = 0
  let high = tokens.length - 1
  while (low <= high) {
    const mid = (low + high) >> 1
    const start = tokens[mid]!.start
    if (start === at) return tokens[mid]
    if (start < at) low = mid + 1
    else high = mid - 1
  }
  return undefined
}

function checkMarkerAllowed(d: DirectiveLine, role: SqlFileRole, file: string): void {
  if (role === 'single' || role === d.word) return
  throw sourceError({
    code: 'MIGRATION_DIRECTIVE_MISPLACED',
    file,
    line: d.line,
    message: `"-- plumbline:${d.word}" in the ${role} file of a pair`,
    hint: `the ${d.word} statements of a pair live in its .${d.word}.sql file`,
  })
}

function readSection(
  text: string,
  masked: string,
  dialect: DialectName,
  range: { readonly from: number; readonly to: number },
  file: string,
  lines: LineIndex,
): ParsedSection | undefined {
  // Each section is split on its own: a MySQL DELIMITER set in one does not leak into the next,
  // just as the sections run separately.
  const spans = statementSpans(masked, dialect, { from: range.from, to: range.to, source: file, lines })
  if (spans.length === 0) return undefined
  return Object.freeze({
    sql: text.slice(range.from, range.to).trim(),
    statements: Object.freeze(
      spans.map((s) => Object.freeze({ sql: masked.slice(s.start, s.end), line: s.line })),
    ),
    normalized: Object.freeze(spans.map((s) => normalizedStatement(masked, s))),
  })
}
