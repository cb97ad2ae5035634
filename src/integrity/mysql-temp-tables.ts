import type { Connection } from '../dialects/dialect.js'

/** 1 GiB: where MariaDB 10.11 kept a 300k-group reconciliation in memory (3.7 s instead of 32 s). */
export const RECONCILE_TEMP_TABLE_BYTES = 1024 * 1024 * 1024

/**
 * Raises this session's in-memory temporary table limits for the statements that group or
 * append large results, and returns how to put them back. At the 16 MB default MySQL and MariaDB
 * spill a reconciliation's GROUP BY to disk, about nine times slower. A limit already higher is
 * kept. Other dialects: nothing to do.
 */
export async function raiseTempTableLimits(conn: Connection): Promise<() => Promise<void>> {
  if (conn.dialect !== 'mysql') return async () => {}
  const [row] = await conn.query<{ t: unknown; h: unknown }>(
    'SELECT @@SESSION.tmp_table_size AS t, @@SESSION.max_heap_table_size AS h',
  )
  const tmp = Number(row?.t ?? 0)
  const heap = Number(row?.h ?? 0)
  if (tmp >= RECONCILE_TEMP_TABLE_BYTES && heap >= RECONCILE_TEMP_TABLE_BYTES) return async () => {}
  const size = (current: number) => Math.max(current, RECONCILE_TEMP_TABLE_BYTES)
  await conn.execute(`SET SESSION tmp_table_size = ${size(tmp)}, max_heap_table_size = ${size(heap)}`)
  return async () => {
    await conn.execute(`SET SESSION tmp_table_size = ${tmp}, max_heap_table_size = ${heap}`)
  }
}
