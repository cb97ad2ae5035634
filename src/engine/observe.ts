import type { Connection, Dialect } from '../dialects/dialect.js'
import type { Migration } from '../source/migration.js'
import type { Observation } from '../state/observation.js'
import { readTracking } from '../tracking/read-tracking.js'

/** Reads everything `analyze` compares: the live schema, the tracking table, the lock holder. */
export async function observe(
  conn: Connection,
  dialect: Dialect,
  migrations: ReadonlyArray<Migration>,
): Promise<Observation> {
  const live = await dialect.introspect(conn)
  const tracking = await readTracking(conn)
  const lock = await dialect.lock(conn).holder()
  return Object.freeze({ dialect: dialect.name, live, tracking, lock, migrations })
}
