import type { MysqlServer } from '../mysql-server.js'

/** What the catalog says about one column's default. */
export interface DefaultFacts {
  /** information_schema.COLUMNS.COLUMN_DEFAULT. */
  readonly value: string | null
  readonly dataType: string
  /** MySQL marks an expression default (CURRENT_TIMESTAMP included) with DEFAULT_GENERATED. */
  readonly expression: boolean
  /** For a TIMESTAMP literal: the instant in epoch seconds (`1577836800.500000`), see below. */
  readonly epoch: string | null
  /** Fractional-second digits of the column's type. */
  readonly precision: number
}

/** Types whose literal defaults are numbers, written without quotes by both servers. */
const NUMERIC = new Set([
  'tinyint',
  'smallint',
  'mediumint',
  'int',
  'integer',
  'bigint',
  'decimal',
  'numeric',
  'float',
  'double',
  'real',
  'bit',
  'year',
])

/**
 * A column's default in one spelling for both servers, MariaDB's: literals quoted (`'UTC'`),
 * numbers bare (`0.00`), functions in lower case with parentheses (`current_timestamp()`), and
 * `null` for no default. MariaDB 10.2.7+ writes it so; MySQL 8 writes literals without quotes and
 * `CURRENT_TIMESTAMP` in upper case.
 *
 * - `DEFAULT NULL` is what every nullable column without a default has, so it is no default.
 * - A TIMESTAMP literal is shown in the session's time zone, so the same table read by two
 *   sessions would differ: it is written from its instant, in UTC.
 *
 * @example
 * columnDefault(mysql8, { value: 'UTC', dataType: 'varchar', expression: false, epoch: null, precision: 0 }) // "'UTC'"
 */
export function columnDefault(server: MysqlServer, facts: DefaultFacts): string | null {
  const value = facts.value
  if (value === null) return null
  if (server.flavor === 'mariadb') {
    if (value === 'NULL') return null
  } else if (facts.expression) {
    return currentTimestamp(value)
  }
  if (facts.epoch !== null && facts.dataType === 'timestamp') {
    const utc = utcText(facts.epoch, facts.precision)
    if (utc !== null) return `'${utc}'`
  }
  if (server.flavor === 'mariadb' || NUMERIC.has(facts.dataType) || /^b'[01]*'$/.test(value)) return value
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`
}

/** MySQL's `CURRENT_TIMESTAMP(3)` as MariaDB spells it: `current_timestamp(3)`. */
export function currentTimestamp(expression: string): string {
  return expression.replace(
    /\bCURRENT_TIMESTAMP\b(?:\((\d*)\))?/gi,
    (_m, digits?: string) => `current_timestamp(${digits ?? ''})`,
  )
}

/** Epoch seconds as `YYYY-MM-DD HH:MM:SS[.fff]` in UTC; `null` for the zero date and nonsense. */
function utcText(epoch: string, precision: number): string | null {
  const [seconds = '', fraction = ''] = epoch.split('.')
  const whole = Number(seconds)
  if (!Number.isSafeInteger(whole) || whole <= 0) return null
  const text = new Date(whole * 1000).toISOString().slice(0, 19).replace('T', ' ')
  return precision > 0 ? `${text}.${fraction.padEnd(precision, '0').slice(0, precision)}` : text
}
