import { type IndexedColumn, indexedColumns } from './sqlite-indexed-columns.js'
import { canonicalIdentifier, renderSql, unwrapParentheses } from './sqlite-sql-renderer.js'
import { TokenCursor } from './sqlite-token-cursor.js'

/** An explicit `CREATE INDEX` statement, read and normalised. */
export interface ParsedCreateIndex {
  readonly name: string
  readonly table: string
  readonly unique: boolean
  readonly columns: ReadonlyArray<IndexedColumn>
  /** The predicate of a partial index in canonical form, or `null`. */
  readonly where: string | null
  /** `CREATE [UNIQUE] INDEX name ON table (…) [WHERE …]`: canonical and executable. */
  readonly definition: string
}

/**
 * Reads the `CREATE INDEX` text SQLite keeps for an explicit index. `IF NOT EXISTS`, a schema
 * prefix, `ASC`, quoting, case and spacing vanish; columns, expressions, collations, `DESC`,
 * uniqueness and the predicate stay.
 *
 * @example
 * parseCreateIndex('create index if not exists "ix" on [goals]( user_id asc ) where status = \'active\'').definition
 * // "CREATE INDEX ix ON goals (user_id) WHERE status = 'active'"
 */
export function parseCreateIndex(sql: string): ParsedCreateIndex {
  const cursor = new TokenCursor(sql)
  const head = cursor.createHead('INDEX')
  cursor.expectKeyword('ON')
  const table = cursor.qualifiedName()
  const open = cursor.index
  const close = cursor.skipParenthesized()
  const columns = Object.freeze(indexedColumns(cursor.tokens, open + 1, close))
  let where: string | null = null
  if (cursor.acceptKeyword('WHERE')) {
    const [start, end] = unwrapParentheses(cursor.tokens, cursor.index, cursor.end)
    where = renderSql(cursor.tokens, start, end)
    cursor.index = cursor.end
  }
  cursor.expectEnd()
  const definition =
    `CREATE ${head.unique ? 'UNIQUE ' : ''}INDEX ${canonicalIdentifier(head.name)} ON ${canonicalIdentifier(table)} ` +
    `(${columns.map((c) => c.text).join(', ')})${where === null ? '' : ` WHERE ${where}`}`
  return Object.freeze({ name: head.name, table, unique: head.unique, columns, where, definition })
}
