import type { Connection } from '../dialects/dialect.js'

/** A read transaction that every check of one run reads through. */
export interface ReadSnapshot {
  /** Ends the transaction; it wrote nothing, so commit and rollback are alike. */
  end(): Promise<void>
}

/**
 * Opens one consistent, read-only snapshot, so that two tables compared by a check are read as of
 * the same moment: without it, a write landing between two scans looks like a violation.
 *
 * - PostgreSQL: `REPEATABLE READ READ ONLY`, one snapshot for the whole transaction.
 * - MySQL/MariaDB: `WITH CONSISTENT SNAPSHOT` under REPEATABLE READ, set for this transaction
 *   because a session may run READ COMMITTED, where the snapshot would not hold.
 * - SQLite: a deferred `BEGIN`; the first read takes the snapshot (WAL) or the shared lock.
 */
export async function openReadSnapshot(conn: Connection): Promise<ReadSnapshot> {
  switch (conn.dialect) {
    case 'postgres':
      await conn.execute('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
      break
    case 'mysql':
      await conn.execute('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ')
      await conn.execute('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY')
      break
    case 'sqlite':
      await conn.execute('BEGIN')
      break
  }
  let open = true
  return {
    async end() {
      if (!open) return
      open = false
      await conn.execute('COMMIT')
    },
  }
}
