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
}

/**
 * The migration lock. It lives on the connection that runs the migrations, so the server
 * releases it when that connection dies: a killed holder never leaves a lock behind.
 */
export interface MigrationLock {
  /** Takes the lock or throws `LOCKED` / `LOCK_TIMEOUT` naming the holder. */
  acquire(request: LockRequest): Promise<void>
  release(): Promise<void>
  /** The current holder other than this connection, or `null` when the lock is free. */
  holder(): Promise<LockHolder | null>
}
