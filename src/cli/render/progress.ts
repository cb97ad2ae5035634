import type { ProgressEvent } from '../../execute/execution-context.js'
import type { Output } from '../output.js'
import { duration, words } from './format.js'

/** Receives the engine's progress and shows it on stderr. */
export interface ProgressView {
  /** The executor's step events. */
  readonly onProgress: (event: ProgressEvent) => void
  /** The shadow replay that builds the history, when the history file cannot be used. */
  readonly onReplay: (index: number, total: number, id: string) => void
  /** Stops the ticker and leaves the terminal on a fresh line. */
  stop(): void
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
const TICK_MS = 100
/** Cursor up one line and clear it: the live line is redrawn in place. */
const REDRAW = '\x1b[1A\x1b[2K'

/**
 * Progress of a plan on stderr. On a terminal one live line — spinner, step n of N, revision,
 * statements done, elapsed — redrawn in place, and a permanent line per finished step. Elsewhere
 * (a CI log, a pipe) plain lines: one when a step starts, one when it ends, so a log shows what
 * was running when a job hung.
 */
export function createProgressView(out: Output, options: { readonly tty: boolean }): ProgressView {
  const c = out.color
  /** The live line without its spinner; `undefined` when nothing is under way. */
  let live: (() => string) | undefined
  let drawn = false
  let frame = 0
  let timer: NodeJS.Timeout | undefined
  /** The step under way: the live line's. */
  let step: { index: number; label: string; n: string; started: number; statements: string } | undefined
  /**
   * A step that ended its own part while the next began: a revision whose COMMIT travels at the
   * head of the next one's batch ends once that batch comes back.
   */
  let pending: { index: number; label: string; n: string } | undefined

  const draw = () => {
    if (!live) return
    out.log(`${drawn ? REDRAW : ''}${c.cyan(FRAMES[frame]!)} ${live()}`)
    drawn = true
  }
  /** Replaces the live line with a permanent one. */
  const settle = (line: string) => {
    out.log(`${drawn ? REDRAW : ''}${line}`)
    drawn = false
    live = undefined
  }
  /** Makes `current` the live line. */
  const showLive = (current: NonNullable<typeof step>) => {
    live = () =>
      `${c.dim(current.n)} ${current.label}${current.statements} ${c.dim(duration(performance.now() - current.started))}`
    draw()
  }
  const startTicker = () => {
    if (!options.tty || timer) return
    timer = setInterval(() => {
      frame = (frame + 1) % FRAMES.length
      draw()
    }, TICK_MS)
    timer.unref()
  }

  return {
    onReplay(index, total, id) {
      // A log gets the executor's step lines only: a replay is quick, and its failure is an error.
      if (!options.tty) return
      live = () => `building the expected schemas on a shadow database ${c.dim(`[${index}/${total}]`)} ${id}`
      if (index === total)
        settle(c.dim(`built the expected schemas of ${total} migration(s) on a shadow database`))
      else {
        draw()
        startTicker()
      }
    },
    onProgress(event) {
      if (event.kind === 'step-start') {
        const label = event.revision ?? words(event.action)
        const n = `[${event.index + 1}/${event.total}]`
        if (step !== undefined) pending = step
        step = { index: event.index, label, n, started: performance.now(), statements: '' }
        if (!options.tty) {
          out.log(`${c.dim('→')} ${c.dim(n)} ${words(event.action)} ${event.revision ?? ''}`.trimEnd())
          return
        }
        showLive(step)
        startTicker()
      } else if (event.kind === 'statement') {
        if (step) step.statements = c.dim(` · statement ${event.done}/${event.total || '?'}`)
        if (options.tty) draw()
      } else {
        const earlier = pending !== undefined && pending.index === event.index
        const ended = earlier ? pending : step
        const n = ended?.n ?? `[${event.index + 1}/${event.total}]`
        const mark =
          event.status === 'failed' ? c.red('✗') : event.status === 'skipped' ? c.yellow('-') : c.green('✓')
        const note = event.status === 'skipped' ? c.dim(' (already applied by another process)') : ''
        const line = `${mark} ${c.dim(n)} ${ended?.label ?? ''} ${c.dim(duration(event.ms))}${note}`
        if (earlier) {
          pending = undefined
          // Its line goes above the live one, which stays; unless it failed: then the step after
          // it never began.
          if (event.status === 'failed') step = undefined
        } else step = undefined
        if (!options.tty) out.log(line)
        else {
          settle(line)
          if (step !== undefined) showLive(step)
        }
      }
    },
    stop() {
      if (timer) clearInterval(timer)
      timer = undefined
      if (live && drawn) settle(`  ${live()}`)
      live = undefined
    },
  }
}
