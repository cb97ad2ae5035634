// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escape codes is the point
const ANSI = /\x1b\[[0-9;]*m/g

/** How many columns a cell takes on a terminal: its text without colour codes. */
export function visibleLength(text: string): number {
  return text.replace(ANSI, '').length
}

/**
 * Rows of cells in aligned columns. Cells may already be coloured: widths count visible
 * characters only, so escape codes never shift a column. The last column is not padded.
 */
export function alignColumns(rows: ReadonlyArray<ReadonlyArray<string>>, indent = ''): string[] {
  const widths: number[] = []
  for (const row of rows)
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))
  return rows.map((row) => {
    const cells = row.map((cell, i) =>
      i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - visibleLength(cell)),
    )
    return `${indent}${cells.join('  ')}`.trimEnd()
  })
}
