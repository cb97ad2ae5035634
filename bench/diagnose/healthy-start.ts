import Database from 'better-sqlite3'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { ensureHealthy } from '../../src/api/operations.js'
import { parseConnectionUrl } from '../../src/config/connection-url.js'
import { open } from '../../src/dialects/registry.js'
import { quickHealthy } from '../../src/engine/quick-health.js'
import { openSession } from '../../src/engine/session.js'
import { listMigrationChecksums } from '../../src/source/load-migrations.js'

/** One way of measuring the healthy start, run again and again. */
export interface StartProbe {
  readonly name: string
  run(): Promise<void>
}

/**
 * `ensureHealthy()` as an application calls it at start: it lists the migrations folder (ids and
 * checksums), connects, and (healthy) answers from one statement.
 */
export function ensureHealthyProbe(url: string, dir: string): StartProbe {
  return {
    name: 'ensureHealthy()',
    async run() {
      const health = await ensureHealthy({ url, dir })
      if (!health.ok || health.state !== 'healthy' || health.diagnosis !== null)
        throw new Error(
          `ensureHealthy did not take the healthy path: ${health.state} ${health.error?.message ?? ''}`,
        )
    },
  }
}

/** What `ensureHealthy()` reads of the migrations folder: ids and checksums, no file parsed. */
export function listFolderProbe(dir: string): StartProbe {
  return {
    name: 'list the folder',
    async run() {
      await listMigrationChecksums(dir)
    },
  }
}

/** Opening and closing the connection `ensureHealthy()` checks on. */
export function connectProbe(url: string): StartProbe {
  const target = parseConnectionUrl(url)
  return {
    name: 'connect and close',
    async run() {
      const { conn } = await open(target)
      await conn.close()
    },
  }
}

/**
 * The floor of any start that connects, with the bare driver and none of plumbline: open a
 * connection to `url`, send `SELECT 1`, close.
 */
export function driverFloorProbe(url: string): StartProbe {
  const target = parseConnectionUrl(url)
  return {
    name: 'bare driver: connect, SELECT 1, close',
    async run() {
      if (target.dialect === 'sqlite') {
        const db = new Database(target.path, { fileMustExist: true })
        db.prepare('SELECT 1').get()
        db.close()
      } else if (target.dialect === 'postgres') {
        const client = new pg.Client({ connectionString: url })
        await client.connect()
        await client.query('SELECT 1')
        await client.end()
      } else {
        const conn = await mysql.createConnection(url)
        await conn.query('SELECT 1')
        await conn.end()
      }
    },
  }
}

/** The healthy check itself, on a session that stays open, and the round trips it takes. */
export async function healthyCheck(
  url: string,
  dir: string,
): Promise<StartProbe & { roundTrips(): Promise<number>; close(): Promise<void> }> {
  const session = await openSession({ url, dir })
  const check = async () => {
    if (!(await quickHealthy(session.conn, session.dialect, session.migrations)))
      throw new Error('the healthy check said no on a healthy database')
  }
  return {
    name: 'the check, on an open session',
    run: check,
    async roundTrips() {
      const before = session.conn.roundTrips
      await check()
      return session.conn.roundTrips - before
    },
    close: () => session.close(),
  }
}
