import { sqlLiteral } from '../mysql-literal.js'
import { type CatalogScope, inDatabase } from './catalog-scope.js'
import { text, textOrNull } from './catalog-value.js'

/** How a table is partitioned. */
export interface PartitionScheme {
  /** `PARTITION BY RANGE (year(`d`))`, with `SUBPARTITION BY …` when there is one. */
  readonly definition: string
  /** The partitions as they stand: names and bounds. */
  readonly partitions: ReadonlyArray<{ readonly name: string; readonly bound: string | null }>
}

/**
 * The partitions of the partitioned tables among `tables`: one round trip, sent only when the
 * database has a partitioned table (reading information_schema.PARTITIONS opens every table).
 */
export function partitionsSql(scope: CatalogScope, tables: ReadonlyArray<string>): string {
  return `SELECT TABLE_NAME AS table_name, PARTITION_NAME AS name, PARTITION_METHOD AS method,
  PARTITION_EXPRESSION AS expression, SUBPARTITION_METHOD AS submethod, SUBPARTITION_EXPRESSION AS subexpression,
  PARTITION_DESCRIPTION AS bound
FROM information_schema.PARTITIONS
WHERE ${inDatabase('TABLE_SCHEMA', scope)} AND TABLE_NAME IN (${sqlLiteral(tables)})
ORDER BY TABLE_NAME, PARTITION_ORDINAL_POSITION, SUBPARTITION_ORDINAL_POSITION`
}

/**
 * The scheme of each partitioned table. The definition holds the method and expression (and, for
 * HASH and KEY, the number of partitions, which is all there is to them); the list of RANGE and
 * LIST partitions is kept in `details`, because adding next month's partition is routine upkeep
 * that a scheduled job does as often as a migration, and must not read as drift.
 */
export function partitionSchemes(rows: ReadonlyArray<Record<string, unknown>>): Map<string, PartitionScheme> {
  const byTable = new Map<string, Array<Record<string, unknown>>>()
  for (const row of rows) {
    const table = text(row.table_name)
    const list = byTable.get(table)
    if (list === undefined) byTable.set(table, [row])
    else list.push(row)
  }
  const schemes = new Map<string, PartitionScheme>()
  for (const [table, [first, ...rest]] of byTable) {
    if (first === undefined) continue
    const partitions: Array<{ name: string; bound: string | null }> = []
    // A subpartitioned table has one row per subpartition: its partition is listed once.
    for (const row of [first, ...rest]) {
      const name = text(row.name)
      if (partitions.at(-1)?.name !== name) partitions.push({ name, bound: textOrNull(row.bound) })
    }
    const method = text(first.method)
    const sub = textOrNull(first.submethod)
    const definition =
      `PARTITION BY ${method} (${text(first.expression)})` +
      (/(HASH|KEY)$/.test(method) ? ` PARTITIONS ${partitions.length}` : '') +
      (sub === null ? '' : ` SUBPARTITION BY ${sub} (${text(first.subexpression)})`)
    schemes.set(table, { definition, partitions })
  }
  return schemes
}
