import Database from 'better-sqlite3'
import pg from 'pg'
import type { RecordedCall } from './recording-connection.js'

/** Sends recorded statements again over a bare driver connection, back to back. */
export interface RawReplayer {
  /** Replays every call once; resolves when the last result has arrived. */
  run(): Promise<void>
  close(): Promise<void>
}

/**
 * better-sqlite3 on its own handle to the same file: each call prepared and stepped exactly as
 * a caller with no abstraction would (`all` for readers, `run` otherwise, `exec` for scripts).
 */
export function sqliteReplayer(path: string, calls: ReadonlyArray<RecordedCall>): RawReplayer {
  const db = new Database(path, { fileMustExist: true })
  return {
    async run() {
      for (const call of calls) {
        if (call.method === 'execute') db.exec(call.sql)
        else {
          const statement = db.prepare(call.sql)
          const params = call.params ?? []
          if (statement.reader) statement.all(...params)
          else statement.run(...params)
        }
      }
    },
    async close() {
      db.close()
    },
  }
}

/** node-postgres `Client` on the same database, with the driver's default type parsing. */
export async function postgresReplayer(
  url: string,
  calls: ReadonlyArray<RecordedCall>,
): Promise<RawReplayer> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  return {
    async run() {
      for (const call of calls) {
        try {
          if (call.method === 'execute') await client.query(call.sql)
          else await client.query(call.sql, (call.params ?? []) as unknown[])
        } catch (error) {
          // A call that failed as recorded fails again, at the same cost; any other failure is real.
          if (!call.failed) throw error
        }
      }
    },
    async close() {
      await client.end()
    },
  }
}

/** mysql2 on one connection to the same database, statements and parameters as recorded. */
export async function mysqlReplayer(url: string, calls: ReadonlyArray<RecordedCall>): Promise<RawReplayer> {
  const { createConnection } = await import('mysql2/promise')
  const connection = await createConnection({ uri: url, multipleStatements: true })
  return {
    async run() {
      for (const call of calls) await connection.query(call.sql, (call.params ?? []) as unknown[])
    },
    async close() {
      await connection.end()
    },
  }
}
