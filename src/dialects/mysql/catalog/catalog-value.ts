/** A catalog value as text: the server may send a binary-collated column as bytes. */
export function text(value: unknown): string {
  if (value === null || value === undefined) return ''
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value)
}

/** A catalog value as text, or `null` when the catalog holds NULL. */
export function textOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : text(value)
}
