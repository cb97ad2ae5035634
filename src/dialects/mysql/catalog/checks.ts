import type { SchemaObject } from '../../../schema/model.js'
import { quoteIdentifier } from '../mysql-quote.js'
import { atLeast } from '../mysql-server.js'
import { type CatalogScope, inDatabase, notPlumbline, selected } from './catalog-scope.js'
import { text } from './catalog-value.js'

/**
 * CHECK constraints: one round trip, or none on a server without them (MySQL before 8.0.16
 * parsed and dropped them). MariaDB names a check within its table and keeps the table in
 * CHECK_CONSTRAINTS; MySQL names it within the database and keeps the table (and whether it is
 * enforced) in TABLE_CONSTRAINTS only.
 */
export function checksSql(scope: CatalogScope): string | null {
  const { server } = scope
  if (server.flavor === 'mariadb') {
    const level = atLeast(server, 10, 5, 10) ? 'cc.LEVEL' : "'Table'"
    return `SELECT cc.TABLE_NAME AS table_name, cc.CONSTRAINT_NAME AS name, cc.CHECK_CLAUSE AS clause,
  ${level} AS level, 'YES' AS enforced
FROM information_schema.CHECK_CONSTRAINTS cc
WHERE ${inDatabase('cc.CONSTRAINT_SCHEMA', scope)} AND ${notPlumbline('cc.TABLE_NAME')}
  AND ${selected(scope, 'cc.TABLE_NAME')}`
  }
  if (!atLeast(server, 8, 0, 16)) return null
  return `SELECT tc.TABLE_NAME AS table_name, tc.CONSTRAINT_NAME AS name, cc.CHECK_CLAUSE AS clause,
  'Table' AS level, tc.ENFORCED AS enforced
FROM information_schema.TABLE_CONSTRAINTS tc
JOIN information_schema.CHECK_CONSTRAINTS cc ON ${inDatabase('cc.CONSTRAINT_SCHEMA', scope)}
  AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
WHERE ${inDatabase('tc.TABLE_SCHEMA', scope)} AND tc.CONSTRAINT_TYPE = 'CHECK'
  AND ${notPlumbline('tc.TABLE_NAME')} AND ${selected(scope, 'tc.TABLE_NAME')}`
}

/**
 * A check as `SHOW CREATE TABLE` writes it: `` CONSTRAINT `name` CHECK (…) ``. A check written on
 * a column is a constraint named after the column on MariaDB (and after the table on MySQL,
 * `t_chk_1`), so it becomes a named check like any other; where it was written is in `details`.
 * MariaDB's JSON type is LONGTEXT with such a check (`json_valid(`col`)`): the check is what says
 * the column holds JSON, and it stays in the model.
 */
export function checkObjects(rows: ReadonlyArray<Record<string, unknown>>): SchemaObject[] {
  return rows.map((row) => {
    const name = text(row.name)
    const enforced = text(row.enforced) !== 'NO'
    return {
      kind: 'check',
      name,
      table: text(row.table_name),
      definition: `CONSTRAINT ${quoteIdentifier(name)} CHECK (${text(row.clause)})${enforced ? '' : ' NOT ENFORCED'}`,
      details: { level: text(row.level).toLowerCase(), enforced },
    }
  })
}
