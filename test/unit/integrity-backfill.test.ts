import { describe, expect, it } from 'vitest'
import { createOutput } from '../../src/cli/output.js'
import { isPlumblineError } from '../../src/errors/plumbline-error.js'
import { createProgressView, duration } from '../../src/integrity/backfill-progress.js'
import { decideStart } from '../../src/integrity/backfill-start.js'
import type { Checkpoint } from '../../src/integrity/backfill-table.js'
import { resolveIntegrityConfig } from '../../src/integrity/integrity-config.js'
import type { BatchProgress } from '../../src/integrity/run-backfill.js'

const backfill = resolveIntegrityConfig({
  backfills: {
    repair: { table: 'daily_stats', key: 'id', run: 'UPDATE t SET x = 1 WHERE id > :from AND id <= :to' },
  },
}).backfills.get('repair')!

const checkpoint = (overrides: Partial<Checkpoint> = {}): Checkpoint => ({
  name: 'repair',
  specHash: backfill.specHash,
  status: 'interrupted',
  cursor: 120,
  rowsDone: 120,
  batchesDone: 3,
  batchSize: 40,
  rowsTotal: 300,
  startedAt: '2025-07-11T10:00:00.000Z',
  updatedAt: '2025-07-11T10:00:05.000Z',
  lastError: null,
  ...overrides,
})

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    if (isPlumblineError(e)) return `${e.code}: ${e.message}`
    throw e
  }
  return 'no error'
}

describe('backfill: where a run starts', () => {
  it('starts fresh without a checkpoint or after a finished run, even with --resume', () => {
    expect(decideStart(backfill, null, {}).mode).toBe('fresh')
    expect(decideStart(backfill, checkpoint({ status: 'done' }), { resume: true }).mode).toBe('fresh')
  })

  it('makes the user choose when a run did not finish (BACKFILL_UNFINISHED)', () => {
    expect(codeOf(() => decideStart(backfill, checkpoint(), {}))).toBe(
      'BACKFILL_UNFINISHED: backfill repair did not finish: interrupted after 3 batches (120 rows, key 120) at 2025-07-11T10:00:05.000Z',
    )
    expect(codeOf(() => decideStart(backfill, checkpoint({ status: 'running' }), {}))).toMatch(
      /still marked running \(killed, or running elsewhere\)/,
    )
    expect(
      codeOf(() => decideStart(backfill, checkpoint({ status: 'failed', lastError: 'boom' }), {})),
    ).toMatch(/failed after 3 batches .*; last error: boom$/)
  })

  it('resumes only under the same spec hash, and restarts on request', () => {
    expect(decideStart(backfill, checkpoint(), { resume: true })).toMatchObject({
      mode: 'resume',
      previous: { cursor: 120 },
    })
    expect(
      codeOf(() => decideStart(backfill, checkpoint({ specHash: 'f'.repeat(64) }), { resume: true })),
    ).toMatch(/^BACKFILL_SPEC_CHANGED: backfill repair changed since its checkpoint was written/)
    expect(decideStart(backfill, checkpoint({ specHash: 'f'.repeat(64) }), { restart: true }).mode).toBe(
      'fresh',
    )
    expect(codeOf(() => decideStart(backfill, checkpoint(), { resume: true, restart: true }))).toMatch(
      /^USAGE/,
    )
  })
})

describe('backfill: progress on stderr', () => {
  const progress = (batch: number, rowsDone: number): BatchProgress => ({
    batch,
    from: (batch - 1) * 100,
    to: batch * 100,
    rows: 100,
    ms: 20,
    rowsDone,
    rowsTotal: 400,
    rowsPerSecond: 5000,
    etaMs: ((400 - rowsDone) / 5000) * 1000,
  })

  function capture(tty: boolean) {
    let stderr = ''
    let now = 0
    const out = createOutput({
      stdout: () => {},
      stderr: (s) => {
        stderr += s
      },
      stderrIsTTY: tty,
    })
    const view = createProgressView(out, { tty, clock: () => now })
    return {
      view,
      tick: (ms: number) => {
        now += ms
      },
      text: () => stderr,
    }
  }

  it('prints plain lines without a terminal: the first batch, at most one a second, and the last', () => {
    const { view, tick, text } = capture(false)
    view.start({ resumed: false, rowsDone: 0, rowsTotal: 400, batchSize: 100, cursor: 0 })
    view.batch(progress(1, 100))
    tick(300)
    view.batch(progress(2, 200))
    tick(300)
    view.batch(progress(3, 300))
    tick(1000)
    view.batch(progress(4, 400))
    view.end()
    expect(text().split('\n').filter(Boolean)).toEqual([
      '400 rows to go in batches of 100',
      'batch 1: key 0 → 100, 100 rows in 20 ms · 100/400 rows (25%) · 5,000 rows/s · ETA 60 ms',
      'batch 4: key 300 → 400, 100 rows in 20 ms · 400/400 rows (100%) · 5,000 rows/s · ETA 0 ms',
    ])
  })

  it('redraws one bar with rows/s and ETA on a terminal', () => {
    const { view, tick, text } = capture(true)
    view.batch(progress(1, 100))
    tick(150)
    view.batch(progress(2, 200))
    view.end()
    expect(text()).toBe(
      '[██████░░░░░░░░░░░░░░░░░░] 25% · 100/400 rows · 5,000 rows/s · ETA 60 ms\n' +
        '\x1b[1A\x1b[2K[████████████░░░░░░░░░░░░] 50% · 200/400 rows · 5,000 rows/s · ETA 40 ms\n',
    )
  })

  it('says how long, in the unit a reader wants', () => {
    expect([duration(850), duration(13_400), duration(125_000), duration(3_725_000)]).toEqual([
      '850 ms',
      '13 s',
      '2 m 05 s',
      '1 h 02 m',
    ])
  })
})
