import { indexedColumns } from './sqlite-indexed-columns.js'
import { canonicalIdentifier, renderSql, unwrapParentheses } from './sqlite-sql-renderer.js'
import { TokenCursor } from './sqlite-token-cursor.js'

/** How a constraint violation is resolved; `ABORT`, the default, is written as no clause at all. */
export type ConflictResolution = 'ROLLBACK' | 'FAIL' | 'IGNORE' | 'REPLACE'

/** A foreign-key action; `NO ACTION`, the default, is kept so the two sides of a diff read alike. */
export type ForeignKeyAction = 'NO ACTION' | 'RESTRICT' | 'SET NULL' | 'SET DEFAULT' | 'CASCADE'

/** What a column definition says that `pragma_table_xinfo` does not. */
export interface ParsedColumn {
  readonly name: string
  /** The conflict clause of `NOT NULL`, when one other than the default is given. */
  readonly notNullConflict: ConflictResolution | null
  /** Upper case: SQLite matches collation names case-insensitively. */
  readonly collation: string | null
  /** `GENERATED ALWAYS AS (…)`: the expression in canonical form. */
  readonly generated: { readonly expression: string; readonly stored: boolean } | null
}

/** A `PRIMARY KEY` or `UNIQUE` constraint, from a column or from the table. */
export interface ParsedKeyConstraint {
  readonly kind: 'primary_key' | 'unique'
  readonly name: string | null
  /** Indexed columns in canonical form: `email`, `date DESC`, `title COLLATE NOCASE`. */
  readonly columns: ReadonlyArray<string>
  readonly columnNames: ReadonlyArray<string>
  readonly conflict: ConflictResolution | null
  readonly autoincrement: boolean
}

/** A `CHECK` constraint; the expression is in canonical form without its outer parentheses. */
export interface ParsedCheck {
  readonly kind: 'check'
  readonly name: string | null
  readonly expression: string
}

/** A foreign key as written, from a column's `REFERENCES` or the table's `FOREIGN KEY`. */
export interface ParsedForeignKey {
  readonly kind: 'foreign_key'
  readonly name: string | null
  readonly columns: ReadonlyArray<string>
  readonly table: string
  /** Empty when the clause names no columns (it then references the parent's primary key). */
  readonly referencedColumns: ReadonlyArray<string>
  readonly onDelete: ForeignKeyAction
  readonly onUpdate: ForeignKeyAction
  readonly match: string | null
  /** Only `DEFERRABLE INITIALLY DEFERRED` defers; every other spelling is immediate. */
  readonly deferred: boolean
}

/** Any table or column constraint. */
export type ParsedConstraint = ParsedKeyConstraint | ParsedCheck | ParsedForeignKey

/** A `CREATE TABLE` statement read into the facts the introspector models. */
export interface ParsedCreateTable {
  readonly name: string
  /** For `CREATE VIRTUAL TABLE`: the canonical `USING module(args)` clause. */
  readonly using: string | null
  readonly columns: ReadonlyArray<ParsedColumn>
  /** In the order they are written; foreign keys keep SQLite's own order. */
  readonly constraints: ReadonlyArray<ParsedConstraint>
  readonly withoutRowid: boolean
  readonly strict: boolean
}

const COLUMN_CONSTRAINT_START = new Set([
  'CONSTRAINT',
  'PRIMARY',
  'NOT',
  'NULL',
  'UNIQUE',
  'CHECK',
  'DEFAULT',
  'COLLATE',
  'REFERENCES',
  'AS',
  'DEFERRABLE',
])

const TABLE_CONSTRAINT_START = new Set(['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN'])

/**
 * Reads the `CREATE TABLE` text SQLite keeps in `sqlite_schema.sql`: what `pragma_table_xinfo`
 * and `pragma_foreign_key_list` leave out (collations, CHECK and generated expressions,
 * constraint names, conflict clauses, `DEFERRABLE`, table options).
 *
 * @example
 * parseCreateTable("CREATE TABLE t (a TEXT COLLATE nocase, CHECK (a <> ''))").constraints
 * // [{ kind: 'check', name: null, expression: "a != ''" }]
 */
