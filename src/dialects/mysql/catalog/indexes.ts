import type { SchemaObject } from '../../../schema/model.js'
import { quoteIdentifier, quoteText } from '../mysql-quote.js'
import { atLeast } from '../mysql-server.js'
import { type CatalogScope, inDatabase, notPlumbline, selected } from './catalog-scope.js'
import { text, textOrNull } from './catalog-value.js'
import type { ForeignKey } from './foreign-keys.js'

/**
 * Every index, one row per key part: one round trip for primary keys, unique keys and indexes.
 * An index is selected by its table's name.
 *
 * Server differences: MariaDB 10.6+ can ignore an index (`IGNORED`), MySQL 8 can make it
 * invisible (`IS_VISIBLE`); MySQL 8.0.13+ indexes expressions (`EXPRESSION`, with no column).
 */
export function indexesSql(scope: CatalogScope): string {
  const { server } = scope
  const ignored =
    server.flavor === 'mariadb'
      ? atLeast(server, 10, 6)
        ? "s.IGNORED = 'YES'"
        : 'FALSE'
      : atLeast(server, 8, 0)
        ? "s.IS_VISIBLE = 'NO'"
        : 'FALSE'
  const expression = server.flavor === 'mysql' && atLeast(server, 8, 0, 13) ? 's.EXPRESSION' : 'NULL'
  return `SELECT s.TABLE_NAME AS table_name, s.INDEX_NAME AS name, s.NON_UNIQUE AS non_unique,
  s.COLUMN_NAME AS column_name, ${expression} AS expression, s.SUB_PART AS sub_part, s.COLLATION AS collation,
  s.INDEX_TYPE AS index_type, s.INDEX_COMMENT AS comment, ${ignored} AS ignored
FROM information_schema.STATISTICS s
WHERE ${inDatabase('s.TABLE_SCHEMA', scope)} AND ${notPlumbline('s.TABLE_NAME')}
  AND ${selected(scope, 's.TABLE_NAME')}
ORDER BY s.TABLE_NAME, s.INDEX_NAME, s.SEQ_IN_INDEX`
}

interface Index {
  readonly table: string
  readonly name: string
  readonly unique: boolean
  readonly type: string
  readonly comment: string
  readonly ignored: boolean
  readonly parts: Array<{ readonly column: string | null; readonly text: string }>
}

/**
 * Objects for the indexes. In MySQL a PRIMARY KEY or UNIQUE constraint *is* an index, and
 * information_schema lists every unique index as a UNIQUE constraint: so the model keeps one
 * representation (decision 3), the constraint: `PRIMARY` becomes the `primary_key`, every other
 * unique index a `unique` (`CREATE UNIQUE INDEX` and `ADD CONSTRAINT … UNIQUE` give the same
 * object, as they give the same index). The rest are `index` objects, spelt as `CREATE INDEX`.
 *
 * The index InnoDB creates by itself for a foreign key that no index serves is left out: the
 * foreign key stands for it. It is recognised by what InnoDB names it (the constraint, or for an
 * unnamed constraint its first column) and by its columns being exactly the key's. InnoDB drops it
 * when a migration later adds an index that serves the key, so whether a database ever had it
 * depends on statement order, which must not change a fingerprint.
 */
export function indexObjects(
  rows: ReadonlyArray<Record<string, unknown>>,
  foreignKeys: ReadonlyArray<ForeignKey>,
  engines: ReadonlyMap<string, string | null>,
): SchemaObject[] {
  const objects: SchemaObject[] = []
  for (const index of readIndexes(rows)) {
    if (index.name === 'PRIMARY') objects.push(primaryKey(index, engines))
    else if (index.unique) objects.push(uniqueKey(index, engines))
    else if (!madeForForeignKey(index, foreignKeys)) objects.push(plainIndex(index, engines))
  }
  return objects
}

