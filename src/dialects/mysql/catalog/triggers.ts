import type { SchemaObject } from '../../../schema/model.js'
import { quoteIdentifier } from '../mysql-quote.js'
import { type CatalogScope, inDatabase, notPlumbline, selected } from './catalog-scope.js'
import { text } from './catalog-value.js'
import { storedBody } from './stored-body.js'

/**
 * Triggers of the database's tables: one round trip. A trigger is selected by its table, which
 * information_schema then looks up by name instead of reading every table's triggers.
 */
export function triggersSql(scope: CatalogScope): string {
  return `SELECT TRIGGER_NAME AS name, EVENT_OBJECT_TABLE AS table_name, ACTION_TIMING AS timing,
  EVENT_MANIPULATION AS event, ACTION_STATEMENT AS body, ACTION_ORDER AS action_order, SQL_MODE AS sql_mode
FROM information_schema.TRIGGERS
WHERE ${inDatabase('TRIGGER_SCHEMA', scope)} AND ${inDatabase('EVENT_OBJECT_SCHEMA', scope)}
  AND ${notPlumbline('EVENT_OBJECT_TABLE')} AND ${selected(scope, 'EVENT_OBJECT_TABLE')}`
}

/**
 * A trigger as `CREATE TRIGGER` without its DEFINER (a user of one environment): timing, event,
 * table and the body as it was sent. Its place among the table's triggers for one event
 * (ACTION_ORDER) follows the order they were created in unless FOLLOWS/PRECEDES said otherwise,
 * and the sql_mode it was created under follows the session: both are in `details`.
 */
export function triggerObjects(rows: ReadonlyArray<Record<string, unknown>>): SchemaObject[] {
  return rows.map((row) => {
    const name = text(row.name)
    const table = text(row.table_name)
    const timing = text(row.timing)
    const event = text(row.event)
    return {
      kind: 'trigger',
      name,
      table,
      definition: `CREATE TRIGGER ${quoteIdentifier(name)} ${timing} ${event} ON ${quoteIdentifier(table)} FOR EACH ROW ${storedBody(row.body)}`,
      details: { timing, event, order: Number(row.action_order), sqlMode: text(row.sql_mode) },
    }
  })
}
