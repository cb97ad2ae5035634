import { type LockRequest, lockWaitInterrupted } from '../lock/migration-lock.js'
import type { Session } from './session.js'

/** Default wait for the migration lock: long enough for another replica's `up` to finish. */
export const DEFAULT_LOCK_TIMEOUT_MS = 60_000

/** See {@link withMigrationLock}. */
export interface LockOptions {
  /**
   * Work `fn` would otherwise start with, and that may fail by itself (reading the history file):
   * when another process holds the lock, it is done before the wait, so that its failure is
   * reported at once instead of after it. `fn` is expected to find its result ready.
   */
  readonly whileWaiting?: () => Promise<unknown>
}

/**
 * Runs `fn` holding the migration lock on the session's connection; always releases it. The
 * session's `signal`, once aborted, ends a wait for the lock with `INTERRUPTED` (and a signal
 * aborted already, before the lock is asked for).
 *
 * With `whileWaiting`, and a timeout, the lock is first asked for without waiting: a free lock —
 * the common case — is taken at once (on PostgreSQL one statement, where a wait with a timeout
 * takes three: set the timeout, wait, reset it); a held one is waited for after `whileWaiting`
 * ran, and who held it a moment ago is not asked (`tryAcquire`).
 */
export async function withMigrationLock<T>(
  session: Session,
  timeoutMs: number,
  fn: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  // Stopped before anything began: the lock is not even asked for.
  if (session.signal?.aborted) throw lockWaitInterrupted(0)
  const lock = session.dialect.lock(session.conn)
  const request: LockRequest = {
    timeoutMs,
    owner: { host: session.actor.host, pid: session.actor.pid, since: session.now().toISOString() },
    ...(session.signal ? { signal: session.signal } : {}),
  }
  if (options.whileWaiting !== undefined && timeoutMs > 0) {
    const started = performance.now()
    if (!(await lock.tryAcquire(request))) {
      await options.whileWaiting()
      await lock.acquire({ ...request, timeoutMs: Math.max(1, timeoutMs - (performance.now() - started)) })
    }
  } else {
    await lock.acquire(request)
  }
  try {
    return await fn()
  } finally {
    await lock.release().catch(() => {})
  }
}
