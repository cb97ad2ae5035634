import Database from 'better-sqlite3'
import mysql from 'mysql2/promise'
import pg from 'pg'
import type { BenchDialect } from './fresh-database.js'

/** The server (or library) a dialect is measured on, as the report names it. */
export async function describeServer(dialect: BenchDialect, adminUrl: string): Promise<string> {
  if (dialect === 'sqlite') {
    const db = new Database(':memory:')
    try {
      const { v } = db.prepare('SELECT sqlite_version() AS v').get() as { v: string }
      return `SQLite ${v} (better-sqlite3, file)`
    } finally {
      db.close()
    }
  }
  const { host, port } = new URL(adminUrl)
  if (dialect === 'postgres') {
    const client = new pg.Client({ connectionString: adminUrl })
    await client.connect()
    try {
      const { rows } = await client.query<{ server_version: string }>('SHOW server_version')
      return `PostgreSQL ${rows[0]?.server_version} (${host}${port ? '' : ':5432'})`
    } finally {
      await client.end()
    }
  }
  const conn = await mysql.createConnection(adminUrl)
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v')
    const v = String((rows as Array<{ v: string }>)[0]?.v)
    return `${/mariadb/i.test(v) ? 'MariaDB' : 'MySQL'} ${v} (${host}${port ? '' : ':3306'})`
  } finally {
    await conn.end()
  }
}
