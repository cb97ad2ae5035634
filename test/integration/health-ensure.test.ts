import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { inspect } from '../../src/api/inspect.js'
import { diagnose, ensureHealthy, migrate } from '../../src/api/operations.js'
import type { Connection } from '../../src/dialects/dialect.js'
import { quickHealthy } from '../../src/engine/quick-health.js'
import { openSession } from '../../src/engine/session.js'
import { readTracking } from '../../src/tracking/read-tracking.js'
import {
  auditEvents,
  connect,
  copyMigrations,
  DROPPED_BY_POINTS_LOG,
  dropIndexes,
  editFile,
  HABIT_INDEXES,
  HABIT_REVISIONS,
  habitsDir,
  INDEXES,
  INIT,
  insertUserData,
  POINTS_LOG,
  trackingStatuses,
  userRows,
  writeMigrations,
} from '../fixtures/apply-habits/habits.js'
import { startOperation } from '../fixtures/processes/operation-process.js'
import { createFreshDatabase, dialectTargets, type FreshDatabase } from '../support/database.js'
import { dumpToolCanBackUp } from '../support/dump-tool.js'

const ALL_APPLIED = HABIT_REVISIONS.map((r): [string, string] => [r, 'applied'])

async function snapshot(url: string, conn: Connection) {
  return {
    fingerprint: (await inspect({ url })).fingerprint,
    tracking: (await readTracking(conn)).raw,
    rows: await userRows(conn),
  }
}

/** Whether a start-up check on this database would be answered in one round trip. */
async function oneRoundTrip(url: string, dir: string): Promise<boolean> {
  const session = await openSession({ url, dir })
  try {
    const before = session.conn.roundTrips
    const healthy = await quickHealthy(session.conn, session.dialect, session.migrations)
    expect(session.conn.roundTrips - before).toBe(1)
    return healthy
  } finally {
    await session.close()
  }
}

