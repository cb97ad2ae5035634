/**
 * A value as a MySQL literal that reads the same under every `sql_mode`.
 *
 * Quotes are doubled (`''`), never backslash-escaped: with `NO_BACKSLASH_ESCAPES` a `\'` ends the
 * string and the rest of the value becomes SQL. A string holding a backslash or a NUL byte, whose
 * meaning depends on that mode, is sent as a hex literal with a character-set introducer, which
 * has no escapes at all. Arrays become comma-separated lists (`IN (?)`), an empty one `NULL` so
 * that `IN (NULL)` matches nothing; other objects are sent as their JSON text.
 *
 * @example
 * sqlLiteral("it's") // "'it''s'"
 * sqlLiteral('C:\\temp') // "_utf8mb4 X'433a5c74656d70'"
 */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE'
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`MySQL has no literal for the number ${value}`)
    return String(value)
  }
  if (typeof value === 'string') return stringLiteral(value)
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('MySQL has no literal for an invalid Date')
    // DATETIME has no zone: plumbline writes UTC, as the connection reads it back.
    return stringLiteral(value.toISOString().replace('T', ' ').replace('Z', ''))
  }
  if (value instanceof Uint8Array) return `X'${Buffer.from(value).toString('hex')}'`
  if (Array.isArray(value)) return value.length === 0 ? 'NULL' : value.map(sqlLiteral).join(', ')
  return stringLiteral(JSON.stringify(value))
}

function stringLiteral(text: string): string {
  if (/[\\\0]/.test(text)) return `_utf8mb4 X'${Buffer.from(text, 'utf8').toString('hex')}'`
  return `'${text.replace(/'/g, "''")}'`
}
