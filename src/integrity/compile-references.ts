import type { DialectName } from '../config/connection-url.js'
import type { ReferencesCheck } from './check-spec.js'
import { type CompiledQuery, ordinals, sampleLimit } from './compiled-query.js'
import { quoteIdentifier, quoteTable, TOTAL_COLUMN } from './sql-text.js'
import type { TableFacts } from './table-facts.js'

/**
 * Compiles a references check into one anti-join whose rows are the orphans: the child's primary
 * key (when it has one) and its referencing columns. `NOT EXISTS`, never `NOT IN (subquery)`:
 * the latter is slow on PostgreSQL and returns nothing at all once the parent column holds a NULL.
 * A child row with a NULL in any referencing column is not an orphan (MATCH SIMPLE).
 */
export function compileReferences(
  dialect: DialectName,
  spec: ReferencesCheck,
  sample: number,
  facts: ReadonlyMap<string, TableFacts>,
): CompiledQuery {
  const q = (name: string) => quoteIdentifier(dialect, name)
  const child = facts.get(spec.from.table)
  const shown = [...new Set([...(child?.primaryKey ?? []), ...spec.from.columns])]
  const conditions = [
    ...spec.from.columns.map((c) => `c.${q(c)} IS NOT NULL`),
    ...(spec.from.where === undefined ? [] : [`(${spec.from.where})`]),
    `NOT EXISTS (SELECT 1 FROM ${quoteTable(dialect, spec.to.table)} p WHERE ${spec.to.columns
      .map((c, i) => `p.${q(c)} = c.${q(spec.from.columns[i]!)}`)
      .join(' AND ')})`,
  ]
  const sql = `WITH bad AS (
  SELECT ${shown.map((c) => `c.${q(c)} AS ${q(c)}`).join(', ')}
  FROM ${quoteTable(dialect, spec.from.table)} c
  WHERE ${conditions.join('\n    AND ')}
)
SELECT bad.*, COUNT(*) OVER () AS ${TOTAL_COLUMN} FROM bad ORDER BY ${ordinals(shown.length)} ${sampleLimit(sample)}`
  return Object.freeze({ sql, params: [], types: columnTypes(child, shown) })
}

/** Declared types of the named columns, where the table's facts know them. */
export function columnTypes(
  table: TableFacts | undefined,
  names: ReadonlyArray<string>,
): Record<string, string> {
  const types: Record<string, string> = {}
  for (const name of names) {
    const type = table?.columns.get(name)?.type
    if (type) types[name] = type
  }
  return types
}
