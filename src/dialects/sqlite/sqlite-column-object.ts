import type { SchemaObject } from '../../schema/model.js'
import { catalogMismatch } from './sqlite-catalog-mismatch.js'
import type { PragmaColumn } from './sqlite-catalog-query.js'
import type { ParsedColumn } from './sqlite-create-table-parser.js'
import { tokenizeSql } from './sqlite-ddl-tokenizer.js'
import { canonicalIdentifier, renderSql, unwrapParentheses } from './sqlite-sql-renderer.js'

/** A type that is one plain word, as most are: upper-casing it is its canonical form. */
const PLAIN_TYPE = /^[A-Za-z_][A-Za-z0-9_]*$/

/** A default that is an integer or a string without quotes inside: already canonical. */
const PLAIN_DEFAULT = /^(?:-?[0-9]+|'[^']*')$/

/**
 * A column as the model keeps it: an executable column definition (`email TEXT NOT NULL COLLATE
 * NOCASE`) without the constraints that are objects of their own (primary key, unique, foreign
 * key, check) and without its position, which only `details` carries.
 */
export function columnObject(table: string, column: PragmaColumn, text: ParsedColumn): SchemaObject {
  const type = PLAIN_TYPE.test(column.type) ? column.type.toUpperCase() : canonicalType(column.type)
  const defaultValue = column.default === null ? null : canonicalDefault(column.default)
  const generatedKind = column.hidden === 3 ? 'STORED' : column.hidden === 2 ? 'VIRTUAL' : null
  if ((generatedKind === null) !== (text.generated === null))
    throw catalogMismatch(table, `a generated column ${column.name}`, 'a plain one')
  let definition = canonicalIdentifier(column.name)
  if (type !== '') definition += ` ${type}`
  if (column.notNull)
    definition +=
      text.notNullConflict === null ? ' NOT NULL' : ` NOT NULL ON CONFLICT ${text.notNullConflict}`
  if (defaultValue !== null) definition += ` DEFAULT ${defaultValue.clause}`
  if (text.collation !== null) definition += ` COLLATE ${canonicalIdentifier(text.collation)}`
  if (text.generated !== null)
    definition += ` GENERATED ALWAYS AS (${text.generated.expression}) ${generatedKind}`
  return {
    kind: 'column',
    name: column.name,
    table,
    definition,
    details: Object.freeze({
      position: column.cid + 1,
      type,
      notNull: column.notNull,
      default: defaultValue?.expression ?? null,
      collation: text.collation,
      generated:
        text.generated === null
          ? null
          : Object.freeze({ expression: text.generated.expression, stored: generatedKind === 'STORED' }),
      primaryKey: column.pk,
    }),
  }
}

/** Type names are case-insensitive; SQLite keeps them as written, spaces and all. */
function canonicalType(type: string): string {
  return type === '' ? '' : renderSql(tokenizeSql(type)).toUpperCase()
}

/**
 * A DEFAULT in canonical form. `DEFAULT 0`, `DEFAULT (0)` and `DEFAULT ((0))` are one default;
 * an expression keeps the parentheses the clause requires around it.
 */
function canonicalDefault(text: string): { expression: string; clause: string } {
  if (PLAIN_DEFAULT.test(text)) return { expression: text, clause: text }
  const tokens = tokenizeSql(text)
  const [start, end] = unwrapParentheses(tokens, 0, tokens.length)
  const expression = renderSql(tokens, start, end)
  const signed =
    (tokens.isOperator(start, '-') || tokens.isOperator(start, '+')) &&
    start + 1 < end &&
    tokens.kind(start + 1) === 'number'
  const literal = end - start === 1 || (end - start === 2 && signed)
  return { expression, clause: literal ? expression : `(${expression})` }
}