/** Sessions on this database other than `conn`'s (always 0 on SQLite, which has no server). */
async function otherSessions(conn: Connection): Promise<number> {
  if (conn.dialect === 'sqlite') return 0
  const sql =
    conn.dialect === 'postgres'
      ? 'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()'
      : 'SELECT count(*) AS n FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID()'
  // A closed connection's server process may take a moment to go.
  for (let attempt = 0; ; attempt++) {
    const [row] = await conn.query<{ n: unknown }>(sql)
    if (Number(row?.n) === 0 || attempt === 20) return Number(row?.n)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

for (const target of dialectTargets()) {
  describe(`${target.name}: ensureHealthy at application start`, () => {
    let db: FreshDatabase
    let url: string
    let conn: Connection
    const dir = habitsDir(target.dialect)
    const started: ChildProcess[] = []

    beforeEach(async () => {
      db = await createFreshDatabase(target)
      url = db.url
      conn = (await connect(url)).conn
    })
    afterEach(async () => {
      for (const child of started.splice(0))
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await conn.close()
      await db.drop()
    })

    it('migrates a fresh database, and every start after that is one round trip', async () => {
      const first = await ensureHealthy({ url, dir })
      expect(first.error).toBeUndefined()
      expect(first).toMatchObject({ ok: true, state: 'fresh', diagnosis: { state: 'fresh' } })
      expect(first.actions).toEqual([
        { action: 'create_tracking_tables', status: 'done' },
        ...HABIT_REVISIONS.map((revision) => ({ action: 'apply_migration', revision, status: 'done' })),
      ])
      expect(await oneRoundTrip(url, dir)).toBe(true)
      expect(await ensureHealthy({ url, dir })).toEqual({
        ok: true,
        state: 'healthy',
        diagnosis: null,
        actions: [],
      })
    })

    it('pays for one diagnosis after an unmanaged change, records the catalog, and is one round trip again', async () => {
      await migrate({ url, dir })
      await conn.execute('CREATE INDEX idx_mine_display_name ON users (display_name)')
      expect(await oneRoundTrip(url, dir)).toBe(false)

      const checked = await ensureHealthy({ url, dir })
      expect(checked).toMatchObject({ ok: true, state: 'healthy', actions: [] })
      expect(checked.diagnosis?.problems).toEqual([
        expect.objectContaining({
          code: 'EXTRA_OBJECT',
          severity: 'warning',
          object: expect.objectContaining({ name: 'idx_mine_display_name' }),
        }),
      ])
      expect(await oneRoundTrip(url, dir)).toBe(true)
      expect(await ensureHealthy({ url, dir })).toMatchObject({ ok: true, diagnosis: null })
    })

    it('with outOfOrder, applies a migration merged late where it stands; without, reports it and changes nothing', async () => {
      const copy = writeMigrations({
        '0001_a.sql': 'CREATE TABLE a (id int PRIMARY KEY);\n',
        '0003_c.sql': 'CREATE TABLE c (id int PRIMARY KEY);\n',
      })
      try {
        expect((await ensureHealthy({ url, dir: copy })).ok).toBe(true)
        writeFileSync(join(copy, '0002_b.sql'), 'CREATE TABLE b (id int PRIMARY KEY);\n')
        writeFileSync(join(copy, '0004_d.sql'), 'CREATE TABLE d (id int PRIMARY KEY);\n')

        const refused = await ensureHealthy({ url, dir: copy })
        expect(refused).toMatchObject({ ok: false, state: 'corrupted_tracking', actions: [] })
        expect(await trackingStatuses(conn)).toEqual([
          ['0001_a', 'applied'],
          ['0003_c', 'applied'],
        ])

        const started = await ensureHealthy({ url, dir: copy, outOfOrder: true })
        expect(started.error).toBeUndefined()
        expect(started).toMatchObject({ ok: true, state: 'corrupted_tracking' })
        expect(started.actions).toEqual([
          { action: 'apply_migration', revision: '0002_b', status: 'done' },
          { action: 'apply_migration', revision: '0004_d', status: 'done' },
        ])
        expect(await oneRoundTrip(url, copy)).toBe(true)
      } finally {
        rmSync(copy, { recursive: true, force: true })
      }
    })

    it("recover: 'none' reports what it finds and changes nothing", async () => {
      await migrate({ url, dir, to: INDEXES })
      await insertUserData(conn)
      const before = await snapshot(url, conn)

      const health = await ensureHealthy({ url, dir, recover: 'none' })
      expect(health).toMatchObject({
        ok: false,
        state: 'pending',
        diagnosis: { state: 'pending', pending: [POINTS_LOG] },
        actions: [],
      })
      expect(await snapshot(url, conn)).toEqual(before)
    })

    it("recover: 'safe' initializes tracking on an exact match and applies what is pending", async () => {
      await migrate({ url, dir, to: INDEXES })
      await insertUserData(conn)
      await conn.execute('DROP TABLE plumbline_migrations')
      await conn.execute('DROP TABLE plumbline_events')
      const rows = await userRows(conn)

      const health = await ensureHealthy({ url, dir, recover: 'safe' })
      expect(health.error).toBeUndefined()
      expect(health).toMatchObject({
        ok: true,
        state: 'untracked_schema',
        diagnosis: { strategy: 'initialize_tracking', inferred: { revision: INDEXES, exact: true } },
      })
      expect(health.actions).toEqual([
        { action: 'create_tracking_tables', status: 'done' },
        { action: 'record_applied', status: 'done' },
        { action: 'apply_migration', revision: POINTS_LOG, status: 'done' },
      ])
      expect(await trackingStatuses(conn)).toEqual(ALL_APPLIED)
      const after = await userRows(conn)
      expect({ ...after, points_log: undefined }).toEqual({ ...rows, points_log: undefined })
      expect(await oneRoundTrip(url, dir)).toBe(true)
    })

    it("recover: 'safe' refuses to baseline on an inexact inference, and changes nothing", async () => {
      await migrate({ url, dir, to: INDEXES })
      await insertUserData(conn)
      await dropIndexes(conn, HABIT_INDEXES.slice(0, 1))
      await conn.execute('DROP TABLE plumbline_migrations')
      await conn.execute('DROP TABLE plumbline_events')
      const before = await snapshot(url, conn)

      const health = await ensureHealthy({ url, dir, recover: 'safe' })
      expect(health).toMatchObject({
        ok: false,
        state: 'untracked_schema',
        diagnosis: { inferred: { revision: INDEXES, exact: false, distance: 1 } },
        actions: [],
        error: { code: 'STATE_NEEDS_DECISION' },
      })
      expect(health.error?.message).toContain('inexact or ambiguous inference')
      expect(await snapshot(url, conn)).toEqual(before)
    })

    it("recover: 'safe' refuses a completion that would drop an object; 'all' runs it", async () => {
      await migrate({ url, dir })
      await insertUserData(conn)
      // Someone put back the index 0003 dropped.
      await conn.execute(`CREATE INDEX ${DROPPED_BY_POINTS_LOG} ON daily_stats (user_id, date)`)
      const before = await snapshot(url, conn)

      const safe = await ensureHealthy({ url, dir, recover: 'safe' })
      expect(safe).toMatchObject({
        ok: false,
        state: 'partial',
        diagnosis: { strategy: 'complete_partial_migration' },
        actions: [],
        error: { code: 'STATE_NEEDS_DECISION' },
      })
      expect(safe.diagnosis?.problems).toEqual([
        expect.objectContaining({ code: 'MISSING_CHANGE', revision: POINTS_LOG }),
      ])
      expect(safe.error?.message).toContain('completing it would drop or replace objects')
      expect(await snapshot(url, conn)).toEqual(before)

      // 'all' backs up first: into plumbline-backups/ of the application's directory on a server.
      const app = mkdtempSync(join(tmpdir(), 'plumbline-app-'))
      const cwd = process.cwd()
      process.chdir(app)
      const all = await ensureHealthy({ url, dir, recover: 'all' }).finally(() => process.chdir(cwd))
      expect(all.error).toBeUndefined()
      const backups = existsSync(join(app, 'plumbline-backups'))
        ? readdirSync(join(app, 'plumbline-backups'))
        : []
      // A server dump needs a tool that can read this server (pg_dump refuses a newer one).
      expect(backups).toHaveLength(target.dialect !== 'sqlite' && (await dumpToolCanBackUp(conn)) ? 1 : 0)
      rmSync(app, { recursive: true, force: true })
      expect(all).toMatchObject({
        ok: true,
        actions: [{ action: 'create_missing_objects', revision: POINTS_LOG, status: 'done' }],
      })
      expect((await diagnose({ url, dir })).diagnosis.state).toBe('healthy')
      expect(await userRows(conn)).toEqual(before.rows)
    })

    it('reports a migration file broken after it was applied, and leaves no connection open', async () => {
      await migrate({ url, dir })
      const broken = copyMigrations(dir)
      try {
        // Not healthy (its checksum changed), so the full path loads the files, and this one does not split.
        editFile(broken, `${POINTS_LOG}.sql`, (text) => `${text}\nSELECT 'never closed;\n`)
        const health = await ensureHealthy({ url, dir: broken })
        expect(health).toMatchObject({ ok: false, state: null, error: { code: 'MIGRATION_SQL_INVALID' } })
        expect(await otherSessions(conn)).toBe(0)
      } finally {
        rmSync(broken, { recursive: true, force: true })
      }
    })

    it('six replicas starting at once on a fresh database end healthy, each migration applied once', async () => {
      const replicas = Array.from({ length: 6 }, () =>
        startOperation('ensureHealthy', { url, dir, recover: 'safe' }),
      )
      started.push(...replicas.map((r) => r.child))
      const ends = await Promise.all(replicas.map((r) => r.exited))
      for (const end of ends)
        expect(end, `${JSON.stringify(end.result?.error)} ${end.stderr}`).toMatchObject({
          code: 0,
          result: { ok: true },
        })

      expect(await trackingStatuses(conn)).toEqual(ALL_APPLIED)
      const applies = (await auditEvents(conn)).filter((e) => e.event === 'apply')
      for (const revision of HABIT_REVISIONS)
        expect(applies.filter((e) => e.revision === revision)).toHaveLength(1)
      expect(await oneRoundTrip(url, dir)).toBe(true)
      expect(applies.map((e) => e.revision)).toEqual([INIT, INDEXES, POINTS_LOG])
    })
  })
}
