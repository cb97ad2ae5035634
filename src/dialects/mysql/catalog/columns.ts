import type { SchemaObject } from '../../../schema/model.js'
import { quoteIdentifier, quoteText } from '../mysql-quote.js'
import { type CatalogScope, inDatabase, notPlumbline, selected } from './catalog-scope.js'
import { text, textOrNull } from './catalog-value.js'
import { columnDefault, currentTimestamp } from './column-default.js'

/**
 * Columns of every table (views' and sequences' columns come too, and are left out by the
 * caller, which knows which relations are tables). A TIMESTAMP literal default is also read as
 * epoch seconds, so that it can be written in UTC whatever the session's time zone.
 */
export function columnsSql(scope: CatalogScope): string {
  return `SELECT c.TABLE_NAME AS table_name, c.COLUMN_NAME AS name, c.ORDINAL_POSITION AS position,
  c.COLUMN_TYPE AS type, c.DATA_TYPE AS data_type, c.IS_NULLABLE AS nullable, c.COLUMN_DEFAULT AS default_value,
  c.EXTRA AS extra, c.GENERATION_EXPRESSION AS generation, c.COLLATION_NAME AS collation,
  c.COLUMN_COMMENT AS comment, c.DATETIME_PRECISION AS fsp,
  CASE WHEN c.DATA_TYPE = 'timestamp' AND c.COLUMN_DEFAULT REGEXP '^''?[0-9]'
    THEN UNIX_TIMESTAMP(TRIM(BOTH '''' FROM c.COLUMN_DEFAULT)) END AS default_epoch
FROM information_schema.COLUMNS c
WHERE ${inDatabase('c.TABLE_SCHEMA', scope)} AND ${notPlumbline('c.TABLE_NAME')} AND ${selected(scope, 'c.TABLE_NAME')}`
}

/**
 * One object per column, its definition as `SHOW CREATE TABLE` writes the column: type, character
 * set and collation (only when they differ from the table's), generation, nullability, default,
 * ON UPDATE, AUTO_INCREMENT, visibility, comment. The ordinal position is in `details` only
 * (decision 1).
 */
export function columnObjects(
  rows: ReadonlyArray<Record<string, unknown>>,
  scope: CatalogScope,
  tableCollations: ReadonlyMap<string, string | null>,
): SchemaObject[] {
  const objects: SchemaObject[] = []
  for (const row of rows) {
    const table = text(row.table_name)
    if (!tableCollations.has(table)) continue
    const column = readColumn(row, scope)
    const parts = [quoteIdentifier(column.name), column.type]
    if (column.collation !== null && column.collation !== tableCollations.get(table)) {
      parts.push(`CHARACTER SET ${column.collation.split('_')[0]} COLLATE ${column.collation}`)
    }
    if (column.generated !== null)
      parts.push(`GENERATED ALWAYS AS (${column.generated.expression}) ${column.generated.storage}`)
    if (column.rowPeriod !== null) parts.push(`GENERATED ALWAYS AS ROW ${column.rowPeriod}`)
    if (column.notNull) parts.push('NOT NULL')
    // A TIMESTAMP column is NOT NULL unless told otherwise where explicit_defaults_for_timestamp
    // is off (MySQL 5.7, MariaDB before 10.10): said out loud, the definition means one thing everywhere.
    else if (column.type.startsWith('timestamp')) parts.push('NULL')
    if (column.default !== null) parts.push(`DEFAULT ${column.default}`)
    if (column.onUpdate !== null) parts.push(`ON UPDATE ${column.onUpdate}`)
    if (column.autoIncrement) parts.push('AUTO_INCREMENT')
    if (column.invisible) parts.push('INVISIBLE')
    if (column.otherExtra !== '') parts.push(column.otherExtra)
    if (column.comment !== '') parts.push(`COMMENT ${quoteText(column.comment)}`)
    objects.push({
      kind: 'column',
      name: column.name,
      table,
      definition: parts.join(' '),
      details: {
        position: Number(row.position),
        type: column.type,
        notNull: column.notNull,
        default: column.default,
        autoIncrement: column.autoIncrement,
        generated: column.generated?.expression ?? null,
        collation: column.collation,
      },
    })
  }
  return objects
}

interface Column {
  readonly name: string
  readonly type: string
  readonly notNull: boolean
  readonly collation: string | null
  readonly default: string | null
  readonly onUpdate: string | null
  readonly autoIncrement: boolean
  readonly invisible: boolean
  readonly comment: string
  readonly generated: { readonly expression: string; readonly storage: 'STORED' | 'VIRTUAL' } | null
  readonly rowPeriod: 'START' | 'END' | null
  /** EXTRA words plumbline does not know: kept, so that nothing the server says is lost. */
  readonly otherExtra: string
}

/**
 * Reads EXTRA, which packs several facts into words: `auto_increment`, `on update
 * current_timestamp()`, `STORED GENERATED`, `INVISIBLE`, MariaDB's `ROW START`, MySQL's
 * `DEFAULT_GENERATED` (an expression default).
 */
function readColumn(row: Record<string, unknown>, scope: CatalogScope): Column {
  let extra = ` ${text(row.extra)} `
  const take = (pattern: RegExp): RegExpExecArray | null => {
    const match = pattern.exec(extra)
    if (match !== null) extra = extra.slice(0, match.index) + ' ' + extra.slice(match.index + match[0].length)
    return match
  }
  const autoIncrement = take(/\sauto_increment(?=\s)/i) !== null
  const onUpdate = take(/\son update (\S+)(?=\s)/i)
  const generated = take(/\s(virtual|stored|persistent) generated(?=\s)/i)
  const expression = take(/\sdefault_generated(?=\s)/i) !== null
  const invisible = take(/\sinvisible(?=\s)/i) !== null
  const rowPeriod = take(/\srow (start|end)(?=\s)/i)
  const dataType = text(row.data_type).toLowerCase()
  return {
    name: text(row.name),
    type: text(row.type),
    notNull: text(row.nullable) === 'NO',
    collation: textOrNull(row.collation),
    default:
      generated === null && rowPeriod === null
        ? columnDefault(scope.server, {
            value: textOrNull(row.default_value),
            dataType,
            expression,
            epoch: textOrNull(row.default_epoch),
            precision: Number(row.fsp ?? 0),
          })
        : null,
    onUpdate: onUpdate === null ? null : currentTimestamp(onUpdate[1]!),
    autoIncrement,
    invisible,
    comment: text(row.comment),
    generated:
      generated === null
        ? null
        : {
            expression: text(row.generation),
            storage: generated[1]!.toLowerCase() === 'virtual' ? 'VIRTUAL' : 'STORED',
          },
    rowPeriod: rowPeriod === null ? null : rowPeriod[1]!.toUpperCase() === 'START' ? 'START' : 'END',
    otherExtra: extra.trim().toUpperCase(),
  }
}