export function parseCreateTable(sql: string): ParsedCreateTable {
  const cursor = new TokenCursor(sql)
  const head = cursor.createHead('TABLE')
  if (head.virtual) {
    cursor.expectKeyword('USING')
    const module = canonicalIdentifier(cursor.name().toLowerCase())
    const args = renderSql(cursor.tokens, cursor.index, cursor.end)
    return freeze(
      { name: head.name, using: `USING ${module}${args}`, columns: [], constraints: [] },
      false,
      false,
    )
  }
  const columns: ParsedColumn[] = []
  const constraints: ParsedConstraint[] = []
  cursor.expectOperator('(')
  let inConstraints = false
  for (;;) {
    const keyword = cursor.keyword()
    if (keyword !== undefined && TABLE_CONSTRAINT_START.has(keyword)) {
      inConstraints = true
      readTableConstraint(cursor, constraints)
    } else if (inConstraints) {
      cursor.fail('a table constraint')
    } else {
      columns.push(readColumn(cursor, constraints))
    }
    if (cursor.acceptOperator(',')) continue
    if (cursor.acceptOperator(')')) break
    // SQLite accepts table constraints that no comma separates.
    if (!inConstraints) cursor.fail('"," or ")"')
  }
  let withoutRowid = false
  let strict = false
  while (cursor.index < cursor.end) {
    if (cursor.acceptKeyword('WITHOUT')) {
      if (!cursor.acceptWord('ROWID')) cursor.fail('ROWID')
      withoutRowid = true
    } else if (cursor.acceptWord('STRICT')) strict = true
    else cursor.fail('WITHOUT ROWID or STRICT')
    if (!cursor.acceptOperator(',')) break
  }
  cursor.expectEnd()
  return freeze({ name: head.name, using: null, columns, constraints }, withoutRowid, strict)
}

function freeze(
  parts: Pick<ParsedCreateTable, 'name' | 'using' | 'columns' | 'constraints'>,
  withoutRowid: boolean,
  strict: boolean,
): ParsedCreateTable {
  Object.freeze(parts.columns)
  Object.freeze(parts.constraints)
  return Object.freeze({ ...parts, withoutRowid, strict })
}

