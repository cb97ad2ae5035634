import type { DialectName } from '../config/connection-url.js'
import type { UniqueCheck } from './check-spec.js'
import { columnTypes } from './compile-references.js'
import { type CompiledQuery, ordinals, sampleLimit } from './compiled-query.js'
import { quoteIdentifier, quoteTable, TOTAL_COLUMN } from './sql-text.js'
import type { TableFacts } from './table-facts.js'

/**
 * Compiles a unique check into one GROUP BY whose rows are the duplicated keys with the number
 * of rows sharing each (`rows`), most duplicated first. Rows with a NULL in any key column are
 * left out, as a UNIQUE constraint leaves them out.
 */
export function compileUnique(
  dialect: DialectName,
  spec: UniqueCheck,
  sample: number,
  facts: ReadonlyMap<string, TableFacts>,
): CompiledQuery {
  const q = (name: string) => quoteIdentifier(dialect, name)
  const columns = spec.columns.map(q)
  const rows = spec.columns.includes('rows') ? 'plumbline_rows' : 'rows'
  const conditions = [
    ...columns.map((c) => `${c} IS NOT NULL`),
    ...(spec.where === undefined ? [] : [`(${spec.where})`]),
  ]
  const sql = `WITH bad AS (
  SELECT ${columns.join(', ')}, COUNT(*) AS ${q(rows)}
  FROM ${quoteTable(dialect, spec.table)}
  WHERE ${conditions.join(' AND ')}
  GROUP BY ${columns.join(', ')}
  HAVING COUNT(*) > 1
)
SELECT bad.*, COUNT(*) OVER () AS ${TOTAL_COLUMN} FROM bad ORDER BY ${q(rows)} DESC, ${ordinals(columns.length)} ${sampleLimit(sample)}`
  return Object.freeze({ sql, params: [], types: columnTypes(facts.get(spec.table), spec.columns) })
}
