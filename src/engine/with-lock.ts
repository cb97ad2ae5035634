import type { LockRequest } from '../lock/migration-lock.js'
import type { Session } from './session.js'

/** Default wait for the migration lock: long enough for another replica's `up` to finish. */
export const DEFAULT_LOCK_TIMEOUT_MS = 60_000

/** Runs `fn` holding the migration lock on the session's connection; always releases it. */
export async function withMigrationLock<T>(
  session: Session,
  timeoutMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  const lock = session.dialect.lock(session.conn)
  const request: LockRequest = {
    timeoutMs,
    owner: { host: session.actor.host, pid: session.actor.pid, since: session.now().toISOString() },
  }
  await lock.acquire(request)
  try {
    return await fn()
  } finally {
    await lock.release().catch(() => {})
  }
}
