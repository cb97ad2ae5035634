import type { Connection, Dialect } from '../dialects/dialect.js'
import type { Migration } from '../source/migration.js'
import type { Observation } from '../state/observation.js'
import { readTracking } from '../tracking/read-tracking.js'

/** How an observation is taken. */
export interface ObserveOptions {
  /**
   * The caller holds the migration lock, so no other process does. On SQLite, whose lock is the
   * write lock each step takes, a writer seen now is a racing migrator to queue behind, not a
   * holder to report.
   */
  readonly lockHeld?: boolean
}

/** Reads everything `analyze` compares: the live schema, the tracking table, the lock holder. */
export async function observe(
  conn: Connection,
  dialect: Dialect,
  migrations: ReadonlyArray<Migration>,
  options: ObserveOptions = {},
): Promise<Observation> {
  const lock = options.lockHeld ? null : await dialect.lock(conn).holder()
  const { live, tracking } = await oneSnapshot(conn, async () => ({
    live: await dialect.introspect(conn),
    tracking: await readTracking(conn),
  }))
  return Object.freeze({ dialect: dialect.name, live, tracking, lock, migrations })
}

/**
 * SQLite: the schema and the tracking rows are read in one read transaction, so a migration
 * another process commits in between cannot tear them apart (its schema without its row, which
 * reads as a partial migration). A read transaction writes nothing; the writer waits for it.
 */
async function oneSnapshot<T>(conn: Connection, read: () => Promise<T>): Promise<T> {
  if (conn.dialect !== 'sqlite') return read()
  await conn.execute('BEGIN DEFERRED')
  try {
    return await read()
  } finally {
    await conn.execute('COMMIT')
  }
}
