import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { inject } from 'vitest'
import { IMPLEMENTED_DIALECTS, type TestTarget } from './targets.js'

/** The targets whose dialect plumbline implements: the shared suites loop over these. */
export function dialectTargets(): ReadonlyArray<TestTarget> {
  return inject('targets').filter((t) => IMPLEMENTED_DIALECTS.has(t.dialect))
}

/** A database made for one test and dropped after it. */
export interface FreshDatabase {
  readonly url: string
  readonly name: string
  drop(): Promise<void>
}

/**
 * Creates an empty database on the target: a new file for SQLite, `CREATE DATABASE` on a server.
 *
 * @example
 * let db: FreshDatabase
 * beforeEach(async () => { db = await createFreshDatabase(target) })
 * afterEach(() => db.drop())
 */
export async function createFreshDatabase(target: TestTarget): Promise<FreshDatabase> {
  const name = `plumbline_t_${randomBytes(6).toString('hex')}`
  if (target.dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-test-'))
    return {
      url: `sqlite:${join(dir, `${name}.db`)}`,
      name,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    }
  }
  if (target.dialect === 'postgres') {
    const admin = new pg.Client({ connectionString: target.adminUrl })
    await admin.connect()
    try {
      await admin.query(`CREATE DATABASE ${name}`)
    } finally {
      await admin.end()
    }
    const url = new URL(target.adminUrl!)
    url.pathname = `/${name}`
    return {
      url: url.href,
      name,
      drop: async () => {
        const client = new pg.Client({ connectionString: target.adminUrl })
        await client.connect()
        try {
          await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        } finally {
          await client.end()
        }
      },
    }
  }
  const admin = await mysql.createConnection(target.adminUrl!)
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(target.adminUrl!)
  url.pathname = `/${name}`
  return {
    url: url.href,
    name,
    drop: async () => {
      const client = await mysql.createConnection(target.adminUrl!)
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name}`)
      } finally {
        await client.end()
      }
    },
  }
}
