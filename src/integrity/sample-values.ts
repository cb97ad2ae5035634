import type { SampleRow } from './check-result.js'
import { TOTAL_COLUMN } from './sql-text.js'

const INTEGER_TYPES =
  /^(int|integer|bigint|smallint|tinyint|mediumint|int[248]|serial|bigserial|smallserial)\b/i
const INTEGER_TEXT = /^-?\d+$/

/**
 * A driver's row made fit for JSON and for reading: the total column dropped; 64-bit integers
 * and numeric aggregates (which node-postgres and mysql2 return as strings to keep precision)
 * as numbers when they fit exactly; dates of `date` columns as `YYYY-MM-DD`; other dates as ISO
 * instants; bytes as hex.
 *
 * `types` are the declared column types the schema knows; `aggregates` the columns that hold
 * computed numbers (`left`, `right`, `rows`) whatever their declared type.
 */
export function sampleRow(
  row: Readonly<Record<string, unknown>>,
  types: Readonly<Record<string, string>>,
  aggregates: ReadonlySet<string> = new Set(),
): SampleRow {
  const out: Record<string, unknown> = {}
  for (const [column, value] of Object.entries(row)) {
    if (column === TOTAL_COLUMN) continue
    out[column] = sampleValue(value, types[column], aggregates.has(column))
  }
  return Object.freeze(out)
}

function sampleValue(value: unknown, type: string | undefined, aggregate: boolean): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()
  if (typeof value === 'string' && (aggregate || (type !== undefined && INTEGER_TYPES.test(type)))) {
    if (INTEGER_TEXT.test(value) && Number.isSafeInteger(Number(value))) return Number(value)
    // A decimal aggregate keeps its exact text unless a number reads back the same.
    if (aggregate && /^-?\d+\.\d+$/.test(value) && String(Number(value)) === value) return Number(value)
    return value
  }
  if (value instanceof Date)
    return type !== undefined && /^date$/i.test(type) ? localDate(value) : value.toISOString()
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`
  return value
}

/** Drivers read a DATE as local midnight: its local calendar day is the stored day. */
function localDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** The total carried on each sample row by `COUNT(*) OVER ()`: 0 when there are no rows. */
export function totalOf(rows: ReadonlyArray<Readonly<Record<string, unknown>>>): number {
  const first = rows[0]
  return first === undefined ? 0 : Number(first[TOTAL_COLUMN])
}
