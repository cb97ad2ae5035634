import { randomBytes } from 'node:crypto'
import mysql from 'mysql2/promise'
import {
  type BenchDatabase,
  createPostgresDatabase,
  createSqliteDatabase,
} from '../inspect/bench-database.js'

/** The dialects the apply and diagnose benchmarks measure. */
export type BenchDialect = 'sqlite' | 'postgres' | 'mysql'

export type { BenchDatabase }

/** An empty database for one timed run: a new SQLite file, or `CREATE DATABASE` on the server. */
export async function freshDatabase(dialect: BenchDialect, adminUrl: string): Promise<BenchDatabase> {
  if (dialect === 'sqlite') return createSqliteDatabase()
  if (dialect === 'postgres') return createPostgresDatabase(adminUrl)
  return createMysqlDatabase(adminUrl)
}

async function admin<T>(adminUrl: string, fn: (conn: mysql.Connection) => Promise<T>): Promise<T> {
  const conn = await mysql.createConnection(adminUrl)
  try {
    return await fn(conn)
  } finally {
    await conn.end()
  }
}

/** A new database on the MySQL or MariaDB server `adminUrl` points at, dropped afterwards. */
async function createMysqlDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `plumbline_bench_${randomBytes(6).toString('hex')}`
  await admin(adminUrl, (conn) => conn.query(`CREATE DATABASE ${name}`))
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.href,
    drop: () => admin(adminUrl, async (conn) => void (await conn.query(`DROP DATABASE IF EXISTS ${name}`))),
  }
}
