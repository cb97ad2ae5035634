import type { SchemaObject } from '../../schema/model.js'
import { catalogMismatch } from './sqlite-catalog-mismatch.js'
import type { PragmaColumn, PragmaForeignKey } from './sqlite-catalog-query.js'
import { columnObject } from './sqlite-column-object.js'
import type { ParsedCreateTable, ParsedForeignKey } from './sqlite-create-table-parser.js'
import { canonicalIdentifier } from './sqlite-sql-renderer.js'

/**
 * The objects of one table: the table itself (its options only), one object per column and per
 * constraint. Facts come from the pragmas where SQLite offers them and from the parsed
 * `CREATE TABLE` text otherwise. Nothing depends on the order columns or constraints are written
 * in: positions live in `details`, and unnamed constraints get names derived from what they
 * constrain, never from their place (which is why `sqlite_autoindex_*` names are not used).
 * The table's `details.sql` is its `CREATE TABLE` text as SQLite keeps it: executable as it is,
 * so a missing table can be created again exactly.
 */
export function tableObjects(
  parsed: ParsedCreateTable,
  name: string,
  sql: string,
  columns: ReadonlyArray<PragmaColumn>,
  foreignKeys: ReadonlyArray<PragmaForeignKey>,
): SchemaObject[] {
  const out = new TableObjects()
  if (parsed.using !== null) {
    out.add({
      kind: 'table',
      name,
      definition: `VIRTUAL TABLE ${canonicalIdentifier(name)} ${parsed.using}`,
      details: Object.freeze({ virtual: true, sql }),
    })
    return out.objects
  }
  const options = [parsed.withoutRowid ? 'WITHOUT ROWID' : '', parsed.strict ? 'STRICT' : ''].filter(
    (o) => o !== '',
  )
  out.add({
    kind: 'table',
    name,
    definition: `TABLE ${canonicalIdentifier(name)}${options.length > 0 ? ` ${options.join(', ')}` : ''}`,
    details: Object.freeze({
      withoutRowid: parsed.withoutRowid,
      strict: parsed.strict,
      columns: Object.freeze(columns.map((c) => c.name)),
      sql,
    }),
  })
  if (parsed.columns.length !== columns.length)
    throw catalogMismatch(name, `${columns.length} columns`, `${parsed.columns.length}`)
  for (const column of columns) {
    const text = parsed.columns[column.cid]!
    if (text.name.toLowerCase() !== column.name.toLowerCase())
      throw catalogMismatch(name, `column ${column.name}`, text.name)
    out.add(columnObject(name, column, text))
  }
  const written: ParsedForeignKey[] = []
  for (const constraint of parsed.constraints) {
    if (constraint.kind === 'foreign_key') {
      written.push(constraint)
    } else if (constraint.kind === 'check') {
      out.add({
        kind: 'check',
        name: constraint.name ?? constraint.expression,
        table: name,
        definition: `CHECK (${constraint.expression})`,
        details: Object.freeze({ expression: constraint.expression }),
      })
    } else {
      const primary = constraint.kind === 'primary_key'
      const conflict = constraint.conflict === null ? '' : ` ON CONFLICT ${constraint.conflict}`
      const columnsText = constraint.columns.join(', ') + (constraint.autoincrement ? ' AUTOINCREMENT' : '')
      out.add({
        kind: constraint.kind,
        name:
          constraint.name ?? (primary ? `${name}_pkey` : `${name}_${constraint.columnNames.join('_')}_key`),
        table: name,
        definition: `${primary ? 'PRIMARY KEY' : 'UNIQUE'} (${columnsText})${conflict}`,
        details: Object.freeze({
          columns: constraint.columnNames,
          ...(primary ? { autoincrement: constraint.autoincrement } : {}),
          conflict: constraint.conflict ?? 'ABORT',
        }),
      })
    }
  }
  if (written.length !== foreignKeys.length)
    throw catalogMismatch(name, `${foreignKeys.length} foreign keys`, `${written.length}`)
  for (const fk of foreignKeys) {
    // pragma_foreign_key_list numbers foreign keys from the last one written.
    const text = written[written.length - 1 - fk.id]!
    const same =
      text.columns.length === fk.from.length &&
      text.columns.every((c, i) => c.toLowerCase() === fk.from[i]?.toLowerCase())
    if (!same)
      throw catalogMismatch(name, `foreign key (${fk.from.join(', ')})`, `(${text.columns.join(', ')})`)
    out.add(foreignKeyObject(name, fk, text))
  }
  return out.objects
}

function foreignKeyObject(table: string, fk: PragmaForeignKey, text: ParsedForeignKey): SchemaObject {
  const to = fk.to.every((c) => c === null) ? [] : fk.to.map((c) => c ?? '')
  let definition = `FOREIGN KEY (${fk.from.map(canonicalIdentifier).join(', ')}) REFERENCES ${canonicalIdentifier(fk.table)}`
  if (to.length > 0) definition += `(${to.map(canonicalIdentifier).join(', ')})`
  if (fk.onDelete !== 'NO ACTION') definition += ` ON DELETE ${fk.onDelete}`
  if (fk.onUpdate !== 'NO ACTION') definition += ` ON UPDATE ${fk.onUpdate}`
  if (fk.match !== 'NONE') definition += ` MATCH ${fk.match}`
  if (text.deferred) definition += ' DEFERRABLE INITIALLY DEFERRED'
  return {
    kind: 'foreign_key',
    name: text.name ?? `${table}_${fk.from.join('_')}_fkey`,
    table,
    definition,
    details: Object.freeze({
      columns: Object.freeze(fk.from),
      references: Object.freeze({ table: fk.table, columns: Object.freeze(to) }),
      onDelete: fk.onDelete,
      onUpdate: fk.onUpdate,
      match: fk.match,
      deferred: text.deferred,
    }),
  }
}

/**
 * Collects a table's objects (their details come frozen). A constraint written twice (`UNIQUE (a)`
 * on the column and on the table) is one constraint to SQLite and is kept once; two different
 * constraints that carry one name (SQLite does not forbid it) are told apart by a suffix in the
 * order they are written.
 */
class TableObjects {
  readonly objects: SchemaObject[] = []
  // One table: kind and name are the whole identity here.
  readonly #definitions = new Map<string, string>()

  add(object: SchemaObject): void {
    let name = object.name
    for (let n = 2; ; n++) {
      const existing = this.#definitions.get(`${object.kind}:${name}`)
      if (existing === undefined) break
      if (existing === object.definition) return
      name = `${object.name}_${n}`
    }
    this.#definitions.set(`${object.kind}:${name}`, object.definition)
    this.objects.push(Object.freeze(name === object.name ? object : { ...object, name }))
  }
}
