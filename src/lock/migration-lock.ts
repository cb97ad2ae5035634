import { PlumblineError } from '../errors/plumbline-error.js'
/** Who holds the migration lock, as far as the database can tell. */
export interface LockHolder {
  /** The plumbline process's host and pid, when it announced them. */
  readonly host: string | null
  readonly pid: number | null
  /** When it took the lock (ISO-8601), when known. */
  readonly since: string | null
  /** The server's own session id (PostgreSQL backend pid, MySQL connection id). */
  readonly session: number | null
  /** What the server says about the session, for the human reading the message. */
  readonly description: string
}

/** How to take the lock: wait up to `timeoutMs` (0: fail at once if it is held). */
export interface LockRequest {
  readonly timeoutMs: number
  /** The process taking the lock, announced to others who look for the holder. */
  readonly owner: { readonly host: string; readonly pid: number; readonly since: string }
  /**
   * Ends a wait for the lock once aborted (`INTERRUPTED`, nothing taken): the servers' locks are
   * waited for in slices of {@link LOCK_WAIT_SLICE_MS}, the signal looked at between two.
   */
  readonly signal?: AbortSignal
}

/** How long one slice of an abortable wait for the lock lasts, at most. */
export const LOCK_WAIT_SLICE_MS = 250

/** The error of a wait for the lock that a signal ended (`waitedMs` 0: before it began). */
export function lockWaitInterrupted(waitedMs: number): PlumblineError {
  return new PlumblineError({
    code: 'INTERRUPTED',
    message: `stopped on request ${waitedMs > 0 ? `after waiting ${Math.round(waitedMs)} ms for the migration lock, ` : ''}before the migration lock was taken: nothing was run`,
    hint: 'run the command again to go on; `plumbline status` shows who holds the lock',
    details: { stepsDone: 0, stepsTotal: null, remaining: null },
  })
}

/**
 * Waits up to `timeoutMs` for a lock that `attempt` asks for, waiting at most the milliseconds it
 * is given (true once taken). With `signal`, the wait goes in slices of
 * {@link LOCK_WAIT_SLICE_MS}, at least `minimumSliceMs`, and throws {@link lockWaitInterrupted} once
 * it is aborted; a lock freed in the middle of a slice is still taken at once. False when the
 * time ran out.
 */
export async function waitForLock(
  timeoutMs: number,
  signal: AbortSignal | undefined,
  attempt: (waitMs: number) => Promise<boolean>,
  minimumSliceMs = 0,
): Promise<boolean> {
  if (signal === undefined) return attempt(timeoutMs)
  const started = performance.now()
  for (;;) {
    const waited = performance.now() - started
    if (signal.aborted) throw lockWaitInterrupted(waited)
    const left = timeoutMs - waited
    const slice = Math.max(LOCK_WAIT_SLICE_MS, minimumSliceMs)
    if (await attempt(Math.max(1, Math.min(left, slice)))) return true
    if (left <= slice) return false
  }
}

/**
 * The migration lock. It lives on the connection that runs the migrations, so the server
 * releases it when that connection dies: a killed holder never leaves a lock behind.
 */
export interface MigrationLock {
  /** Takes the lock or throws `LOCKED` / `LOCK_TIMEOUT` naming the holder. */
  acquire(request: LockRequest): Promise<void>
  /**
   * Takes the lock if it is free, without waiting and without asking who holds it: false when it
   * is held. For a caller that waits with {@link acquire} after doing something else, and for
   * whom the holder of a moment ago would be a wasted round trip. (SQLite's lock is its write
   * lock, taken by each transaction: this sets how those wait, as `acquire` does, and is true.)
   */
  tryAcquire(request: LockRequest): Promise<boolean>
  release(): Promise<void>
  /** The current holder other than this connection, or `null` when the lock is free. */
  holder(): Promise<LockHolder | null>
}
