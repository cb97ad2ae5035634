import type { SchemaObject } from '../../../schema/model.js'
import { sqlLiteral } from '../mysql-literal.js'
import { quoteIdentifier } from '../mysql-quote.js'
import type { CatalogScope } from './catalog-scope.js'
import { text } from './catalog-value.js'

/**
 * The options of MariaDB sequences: a sequence is a one-row table holding them, and MariaDB 10.11
 * has no catalog view of them, so all sequences are read in one `UNION ALL` (one round trip, sent
 * only when there is a sequence).
 */
export function sequencesSql(scope: CatalogScope, names: ReadonlyArray<string>): string {
  const database = quoteIdentifier(scope.database)
  return names
    .map(
      (name) =>
        `SELECT ${sqlLiteral(name)} AS name, start_value, minimum_value, maximum_value, increment, cache_size, cycle_option
FROM ${database}.${quoteIdentifier(name)}`,
    )
    .join('\nUNION ALL\n')
}

/**
 * A sequence as `SHOW CREATE SEQUENCE` spells it. The next value and the cycle count are its
 * state, not its definition.
 */
export function sequenceObjects(
  rows: ReadonlyArray<Record<string, unknown>>,
  engines: ReadonlyMap<string, string | null>,
): SchemaObject[] {
  return rows.map((row) => {
    const name = text(row.name)
    const options = {
      start: text(row.start_value),
      min: text(row.minimum_value),
      max: text(row.maximum_value),
      increment: text(row.increment),
      cache: text(row.cache_size),
      cycle: text(row.cycle_option) === '1',
    }
    const engine = engines.get(name)
    return {
      kind: 'sequence',
      name,
      definition:
        `CREATE SEQUENCE ${quoteIdentifier(name)} START WITH ${options.start} MINVALUE ${options.min}` +
        ` MAXVALUE ${options.max} INCREMENT BY ${options.increment} CACHE ${options.cache}` +
        ` ${options.cycle ? 'CYCLE' : 'NOCYCLE'}${engine ? ` ENGINE=${engine}` : ''}`,
      details: { ...options, engine: engine ?? null },
    }
  })
}
