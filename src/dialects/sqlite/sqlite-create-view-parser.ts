import { canonicalIdentifier, renderSql } from './sqlite-sql-renderer.js'
import { TokenCursor } from './sqlite-token-cursor.js'

/** A `CREATE VIEW` statement, read and normalised. */
export interface ParsedCreateView {
  readonly name: string
  /** The column names given after the view's name, if any. */
  readonly columns: ReadonlyArray<string>
  /** `CREATE VIEW name [(…)] AS select`: canonical and executable. */
  readonly definition: string
}

/**
 * Reads the `CREATE VIEW` text SQLite keeps. The query is compared as canonical text: SQLite keeps
 * no other form of it, and it rewrites identifiers in it (quoted) when a table or column is renamed.
 *
 * @example
 * parseCreateView('CREATE VIEW v as select "id" from t').definition // 'CREATE VIEW v AS SELECT id FROM t'
 */
export function parseCreateView(sql: string): ParsedCreateView {
  const cursor = new TokenCursor(sql)
  const head = cursor.createHead('VIEW')
  const columns: string[] = []
  if (cursor.acceptOperator('(')) {
    do columns.push(cursor.name())
    while (cursor.acceptOperator(','))
    cursor.expectOperator(')')
  }
  cursor.expectKeyword('AS')
  const query = renderSql(cursor.tokens, cursor.index, cursor.end)
  cursor.index = cursor.end
  cursor.expectEnd()
  const list = columns.length === 0 ? '' : `(${columns.map(canonicalIdentifier).join(', ')})`
  return Object.freeze({
    name: head.name,
    columns: Object.freeze(columns),
    definition: `CREATE VIEW ${canonicalIdentifier(head.name)}${list} AS ${query}`,
  })
}
