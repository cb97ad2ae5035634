/** A value as one table cell: NULL spelled out, long text cut, objects as JSON. */
export function cell(value: unknown, width = 40): string {
  const text =
    value === null || value === undefined
      ? 'NULL'
      : typeof value === 'string'
        ? value
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value)
  const flat = text.replace(/\s+/g, ' ')
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat
}

/**
 * Rows of cells in aligned columns, the header first. Alignment counts characters of the plain
 * text; `paint` colours a cell after padding, so escape codes never shift a column.
 */
export function table(
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  paint: (text: string, row: number, column: number) => string = (t) => t,
  indent = '',
): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: ReadonlyArray<string>, row: number) =>
    indent +
    cells
      .map((c, i) => paint(i === cells.length - 1 ? c : c.padEnd(widths[i]!), row, i))
      .join('  ')
      .trimEnd()
  return [line(header, -1), ...rows.map((r, i) => line(r, i))]
}