function readColumn(cursor: TokenCursor, constraints: ParsedConstraint[]): ParsedColumn {
  const name = cursor.name()
  // The declared type comes from pragma_table_xinfo; here it is only stepped over.
  for (;;) {
    if (cursor.index >= cursor.end || cursor.atOperator(',') || cursor.atOperator(')')) break
    if (cursor.atOperator('(')) {
      cursor.skipParenthesized()
      continue
    }
    const keyword = cursor.keyword()
    if (keyword !== undefined && COLUMN_CONSTRAINT_START.has(keyword)) break
    // GENERATED and ALWAYS may also be words of a type name; SQLite resolves it the same way.
    if (keyword === 'GENERATED' && cursor.atKeyword('ALWAYS', 1) && cursor.atKeyword('AS', 2)) break
    cursor.index++
  }
  let notNullConflict: ConflictResolution | null = null
  let collation: string | null = null
  let generated: ParsedColumn['generated'] = null
  let constraintName: string | null = null
  for (;;) {
    if (cursor.acceptKeyword('CONSTRAINT')) {
      constraintName = cursor.name()
      continue
    }
    if (cursor.acceptKeywords('PRIMARY', 'KEY')) {
      const desc = cursor.acceptKeyword('DESC')
      if (!desc) cursor.acceptKeyword('ASC')
      const conflict = readConflict(cursor)
      const autoincrement = cursor.acceptKeyword('AUTOINCREMENT')
      const column = canonicalIdentifier(name) + (desc ? ' DESC' : '')
      constraints.push(
        keyConstraint('primary_key', constraintName, [column], [name], conflict, autoincrement),
      )
    } else if (cursor.acceptKeywords('NOT', 'NULL')) {
      notNullConflict = readConflict(cursor)
    } else if (cursor.acceptKeyword('NULL')) {
      readConflict(cursor)
    } else if (cursor.acceptKeyword('UNIQUE')) {
      const conflict = readConflict(cursor)
      constraints.push(
        keyConstraint('unique', constraintName, [canonicalIdentifier(name)], [name], conflict, false),
      )
    } else if (cursor.acceptKeyword('CHECK')) {
      constraints.push(
        Object.freeze({ kind: 'check', name: constraintName, expression: readExpression(cursor) }),
      )
    } else if (cursor.acceptKeyword('DEFAULT')) {
      // The default comes from pragma_table_xinfo, which keeps the expression's own text.
      if (cursor.atOperator('(')) cursor.skipParenthesized()
      else {
        if (cursor.atOperator('-') || cursor.atOperator('+')) cursor.index++
        if (cursor.index >= cursor.end) cursor.fail('a default value')
        cursor.index++
      }
    } else if (cursor.acceptKeyword('COLLATE')) {
      collation = cursor.name().toUpperCase()
    } else if (cursor.acceptKeyword('REFERENCES')) {
      constraints.push(readReferences(cursor, constraintName, [name]))
    } else if (
      cursor.atKeyword('DEFERRABLE') ||
      (cursor.atKeyword('NOT') && cursor.atKeyword('DEFERRABLE', 1))
    ) {
      // A deferrable clause of its own applies to the column's foreign key before it.
      const last = constraints.at(-1)
      if (last?.kind !== 'foreign_key') cursor.fail('REFERENCES before DEFERRABLE')
      constraints[constraints.length - 1] = Object.freeze({ ...last, deferred: readDeferrable(cursor) })
    } else if (cursor.acceptKeywords('GENERATED', 'ALWAYS', 'AS') || cursor.acceptKeyword('AS')) {
      const expression = readExpression(cursor)
      const stored = cursor.acceptWord('STORED')
      if (!stored) cursor.acceptKeyword('VIRTUAL')
      generated = Object.freeze({ expression, stored })
    } else break
    constraintName = null
  }
  return Object.freeze({ name, notNullConflict, collation, generated })
}

function readTableConstraint(cursor: TokenCursor, constraints: ParsedConstraint[]): void {
  const name = cursor.acceptKeyword('CONSTRAINT') ? cursor.name() : null
  // SQLite accepts a constraint name with no constraint after it, and ignores it.
  if (name !== null && (cursor.atOperator(',') || cursor.atOperator(')'))) return
  const primary = cursor.acceptKeywords('PRIMARY', 'KEY')
  if (primary || cursor.acceptKeyword('UNIQUE')) {
    const open = cursor.index
    let end = cursor.skipParenthesized()
    const autoincrement = cursor.tokens.keyword(end - 1) === 'AUTOINCREMENT'
    if (autoincrement) end--
    const columns = indexedColumns(cursor.tokens, open + 1, end)
    const conflict = readConflict(cursor)
    constraints.push(
      keyConstraint(
        primary ? 'primary_key' : 'unique',
        name,
        columns.map((c) => c.text),
        columns.map((c) => c.column ?? c.text),
        conflict,
        autoincrement,
      ),
    )
  } else if (cursor.acceptKeyword('CHECK')) {
    constraints.push(Object.freeze({ kind: 'check', name, expression: readExpression(cursor) }))
    readConflict(cursor)
  } else if (cursor.acceptKeywords('FOREIGN', 'KEY')) {
    const columns = readNameList(cursor)
    cursor.expectKeyword('REFERENCES')
    constraints.push(readReferences(cursor, name, columns))
  } else cursor.fail('PRIMARY KEY, UNIQUE, CHECK or FOREIGN KEY')
}

function keyConstraint(
  kind: ParsedKeyConstraint['kind'],
  name: string | null,
  columns: ReadonlyArray<string>,
  columnNames: ReadonlyArray<string>,
  conflict: ConflictResolution | null,
  autoincrement: boolean,
): ParsedKeyConstraint {
  return Object.freeze({
    kind,
    name,
    columns: Object.freeze(columns),
    columnNames: Object.freeze(columnNames),
    conflict,
    autoincrement,
  })
}

