import pg from 'pg'

/**
 * Counts the statements every node-postgres client of this process sends while `task` runs, by
 * wrapping `Client.prototype.query` for its duration: the way to count round trips of calls that
 * open their own connections (`ensureHealthy()`, a Kysely pool). Connecting is not a statement.
 */
export async function countPostgresRoundTrips<T>(
  task: () => Promise<T>,
): Promise<{ result: T; roundTrips: number }> {
  const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }
  const original = prototype.query
  let roundTrips = 0
  prototype.query = function (this: unknown, ...args: unknown[]) {
    roundTrips++
    return original.apply(this, args)
  }
  try {
    const result = await task()
    return { result, roundTrips }
  } finally {
    prototype.query = original
  }
}
