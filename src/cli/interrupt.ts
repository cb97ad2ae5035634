import type { ProgressEvent } from '../execute/execution-context.js'
import type { Output } from './output.js'

/** Ctrl-C while a command works: see {@link onInterrupt}. */
export interface Interrupt {
  /** Aborted at the first Ctrl-C. */
  readonly signal: AbortSignal
  /** Stops listening: the work is over. */
  release(): void
}

/** The exit code of a process ended by the signal, as a shell reports it. */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const

/**
 * The first Ctrl-C (SIGINT) or SIGTERM (a service manager or container stopping the process)
 * aborts `signal`, and the work stops at its next safe point — after `safePoint`, which finishes
 * and is recorded; a second one ends the process at once (exit 130 or 143), and the server rolls
 * back what was under way, as it does for a killed process. With `busy`, a first signal before
 * the work has begun (waiting for the lock, replaying the history on a shadow) ends the process at
 * once too: there is nothing to finish. Once it has, even between two steps, the work stops
 * itself and records where.
 */
export function onInterrupt(out: Output, safePoint: string, busy?: () => boolean): Interrupt {
  const controller = new AbortController()
  const handler = (signal: keyof typeof EXIT_CODES) => {
    if (controller.signal.aborted || busy?.() === false) process.exit(EXIT_CODES[signal])
    controller.abort()
    out.log(`stopping after ${safePoint} (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to stop at once)`)
  }
  for (const signal of Object.keys(EXIT_CODES)) process.on(signal, handler)
  return {
    signal: controller.signal,
    release() {
      for (const signal of Object.keys(EXIT_CODES)) process.removeListener(signal, handler)
    },
  }
}

/** What a command's work is given to be stoppable: the signal, and a progress follower. */
export interface Stoppable {
  /** Aborted at the first signal once the work has begun. */
  readonly signal: AbortSignal
  /** `onProgress`, noting when the plan's first step begins (before it, a signal exits at once). */
  follow(onProgress: (event: ProgressEvent) => void): (event: ProgressEvent) => void
}

/**
 * Runs a command's `work` with Ctrl-C and SIGTERM handled as {@link onInterrupt} says, `busy`
 * once its plan's first step has begun. A dry run writes nothing: a signal ends it as it ends any
 * process.
 */
export async function interruptible<T>(
  out: Output,
  safePoint: string,
  dryRun: boolean,
  work: (stop: Stoppable) => Promise<T>,
): Promise<T> {
  let begun = false
  const follow: Stoppable['follow'] = (onProgress) => (event) => {
    if (event.kind === 'step-start') begun = true
    onProgress(event)
  }
  if (dryRun) return work({ signal: new AbortController().signal, follow })
  const interrupt = onInterrupt(out, safePoint, () => begun)
  try {
    return await work({ signal: interrupt.signal, follow })
  } finally {
    interrupt.release()
  }
}
