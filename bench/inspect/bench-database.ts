import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'

/** A database made for one benchmark run and dropped at its end. */
export interface BenchDatabase {
  readonly url: string
  /** SQLite: the database file. */
  readonly path?: string
  drop(): Promise<void>
}

/** A new SQLite file in a temporary folder. */
export function createSqliteDatabase(): BenchDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'plumbline-bench-'))
  const path = join(dir, 'inspect.db')
  return { url: `sqlite:${path}`, path, drop: async () => rmSync(dir, { recursive: true, force: true }) }
}

async function admin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/** A new database on the server `adminUrl` points at (`CREATE DATABASE`), dropped WITH (FORCE). */
export async function createPostgresDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `plumbline_bench_${randomBytes(6).toString('hex')}`
  await admin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`))
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.href,
    drop: () =>
      admin(
        adminUrl,
        async (client) => void (await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
      ),
  }
}

/** A new database on the MySQL/MariaDB server `adminUrl` points at, dropped afterwards. */
export async function createMysqlDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `plumbline_bench_${randomBytes(6).toString('hex')}`
  const { createConnection } = await import('mysql2/promise')
  const run = async (sql: string) => {
    const connection = await createConnection(adminUrl.replace(/^mariadb:/, 'mysql:'))
    try {
      await connection.query(sql)
    } finally {
      await connection.end()
    }
  }
  await run(`CREATE DATABASE ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return { url: url.href, drop: () => run(`DROP DATABASE IF EXISTS ${name}`) }
}
