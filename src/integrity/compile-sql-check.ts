import { type CompiledQuery, sampleLimit } from './compiled-query.js'
import { TOTAL_COLUMN } from './sql-text.js'

/**
 * Wraps a user's query, whose rows are the violations, so that the count and the samples come
 * back in one statement. A derived table rather than a CTE: the query may itself start with WITH.
 */
export function compileSqlCheck(query: string, sample: number): CompiledQuery {
  const sql = `SELECT bad.*, COUNT(*) OVER () AS ${TOTAL_COLUMN} FROM (
${query}
) bad ${sampleLimit(sample)}`
  return Object.freeze({ sql, params: [], types: {} })
}
