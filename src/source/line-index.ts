/**
 * Maps character offsets of a text to 1-based line numbers. Built once per text, so a file with
 * many statements costs one scan and a binary search per lookup.
 */
export class LineIndex {
  readonly #starts: number[] = [0]

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.#starts.push(i + 1)
  }

  /** The line that holds `offset`. */
  lineAt(offset: number): number {
    let low = 0
    let high = this.#starts.length - 1
    while (low < high) {
      const mid = (low + high + 1) >> 1
      if (this.#starts[mid]! <= offset) low = mid
      else high = mid - 1
    }
    return low + 1
  }

  /** The offset where `line` begins. */
  lineStart(line: number): number {
    return this.#starts[line - 1] ?? 0
  }
}
