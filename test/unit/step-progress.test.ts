import { describe, expect, it } from 'vitest'
import { createOutput } from '../../src/cli/output.js'
import { createProgressView } from '../../src/cli/render/progress.js'

// biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes are taken out of what is compared
const COLOUR = /\x1b\[[0-9;]*m/g

/** The progress view of a plan, writing to a string (colours taken out: CI turns them on). */
function capture(tty: boolean) {
  let stderr = ''
  const out = createOutput({
    stdout: () => {},
    stderr: (s) => {
      stderr += s.replace(COLOUR, '')
    },
    stderrIsTTY: tty,
  })
  const view = createProgressView(out, { tty })
  const start = (index: number, revision: string) =>
    view.onProgress({ kind: 'step-start', index, total: 3, action: 'apply_migration', revision })
  const end = (index: number, status: 'done' | 'failed') =>
    view.onProgress({ kind: 'step-end', index, total: 3, status, ms: 5 })
  // The text a terminal shows: each redraw (cursor up, clear line) removes the line before it.
  const screen = () => {
    const lines: string[] = []
    for (const raw of stderr.split('\n').slice(0, -1)) {
      const parts = raw.split('\x1b[1A\x1b[2K')
      for (let i = 1; i < parts.length; i++) lines.pop()
      lines.push(parts.at(-1)!)
    }
    return lines
  }
  return { view, start, end, text: () => stderr, screen }
}

// A revision's COMMIT can travel at the head of the next revision's batch (PostgreSQL): the
// revision ends once that batch came back, after the next one began.
describe('step progress', () => {
  it('prints the line of a step that ends after the next began, in a log', () => {
    const { start, end, text } = capture(false)
    start(0, '0001_a')
    start(1, '0002_b')
    end(0, 'done')
    end(1, 'done')
    expect(text().split('\n').filter(Boolean)).toEqual([
      '→ [1/3] apply migration 0001_a',
      '→ [2/3] apply migration 0002_b',
      '✓ [1/3] 0001_a 5 ms',
      '✓ [2/3] 0002_b 5 ms',
    ])
  })

  it('on a terminal, puts that line above the live one, which stays', () => {
    const { view, start, end, screen } = capture(true)
    start(0, '0001_a')
    start(1, '0002_b')
    end(0, 'done')
    const shown = screen()
    expect(shown.slice(0, -1)).toEqual(['✓ [1/3] 0001_a 5 ms'])
    expect(shown.at(-1)).toMatch(/^\S \[2\/3\] 0002_b /)
    end(1, 'done')
    view.stop()
    expect(screen()).toEqual(['✓ [1/3] 0001_a 5 ms', '✓ [2/3] 0002_b 5 ms'])
  })

  it('drops the live line when the earlier step failed: the step after it never began', () => {
    const { view, start, end, screen } = capture(true)
    start(0, '0001_a')
    start(1, '0002_b')
    end(0, 'failed')
    view.stop()
    expect(screen()).toEqual(['✗ [1/3] 0001_a 5 ms'])
  })
})
