import { canonicalIdentifier, renderSql, unwrapParentheses } from './sqlite-sql-renderer.js'
import { TokenCursor } from './sqlite-token-cursor.js'

/** A `CREATE TRIGGER` statement, read and normalised. */
export interface ParsedCreateTrigger {
  readonly name: string
  readonly table: string
  readonly timing: 'BEFORE' | 'AFTER' | 'INSTEAD OF'
  /** `INSERT`, `DELETE`, `UPDATE` or `UPDATE OF a, b`. */
  readonly event: string
  /** `CREATE TRIGGER name timing event ON table [WHEN …] BEGIN …; END`: canonical and executable. */
  readonly definition: string
}

/**
 * Reads the `CREATE TRIGGER` text SQLite keeps. Noise vanishes: `IF NOT EXISTS`, `FOR EACH ROW`
 * (the only kind SQLite has), an omitted `BEFORE` (the default), quoting, case and spacing.
 *
 * @example
 * parseCreateTrigger('create trigger t after insert on "p" for each row begin select 1; end').definition
 * // 'CREATE TRIGGER t AFTER INSERT ON p BEGIN SELECT 1; END'
 */
export function parseCreateTrigger(sql: string): ParsedCreateTrigger {
  const cursor = new TokenCursor(sql)
  const head = cursor.createHead('TRIGGER')
  let timing: ParsedCreateTrigger['timing'] = 'BEFORE'
  if (cursor.acceptKeyword('AFTER')) timing = 'AFTER'
  else if (cursor.acceptKeywords('INSTEAD', 'OF')) timing = 'INSTEAD OF'
  else cursor.acceptKeyword('BEFORE')
  let event: string
  if (cursor.acceptKeyword('INSERT')) event = 'INSERT'
  else if (cursor.acceptKeyword('DELETE')) event = 'DELETE'
  else if (cursor.acceptKeyword('UPDATE')) {
    event = 'UPDATE'
    if (cursor.acceptKeyword('OF')) {
      const columns: string[] = []
      do columns.push(canonicalIdentifier(cursor.name()))
      while (cursor.acceptOperator(','))
      event += ` OF ${columns.join(', ')}`
    }
  } else return cursor.fail('INSERT, DELETE or UPDATE')
  cursor.expectKeyword('ON')
  const table = cursor.qualifiedName()
  cursor.acceptKeywords('FOR', 'EACH', 'ROW')
  let when = ''
  if (cursor.acceptKeyword('WHEN')) {
    const start = cursor.index
    while (cursor.index < cursor.end && !cursor.atKeyword('BEGIN')) {
      if (cursor.atOperator('(')) cursor.skipParenthesized()
      else cursor.index++
    }
    const [from, to] = unwrapParentheses(cursor.tokens, start, cursor.index)
    when = ` WHEN ${renderSql(cursor.tokens, from, to)}`
  }
  if (!cursor.atKeyword('BEGIN')) cursor.fail('BEGIN')
  const body = renderSql(cursor.tokens, cursor.index, cursor.end)
  cursor.index = cursor.end
  cursor.expectEnd()
  return Object.freeze({
    name: head.name,
    table,
    timing,
    event,
    definition: `CREATE TRIGGER ${canonicalIdentifier(head.name)} ${timing} ${event} ON ${canonicalIdentifier(table)}${when} ${body}`,
  })
}
