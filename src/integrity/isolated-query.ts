import type { Connection, Row } from '../dialects/dialect.js'

const SAVEPOINT = 'plumbline_check'

/**
 * Runs one check statement inside a transaction so that its failure (a bad column name) leaves
 * the transaction usable for the next check. PostgreSQL aborts a whole transaction on any error,
 * so there the statement runs under a savepoint; SQLite and MySQL roll back only the statement.
 */
export async function isolatedQuery<R extends Row = Row>(
  conn: Connection,
  sql: string,
  params: ReadonlyArray<unknown>,
): Promise<R[]> {
  if (conn.dialect !== 'postgres') return conn.query<R>(sql, params)
  await conn.execute(`SAVEPOINT ${SAVEPOINT}`)
  try {
    const rows = await conn.query<R>(sql, params)
    await conn.execute(`RELEASE SAVEPOINT ${SAVEPOINT}`)
    return rows
  } catch (error) {
    await conn.execute(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`)
    await conn.execute(`RELEASE SAVEPOINT ${SAVEPOINT}`)
    throw error
  }
}