/** `( expr )`: returns the expression in canonical form, without redundant outer parentheses. */
function readExpression(cursor: TokenCursor): string {
  const open = cursor.index
  const close = cursor.skipParenthesized()
  const [start, end] = unwrapParentheses(cursor.tokens, open + 1, close)
  return renderSql(cursor.tokens, start, end)
}

/** `( name, … )` */
function readNameList(cursor: TokenCursor): string[] {
  const names: string[] = []
  cursor.expectOperator('(')
  do names.push(cursor.name())
  while (cursor.acceptOperator(','))
  cursor.expectOperator(')')
  return names
}

/** `[ON CONFLICT resolution]` */
function readConflict(cursor: TokenCursor): ConflictResolution | null {
  if (!cursor.acceptKeywords('ON', 'CONFLICT')) return null
  for (const resolution of ['ROLLBACK', 'ABORT', 'FAIL', 'IGNORE', 'REPLACE'] as const) {
    if (cursor.acceptKeyword(resolution)) return resolution === 'ABORT' ? null : resolution
  }
  return cursor.fail('ROLLBACK, ABORT, FAIL, IGNORE or REPLACE')
}

/** After `REFERENCES`: `table [(columns)] [ON DELETE|UPDATE action | MATCH name]… [deferrable]` */
function readReferences(
  cursor: TokenCursor,
  name: string | null,
  columns: ReadonlyArray<string>,
): ParsedForeignKey {
  const table = cursor.name()
  const referencedColumns = cursor.atOperator('(') ? readNameList(cursor) : []
  let onDelete: ForeignKeyAction = 'NO ACTION'
  let onUpdate: ForeignKeyAction = 'NO ACTION'
  let match: string | null = null
  for (;;) {
    if (cursor.atKeyword('ON') && !cursor.atKeyword('CONFLICT', 1)) {
      cursor.index++
      const event = cursor.keyword()
      // SQLite accepts ON INSERT and ignores it.
      if (event !== 'DELETE' && event !== 'UPDATE' && event !== 'INSERT') cursor.fail('DELETE or UPDATE')
      cursor.index++
      const action = readAction(cursor)
      if (event === 'DELETE') onDelete = action
      else if (event === 'UPDATE') onUpdate = action
    } else if (cursor.acceptKeyword('MATCH')) {
      match = cursor.name().toUpperCase()
    } else break
  }
  const deferred =
    cursor.atKeyword('DEFERRABLE') || (cursor.atKeyword('NOT') && cursor.atKeyword('DEFERRABLE', 1))
      ? readDeferrable(cursor)
      : false
  return Object.freeze({
    kind: 'foreign_key',
    name,
    columns: Object.freeze([...columns]),
    table,
    referencedColumns: Object.freeze(referencedColumns),
    onDelete,
    onUpdate,
    match,
    deferred,
  })
}

function readAction(cursor: TokenCursor): ForeignKeyAction {
  if (cursor.acceptKeywords('SET', 'NULL')) return 'SET NULL'
  if (cursor.acceptKeywords('SET', 'DEFAULT')) return 'SET DEFAULT'
  if (cursor.acceptKeyword('CASCADE')) return 'CASCADE'
  if (cursor.acceptKeyword('RESTRICT')) return 'RESTRICT'
  if (cursor.acceptKeywords('NO', 'ACTION')) return 'NO ACTION'
  return cursor.fail('SET NULL, SET DEFAULT, CASCADE, RESTRICT or NO ACTION')
}

/** `[NOT] DEFERRABLE [INITIALLY DEFERRED|IMMEDIATE]`: true only for `DEFERRABLE INITIALLY DEFERRED`. */
function readDeferrable(cursor: TokenCursor): boolean {
  const not = cursor.acceptKeyword('NOT')
  cursor.expectKeyword('DEFERRABLE')
  let deferred = false
  if (cursor.acceptKeyword('INITIALLY')) {
    if (cursor.acceptKeyword('DEFERRED')) deferred = true
    else cursor.expectKeyword('IMMEDIATE')
  }
  return deferred && !not
}
