import type { LockHolder, LockRequest, MigrationLock } from '../../lock/migration-lock.js'
import type { Connection } from '../dialect.js'
import { setWriteLockWait } from './sqlite-connection.js'

/**
 * SQLite has no advisory locks. Its write lock is the migration lock: every migration runs in a
 * `BEGIN IMMEDIATE` transaction that re-reads the tracking table first, so two processes racing
 * `up` queue on the write lock and each revision is applied once. The operating system drops the
 * file lock of a killed process. `acquire` only sets how long each of those transactions waits for
 * it (busy_timeout, and with a signal in slices that a Ctrl-C ends: see `SqliteConnection`).
 */
export function sqliteLock(conn: Connection): MigrationLock {
  const acquire = async (request: LockRequest) => {
    const timeoutMs = Math.max(0, Math.ceil(request.timeoutMs))
    await conn.query(`PRAGMA busy_timeout = ${timeoutMs}`)
    setWriteLockWait(conn, { timeoutMs, ...(request.signal ? { signal: request.signal } : {}) })
  }
  return {
    acquire,
    // Nothing to take here: the transactions wait for the write lock as `request` says.
    tryAcquire: async (request: LockRequest) => {
      await acquire(request)
      return true
    },
    async release() {
      setWriteLockWait(conn, undefined)
      await conn.query('PRAGMA busy_timeout = 5000')
    },
    holder: () => sqliteLockHolder(conn),
  }
}

/**
 * Whether another connection is writing: SQLite cannot say who, only that the write lock is
 * taken. The probe takes and drops the write lock without writing a byte.
 */
export async function sqliteLockHolder(conn: Connection): Promise<LockHolder | null> {
  const [row] = await conn.query<{ timeout: number }>('PRAGMA busy_timeout')
  const previous = row?.timeout ?? 5000
  await conn.query('PRAGMA busy_timeout = 0')
  try {
    await conn.execute('BEGIN IMMEDIATE')
    await conn.execute('ROLLBACK')
    return null
  } catch (error) {
    const busy =
      /SQLITE_BUSY|database is locked/i.test(String((error as Error).message)) ||
      (error as { details?: { sqliteCode?: string } }).details?.sqliteCode?.startsWith('SQLITE_BUSY')
    if (!busy) throw error
    return Object.freeze({
      host: null,
      pid: null,
      since: null,
      session: null,
      description: 'another connection holds the write lock of the database file',
    })
  } finally {
    await conn.query(`PRAGMA busy_timeout = ${previous}`)
  }
}