function readIndexes(rows: ReadonlyArray<Record<string, unknown>>): Index[] {
  const indexes = new Map<string, Index>()
  for (const row of rows) {
    const table = text(row.table_name)
    const name = text(row.name)
    const id = `${table}\0${name}`
    let index = indexes.get(id)
    if (index === undefined) {
      index = {
        table,
        name,
        unique: Number(row.non_unique) === 0,
        type: text(row.index_type).toUpperCase(),
        comment: text(row.comment),
        ignored: Number(row.ignored) === 1,
        parts: [],
      }
      indexes.set(id, index)
    }
    index.parts.push(keyPart(row))
  }
  return [...indexes.values()]
}

/** `` `title`(20) DESC ``, or a MySQL functional key part `((lower(`email`)))`. */
function keyPart(row: Record<string, unknown>): { column: string | null; text: string } {
  const column = textOrNull(row.column_name)
  const expression = textOrNull(row.expression)
  const prefix = row.sub_part === null || row.sub_part === undefined ? '' : `(${text(row.sub_part)})`
  const order = text(row.collation) === 'D' ? ' DESC' : ''
  const base = column !== null ? `${quoteIdentifier(column)}${prefix}` : `(${expression ?? ''})`
  return { column, text: base + order }
}

function details(index: Index): Record<string, unknown> {
  return {
    columns: index.parts.map((p) => p.text),
    type: index.type,
    ...(index.comment === '' ? {} : { comment: index.comment }),
    ...(index.ignored ? { ignored: true } : {}),
  }
}

/**
 * `USING HASH` where the index is a hash (MariaDB's unique key on a long column), `USING BTREE`
 * on a MEMORY table, whose indexes are hashes unless told otherwise; elsewhere BTREE goes unsaid.
 * InnoDB accepts `USING HASH` and builds a BTREE: the catalog says BTREE, and so does the model,
 * since that is what the table has.
 */
function options(index: Index, engines: ReadonlyMap<string, string | null>): string {
  const hashByDefault = /^(memory|heap)$/i.test(engines.get(index.table) ?? '')
  let out =
    index.type === 'HASH' ? ' USING HASH' : index.type === 'BTREE' && hashByDefault ? ' USING BTREE' : ''
  if (index.comment !== '') out += ` COMMENT ${quoteText(index.comment)}`
  if (index.ignored) out += ' IGNORED'
  return out
}

function keyParts(index: Index): string {
  return `(${index.parts.map((p) => p.text).join(', ')})`
}

function primaryKey(index: Index, engines: ReadonlyMap<string, string | null>): SchemaObject {
  return {
    kind: 'primary_key',
    name: index.name,
    table: index.table,
    definition: `PRIMARY KEY ${keyParts(index)}${options(index, engines)}`,
    details: details(index),
  }
}

function uniqueKey(index: Index, engines: ReadonlyMap<string, string | null>): SchemaObject {
  return {
    kind: 'unique',
    name: index.name,
    table: index.table,
    definition: `UNIQUE KEY ${quoteIdentifier(index.name)} ${keyParts(index)}${options(index, engines)}`,
    details: details(index),
  }
}

function plainIndex(index: Index, engines: ReadonlyMap<string, string | null>): SchemaObject {
  const kind = index.type === 'FULLTEXT' ? 'FULLTEXT ' : index.type === 'SPATIAL' ? 'SPATIAL ' : ''
  return {
    kind: 'index',
    name: index.name,
    table: index.table,
    definition: `CREATE ${kind}INDEX ${quoteIdentifier(index.name)} ON ${quoteIdentifier(index.table)} ${keyParts(index)}${options(index, engines)}`,
    details: { ...details(index), unique: false },
  }
}

function madeForForeignKey(index: Index, foreignKeys: ReadonlyArray<ForeignKey>): boolean {
  if (index.type !== 'BTREE' || index.comment !== '' || index.ignored) return false
  const columns = index.parts.map((p) => (p.text === quoteIdentifier(p.column ?? '') ? p.column : null))
  return foreignKeys.some(
    (key) =>
      key.table === index.table &&
      (index.name === key.name || index.name === key.columns[0]) &&
      key.columns.length === columns.length &&
      key.columns.every((c, i) => c === columns[i]),
  )
}
