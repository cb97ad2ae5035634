import type { Output } from '../cli/output.js'
import type { BackfillStart, BatchProgress } from './run-backfill.js'

/** Receives a backfill's progress and shows it on stderr. */
export interface ProgressView {
  start(start: BackfillStart): void
  batch(progress: BatchProgress): void
  /** Shows the last state if it was throttled away. */
  end(): void
}

const BAR_WIDTH = 24
/** A terminal is redrawn at most this often; plain output prints at most one line this often. */
const TTY_INTERVAL_MS = 100
const PLAIN_INTERVAL_MS = 1000

/**
 * Progress on stderr: on a terminal one bar, redrawn in place, with rows/s and ETA; otherwise
 * plain lines (the first batch, then at most one a second, then the last), which a log keeps.
 */
export function createProgressView(
  out: Output,
  options: { readonly tty: boolean; readonly clock?: () => number },
): ProgressView {
  const clock = options.clock ?? (() => performance.now())
  let drawn = false
  let lastShown = Number.NEGATIVE_INFINITY
  let pending: BatchProgress | undefined
  const show = (p: BatchProgress) => {
    pending = undefined
    lastShown = clock()
    if (options.tty) {
      out.log(`${drawn ? '\x1b[1A\x1b[2K' : ''}${bar(p)}`)
      drawn = true
    } else out.log(plainLine(p))
  }
  return {
    start(s) {
      const from = s.resumed
        ? `resuming after key ${String(s.cursor)} (${count(s.rowsDone)} rows done), `
        : ''
      out.log(`${from}${count(s.rowsTotal - s.rowsDone)} rows to go in batches of ${count(s.batchSize)}`)
    },
    batch(p) {
      const interval = options.tty ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS
      if (p.batch === 1 || clock() - lastShown >= interval) show(p)
      else pending = p
    },
    end() {
      if (pending !== undefined) show(pending)
    },
  }
}

function bar(p: BatchProgress): string {
  const ratio = p.rowsTotal === 0 ? 1 : Math.min(p.rowsDone / p.rowsTotal, 1)
  const full = Math.round(ratio * BAR_WIDTH)
  return (
    `[${'█'.repeat(full)}${'░'.repeat(BAR_WIDTH - full)}] ${Math.floor(ratio * 100)}% · ` +
    `${count(p.rowsDone)}/${count(p.rowsTotal)} rows · ${count(Math.round(p.rowsPerSecond))} rows/s · ETA ${duration(p.etaMs)}`
  )
}

function plainLine(p: BatchProgress): string {
  const percent = p.rowsTotal === 0 ? 100 : Math.floor(Math.min(p.rowsDone / p.rowsTotal, 1) * 100)
  return (
    `batch ${p.batch}: key ${String(p.from)} → ${String(p.to)}, ${count(p.rows)} rows in ${Math.round(p.ms)} ms · ` +
    `${count(p.rowsDone)}/${count(p.rowsTotal)} rows (${percent}%) · ${count(Math.round(p.rowsPerSecond))} rows/s · ETA ${duration(p.etaMs)}`
  )
}

/** `12,345` */
export function count(n: number): string {
  return n.toLocaleString('en-US')
}

/** `850 ms`, `13 s`, `2 m 05 s`, `1 h 02 m` */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} m`
}
