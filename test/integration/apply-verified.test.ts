import { existsSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { inspect } from '../../src/api/inspect.js'
import { diagnose, ensureHealthy, migrate, recover, rollback, status } from '../../src/api/operations.js'
import { parseConnectionUrl } from '../../src/config/connection-url.js'
import type { Connection } from '../../src/dialects/dialect.js'
import { migrate as migrateSession } from '../../src/engine/migrate.js'
import { preflight } from '../../src/engine/preflight.js'
import { quickHealthy } from '../../src/engine/quick-health.js'
import { revert } from '../../src/engine/revert.js'
import { openSession, type Session } from '../../src/engine/session.js'
import { applyRevision } from '../../src/execute/apply-revision.js'
import { executePlan } from '../../src/execute/execute-plan.js'
import { loadMigrations } from '../../src/source/load-migrations.js'
import { readTracking } from '../../src/tracking/read-tracking.js'
import {
  auditEvents,
  connect,
  copyMigrations,
  DROPPED_BY_POINTS_LOG,
  dropIndexSql,
  editFile,
  fixtureDir,
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
import { createFreshDatabase, dialectTargets, type FreshDatabase } from '../support/database.js'

/** Everything a refused command must leave as it found it: the schema and the tracking rows. */
async function snapshot(url: string, conn: Connection) {
  return { fingerprint: (await inspect({ url })).fingerprint, tracking: (await readTracking(conn)).raw }
}

/** The definition a migration's history expects for an object, and the one the database has. */
async function definitions(url: string, dir: string, name: string) {
  const session = await openSession({ url, dir })
  try {
    const { history } = await session.project()
    const expected = history.revisions
      .flatMap((r) => r.delta.created)
      .find((o) => o.name === name)?.definition
    const found = (await session.dialect.introspect(session.conn)).objects.find(
      (o) => o.name === name,
    )?.definition
    return { expected: expected!, found }
  } finally {
    await session.close()
  }
}

/**
 * Ends, from another connection, the session that runs a two-second sleep in this database (as
 * an administrator or a failover would): true once it did, false when none ran within 30 s. It
 * waits for the sleep itself to be under way (PostgreSQL receives a migration's statements as one
 * text, which shows from its first statement on).
 */
async function endSessionWhenSleeping(conn: Connection, dialect: string): Promise<boolean> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (dialect === 'postgres') {
      const ended = await conn.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep' AND pid <> pg_backend_pid()",
      )
      if (ended.length > 0) return true
    } else {
      const [session] = await conn.query<{ id: number }>(
        "SELECT id FROM information_schema.processlist WHERE state = 'User sleep' AND db = DATABASE() AND id <> CONNECTION_ID()",
      )
      if (session !== undefined) {
        await conn.execute(`KILL ${Number(session.id)}`)
        return true
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return false
}

/**
 * `session` with a connection that, just before the first call whose SQL `when` picks, has the
 * server end the session (from `admin`, waiting until it is gone), so that the call meets a lost
 * connection. Batches are matched by their statements joined with newlines.
 */
async function endingSessionBefore(
  session: Session,
  admin: Connection,
  when: (sql: string) => boolean,
): Promise<{ session: Session; ended: () => boolean }> {
  const [row] = await session.conn.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
  const pid = row!.pid
  const inner = session.conn
  let ended = false
  const before = async (sql: string) => {
    if (ended || !when(sql)) return
    await admin.query('SELECT pg_terminate_backend($1, 10000)', [pid])
    ended = true
  }
  const conn = new Proxy(inner, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target)
      if (typeof value !== 'function') return value
      if (prop === 'executeBatch')
        return async (statements: ReadonlyArray<string>) => {
          await before(statements.join('\n'))
          return inner.executeBatch!(statements)
        }
      if (prop === 'query' || prop === 'execute')
        return async (sql: string, ...rest: unknown[]) => {
          await before(sql)
          return (value as (...args: unknown[]) => unknown).call(target, sql, ...rest)
        }
      return value.bind(target)
    },
  }) as Connection
  return {
    session: { ...session, conn, context: async () => ({ ...(await session.context()), conn }) },
    ended: () => ended,
  }
}

for (const target of dialectTargets()) {
  describe(`${target.name}: verified apply`, () => {
    let db: FreshDatabase
    let url: string
    let conn: Connection
    let transactionalDdl: boolean
    const dir = habitsDir(target.dialect)

    beforeEach(async () => {
      db = await createFreshDatabase(target)
      url = db.url
      const opened = await connect(url)
      conn = opened.conn
      transactionalDdl = opened.dialect.capabilities.transactionalDdl
    })
    afterEach(async () => {
      await conn.close()
      await db.drop()
    })

    it('migrates a fresh database to head, each revision verified and audited, and finds it healthy', async () => {
      const result = await migrate({ url, dir })
      expect(result.error).toBeUndefined()
      expect(result).toMatchObject({ ok: true, state: 'fresh' })
      expect(result.applied.map((a) => [a.revision, a.status])).toEqual(
        HABIT_REVISIONS.map((r) => [r, 'applied']),
      )
      expect(await trackingStatuses(conn)).toEqual(HABIT_REVISIONS.map((r) => [r, 'applied']))
      expect((await auditEvents(conn)).filter((e) => e.event === 'apply').map((e) => e.revision)).toEqual([
        ...HABIT_REVISIONS,
      ])

      const indexes = (await inspect({ url })).schema.objects
        .filter((o) => o.kind === 'index')
        .map((o) => o.name)
      const kept = HABIT_INDEXES.map(([name]) => name).filter((n) => n !== DROPPED_BY_POINTS_LOG)
      expect(indexes).toEqual(expect.arrayContaining([...kept, 'idx_points_log_user_date']))
      expect(indexes).not.toContain(DROPPED_BY_POINTS_LOG)

      const { diagnosis } = await diagnose({ url, dir })
      expect(diagnosis).toMatchObject({
        state: 'healthy',
        strategy: 'no_action',
        head: POINTS_LOG,
        tracked: { revision: POINTS_LOG },
        inferred: { revision: POINTS_LOG, exact: true },
        pending: [],
        problems: [],
      })
      expect(await ensureHealthy({ url, dir })).toEqual({
        ok: true,
        state: 'healthy',
        diagnosis: null,
        actions: [],
      })
    })

    it('answers "healthy" in one round trip, for the start-up check and for a no-op up', async () => {
      await migrate({ url, dir })
      const session = await openSession({ url, dir })
      try {
        const start = session.conn.roundTrips
        expect(await quickHealthy(session.conn, session.dialect, session.migrations)).toBe(true)
        expect(session.conn.roundTrips - start).toBe(1)

        const beforeUp = session.conn.roundTrips
        const noop = await migrateSession(session)
        expect(noop).toMatchObject({ ok: true, state: 'healthy', applied: [] })
        expect(noop.diagnosis).toBeUndefined()
        expect(session.conn.roundTrips - beforeUp).toBe(1)
      } finally {
        await session.close()
      }
    })

    it('a no-op up that had to diagnose records the healthy catalog, and the next is one round trip', async () => {
      await migrate({ url, dir })
      // An unmanaged object: healthy (with a warning), but not the catalog recorded at apply.
      await conn.execute('CREATE INDEX idx_mine_display_name ON users (display_name)')
      const session = await openSession({ url, dir })
      try {
        expect(await quickHealthy(session.conn, session.dialect, session.migrations)).toBe(false)
        const diagnosed = await migrateSession(session)
        expect(diagnosed).toMatchObject({ ok: true, state: 'healthy', applied: [] })
        expect(diagnosed.diagnosis?.problems).toEqual([
          expect.objectContaining({
            code: 'EXTRA_OBJECT',
            object: expect.objectContaining({ name: 'idx_mine_display_name' }),
          }),
        ])
        const before = session.conn.roundTrips
        const noop = await migrateSession(session)
        expect(noop).toMatchObject({ ok: true, state: 'healthy', applied: [] })
        expect(noop.diagnosis).toBeUndefined()
        expect(session.conn.roundTrips - before).toBe(1)
        // --dry-run writes nothing: after one more unmanaged change, it leaves the record alone.
        await conn.execute(dropIndexSql(target.dialect, 'idx_mine_display_name', 'users'))
        expect(await migrateSession(session, { dryRun: true })).toMatchObject({ ok: true, state: 'healthy' })
        expect(await quickHealthy(session.conn, session.dialect, session.migrations)).toBe(false)
      } finally {
        await session.close()
      }
    })

    // PostgreSQL: a verified revision's tracking row and COMMIT go at the head of the next
    // revision's batch, one round trip per revision.
    if (target.dialect === 'postgres') {
      it("sends each revision's row and COMMIT at the head of the next one's batch, and ends each revision in order", async () => {
        const steps: string[] = []
        const names = new Map<number, string>()
        const session = await openSession({
          url,
          dir,
          onProgress: (e) => {
            if (e.kind === 'step-start') names.set(e.index, e.revision ?? e.action)
            if (e.kind !== 'statement')
              steps.push(`${e.kind === 'step-start' ? 'start' : e.status} ${names.get(e.index)}`)
          },
        })
        const batches: string[][] = []
        const send = session.conn.executeBatch!.bind(session.conn)
        session.conn.executeBatch = (statements) => {
          if (statements.includes('BEGIN') || statements.includes('COMMIT')) batches.push([...statements])
          return send(statements)
        }
        try {
          const result = await migrateSession(session)
          expect(result.error).toBeUndefined()
          expect(result.applied.map((a) => [a.revision, a.status])).toEqual(
            HABIT_REVISIONS.map((r) => [r, 'applied']),
          )
        } finally {
          await session.close()
        }
        // Three revisions, four round trips: each opening batch but the first begins with the
        // previous revision's row (the prepared tracking statement) and COMMIT.
        expect(batches).toHaveLength(HABIT_REVISIONS.length + 1)
        for (const [i, batch] of batches.entries()) {
          const begin = batch.indexOf('BEGIN')
          const head = begin === -1 ? batch : batch.slice(0, begin)
          if (i === 0) expect(head).toEqual([])
          else {
            expect(head.at(-1)).toBe('COMMIT')
            expect(head.at(-2)).toMatch(/^EXECUTE plumbline_track_\d+\(E'/)
            expect(head.at(-2)).toContain(`E'${HABIT_REVISIONS[i - 1]}'`)
          }
        }
        // A revision ends once the batch that carried its COMMIT came back: after the next began.
        expect(steps.filter((s) => !s.includes('tracking'))).toEqual([
          `start ${INIT}`,
          `start ${INDEXES}`,
          `done ${INIT}`,
          `start ${POINTS_LOG}`,
          `done ${INDEXES}`,
          `done ${POINTS_LOG}`,
        ])
        expect(await trackingStatuses(conn)).toEqual(HABIT_REVISIONS.map((r) => [r, 'applied']))
        expect((await auditEvents(conn)).filter((e) => e.event === 'apply').map((e) => e.revision)).toEqual([
          ...HABIT_REVISIONS,
        ])
      })

      it("reports a revision whose COMMIT fails at the head of the next one's batch as rolled back, and the next as never begun", async () => {
        const copy = writeMigrations({
          '0001_a.sql': 'CREATE TABLE a (id int PRIMARY KEY, parent int);\n',
          // The copy has a parent that does not exist: checked only at COMMIT (a shadow database,
          // empty, commits it).
          '0002_b.sql':
            'ALTER TABLE a ADD CONSTRAINT a_parent_fkey FOREIGN KEY (parent) REFERENCES a (id) DEFERRABLE INITIALLY DEFERRED NOT VALID;\nINSERT INTO a (id, parent) SELECT id + 1000, parent FROM a;\n',
          '0003_c.sql': 'CREATE TABLE c (id int PRIMARY KEY);\n',
        })
        try {
          await migrate({ url, dir: copy, to: '0001_a' })
          await conn.execute('INSERT INTO a (id, parent) VALUES (1, 99)')
          const steps: string[] = []
          const result = await migrate({
            url,
            dir: copy,
            onProgress: (e) => {
              if (e.kind === 'step-start') steps.push(`start ${e.revision}`)
              if (e.kind === 'step-end') steps.push(`${e.status} ${e.index}`)
            },
          })
          expect(result.applied).toEqual([])
          expect(result.error).toMatchObject({
            code: 'MIGRATION_FAILED',
            details: { revision: '0002_b', statement: 'COMMIT', statementsDone: 0, rolledBack: true },
          })
          expect(result.error?.message).toMatch(/^migration 0002_b failed at its COMMIT: .*a_parent_fkey/)
          expect(result.error?.hint).toMatch(/^nothing of it took effect \(its transaction was rolled back\)/)
          expect(steps).toEqual(['start 0002_b', 'start 0003_c', 'failed 0'])
          expect(await trackingStatuses(conn)).toEqual([['0001_a', 'applied']])
          expect(
            await conn.query(
              "SELECT to_regclass('c') AS c, (SELECT count(*)::int FROM pg_constraint WHERE conname = 'a_parent_fkey') AS fk",
            ),
          ).toEqual([{ c: null, fk: 0 }])
          expect(await conn.query('SELECT id, parent FROM a')).toEqual([{ id: 1, parent: 99 }])
          expect((await auditEvents(conn)).map((e) => [e.event, e.revision]).slice(-1)).toEqual([
            ['apply_failed', '0002_b'],
          ])
        } finally {
          rmSync(copy, { recursive: true, force: true })
        }
      })

      it('keeps a revision whose COMMIT went at the head of a batch that failed further on, and the failing one is pending', async () => {
        const copy = writeMigrations({
          '0001_a.sql': 'CREATE TABLE a (id int PRIMARY KEY);\n',
          '0002_b.sql': 'CREATE TABLE b (id int PRIMARY KEY);\n',
          // Fails on a row of a (a shadow database, empty, runs it).
          '0003_c.sql': 'CREATE TABLE c (id int PRIMARY KEY);\nINSERT INTO c SELECT id / 0 FROM a;\n',
        })
        try {
          await migrate({ url, dir: copy, to: '0001_a' })
          await conn.execute('INSERT INTO a (id) VALUES (1)')
          const result = await migrate({ url, dir: copy })
          expect(result.applied.map((a) => a.revision)).toEqual(['0002_b'])
          expect(result.error).toMatchObject({
            code: 'MIGRATION_FAILED',
            details: { revision: '0003_c', statementIndex: 1, statementsDone: 0, rolledBack: true },
          })
          expect(await trackingStatuses(conn)).toEqual([
            ['0001_a', 'applied'],
            ['0002_b', 'applied'],
          ])
          expect(
            await conn.query("SELECT to_regclass('b') IS NOT NULL AS b, to_regclass('c') IS NULL AS c"),
          ).toEqual([{ b: true, c: true }])
        } finally {
          rmSync(copy, { recursive: true, force: true })
        }
      })
    }

    // Where a commit can skip waiting for the disk: PostgreSQL's `synchronous_commit`.
    if (target.dialect === 'postgres')
      it('waits for the disk at the commit of each run’s last revision, which makes the earlier ones durable', async () => {
        const session = await openSession({ url, dir })
        const opened: string[][] = []
        const send = session.conn.executeBatch!.bind(session.conn)
        session.conn.executeBatch = (statements) => {
          if (statements.includes('BEGIN')) opened.push([...statements])
          return send(statements)
        }
        const asynchronous = () => opened.map((b) => b.includes('SET LOCAL synchronous_commit = off'))
        try {
          const first = await migrateSession(session, { to: INDEXES })
          expect(first.applied.map((a) => [a.revision, a.status])).toEqual([
            [INIT, 'applied'],
            [INDEXES, 'applied'],
          ])
          expect(asynchronous()).toEqual([true, false])
          opened.length = 0
          await migrateSession(session)
          expect(asynchronous()).toEqual([false])
          // The setting was the transactions' own: the session keeps what it had.
          expect(await session.conn.query('SHOW synchronous_commit')).toEqual([{ synchronous_commit: 'on' }])
        } finally {
          await session.close()
        }
        expect(await trackingStatuses(conn)).toEqual(HABIT_REVISIONS.map((r) => [r, 'applied']))
      })

    // SQLite's rollback journal: plumbline's connections commit by truncating it.
    if (target.dialect === 'sqlite')
      it('leaves no journal file beside the database, and the journal mode as it found it', async () => {
        const parsed = parseConnectionUrl(url)
        if (parsed.dialect !== 'sqlite') throw new Error('a SQLite URL')
        const file = parsed.path
        await migrate({ url, dir, to: INDEXES })
        expect(existsSync(`${file}-journal`)).toBe(false)
        const probe = new Database(file)
        expect(probe.pragma('journal_mode', { simple: true })).toBe('delete')
        // A mode the user chose, stored in the file, stays.
        expect(probe.pragma('journal_mode = WAL', { simple: true })).toBe('wal')
        probe.close()
        expect(await migrate({ url, dir })).toMatchObject({ ok: true, applied: [{ revision: POINTS_LOG }] })
        const after = new Database(file)
        expect(after.pragma('journal_mode', { simple: true })).toBe('wal')
        after.close()
        expect(existsSync(`${file}-journal`)).toBe(false)
      })

    it('applies up to and including --to, and leaves the rest pending', async () => {
      const result = await migrate({ url, dir, to: INDEXES })
      expect(result.applied.map((a) => a.revision)).toEqual([INIT, INDEXES])
      const { diagnosis } = await diagnose({ url, dir })
      expect(diagnosis).toMatchObject({
        state: 'pending',
        strategy: 'normal_migration',
        tracked: { revision: INDEXES },
        inferred: { revision: INDEXES, exact: true },
        pending: [POINTS_LOG],
        problems: [],
      })
      expect((await status({ url, dir })).migrations.map((m) => [m.id, m.status])).toEqual([
        [INIT, 'applied'],
        [INDEXES, 'applied'],
        [POINTS_LOG, 'pending'],
      ])

      const already = await migrate({ url, dir, to: INIT })
      expect(already).toMatchObject({ ok: true, applied: [] })
      const unknown = await migrate({ url, dir, to: '0009_nothing' })
      expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_TARGET_REVISION' } })
      expect(await trackingStatuses(conn)).toEqual([
        [INIT, 'applied'],
        [INDEXES, 'applied'],
      ])
    })

    it('stops on request after the migration under way, which is recorded, and the next up goes on', async () => {
      const controller = new AbortController()
      const result = await migrate({
        url,
        dir,
        signal: controller.signal,
        // The request arrives while the first migration runs.
        onProgress: (e) => {
          if (e.kind === 'step-start' && e.revision === INIT) controller.abort()
        },
      })
      expect(result).toMatchObject({
        ok: false,
        error: {
          code: 'INTERRUPTED',
          message: 'stopped on request after 2 of 4 steps',
          details: { stepsDone: 2, stepsTotal: 4, remaining: [INDEXES, POINTS_LOG] },
        },
      })
      expect(result.error?.hint).toContain(`not run: ${INDEXES}, ${POINTS_LOG}`)
      expect(result.applied.map((a) => [a.revision, a.status])).toEqual([[INIT, 'applied']])
      expect(await trackingStatuses(conn)).toEqual([[INIT, 'applied']])
      expect((await auditEvents(conn)).at(-1)).toEqual({
        event: 'interrupted',
        revision: INIT,
        details: { stepsDone: 2, stepsTotal: 4, remaining: [INDEXES, POINTS_LOG] },
      })
      expect((await diagnose({ url, dir })).diagnosis).toMatchObject({
        state: 'pending',
        pending: [INDEXES, POINTS_LOG],
        problems: [],
      })

      const before = await snapshot(url, conn)
      const aborted = new AbortController()
      aborted.abort()
      const none = await migrate({ url, dir, signal: aborted.signal })
      expect(none).toMatchObject({
        ok: false,
        applied: [],
        error: {
          code: 'INTERRUPTED',
          message: 'stopped on request before the migration lock was taken: nothing was run',
        },
      })
      expect(await snapshot(url, conn)).toEqual(before)

      const rest = await migrate({ url, dir })
      expect(rest.error).toBeUndefined()
      expect(rest.applied.map((a) => a.revision)).toEqual([INDEXES, POINTS_LOG])
      expect((await diagnose({ url, dir })).diagnosis.state).toBe('healthy')
    })

    it('accepts an applied file edited in whitespace, comments or line endings only, audited, and applies what is pending', async () => {
      const copy = copyMigrations(dir)
      await migrate({ url, dir: copy, to: INDEXES })
      // A checkout with Windows line endings, and a comment added.
      editFile(copy, `${INIT}.sql`, (text) => `-- The first schema.\n${text}`.replace(/\n/g, '\r\n'))
      const [init] = await loadMigrations(copy, { dialect: target.dialect })
      expect((await diagnose({ url, dir: copy })).diagnosis.state).toBe('checksum_mismatch')

      const dry = await migrate({ url, dir: copy, dryRun: true })
      expect(dry.plan.steps.map((s) => [s.action, 'revision' in s ? s.revision : null])).toEqual([
        ['update_checksum', INIT],
        ['apply_migration', POINTS_LOG],
      ])
      const result = await migrate({ url, dir: copy })
      expect(result).toMatchObject({ ok: true, state: 'checksum_mismatch', acceptedEdits: [INIT] })
      expect(result.applied.map((a) => a.revision)).toEqual([POINTS_LOG])
      const row = (await readTracking(conn)).rows.find((r) => r.revision === INIT)
      expect(row?.checksum).toBe(init!.checksum)
      expect((await auditEvents(conn)).filter((e) => e.event === 'repair').map((e) => e.revision)).toEqual([
        INIT,
      ])
      expect((await diagnose({ url, dir: copy })).diagnosis.state).toBe('healthy')
      // The next start takes the one-statement path again.
      const session = await openSession({ url, dir: copy })
      try {
        expect(await quickHealthy(session.conn, session.dialect, session.migrations)).toBe(true)
      } finally {
        await session.close()
      }

      // An edit of what a statement does is no such thing: up refuses and writes nothing.
      editFile(
        copy,
        `${INIT}.sql`,
        (text) => `${text}\r\nCREATE TABLE extra_table (id INTEGER PRIMARY KEY);\r\n`,
      )
      const before = await snapshot(url, conn)
      expect(await migrate({ url, dir: copy })).toMatchObject({
        ok: false,
        state: 'checksum_mismatch',
        error: { code: 'STATE_NEEDS_DECISION' },
      })
      expect(await snapshot(url, conn)).toEqual(before)
    })

    it('replays a history the folder does not hold on a shadow, never under the migration lock', async () => {
      const copy = copyMigrations(dir)
      rmSync(join(copy, 'plumbline.history.json'))
      const holders: Array<Promise<unknown>> = []
      const lock = (await connect(url)).conn
      const session = await openSession({
        url,
        dir: copy,
        history: 'auto',
        // Asked on another connection while each revision replays: nobody holds the lock yet.
        onReplay: () => void holders.push(session.dialect.lock(lock).holder()),
      })
      try {
        const result = await migrateSession(session)
        expect(result.error).toBeUndefined()
        expect(result.applied.map((a) => a.revision)).toEqual([...HABIT_REVISIONS])
        expect(holders).toHaveLength(HABIT_REVISIONS.length)
        if (target.dialect !== 'sqlite') expect(await Promise.all(holders)).toEqual(holders.map(() => null))
      } finally {
        await session.close()
        await lock.close()
        rmSync(copy, { recursive: true, force: true })
      }
    })

    it('refuses with HISTORY_STALE, writing nothing, when only the history file may be used and it is stale', async () => {
      const copy = copyMigrations(dir)
      editFile(
        copy,
        `${POINTS_LOG}.sql`,
        (text) => `${text}\n-- an edit after the history was built\nSELECT 1;\n`,
      )
      const session = await openSession({ url, dir: copy, history: 'file' })
      try {
        const result = await migrateSession(session)
        expect(result).toMatchObject({ ok: false, error: { code: 'HISTORY_STALE' } })
        expect(await trackingStatuses(conn)).toEqual([])
        expect((await inspect({ url })).schema.objects).toEqual([])
      } finally {
        await session.close()
        rmSync(copy, { recursive: true, force: true })
      }
    })

    it('reports a history file that does not read at once, without waiting for a lock another process holds', async () => {
      const copy = copyMigrations(dir)
      editFile(copy, 'plumbline.history.json', () => '{ not json')
      // Another process migrating: it holds the lock (SQLite: the database's write lock).
      const other = await connect(url)
      if (target.dialect === 'sqlite') await other.conn.execute('BEGIN IMMEDIATE')
      else
        await other.dialect.lock(other.conn).acquire({
          timeoutMs: 0,
          owner: { host: 'deploy-2', pid: 7, since: new Date().toISOString() },
        })
      try {
        const started = Date.now()
        const result = await migrate({ url, dir: copy, lockTimeoutMs: 30_000 })
        expect(result).toMatchObject({ ok: false, error: { code: 'HISTORY_FILE_INVALID' } })
        // Told well before the lock's 30 s would have run out.
        expect(Date.now() - started).toBeLessThan(10_000)
      } finally {
        if (target.dialect === 'sqlite') await other.conn.execute('ROLLBACK')
        await other.conn.close()
        rmSync(copy, { recursive: true, force: true })
      }
      expect(await trackingStatuses(conn)).toEqual([])
      expect((await inspect({ url })).schema.objects).toEqual([])
    })

    it('reverts with down, each step verified against the schema of the revision before it', async () => {
      await migrate({ url, dir })
      await insertUserData(conn)
      const rows = await userRows(conn)

      const one = await rollback({ url, dir })
      expect(one.error).toBeUndefined()
      expect(one.reverted.map((r) => r.revision)).toEqual([POINTS_LOG])
      let { diagnosis } = await diagnose({ url, dir })
      expect(diagnosis).toMatchObject({
        state: 'pending',
        tracked: { revision: INDEXES },
        inferred: { revision: INDEXES, exact: true },
        pending: [POINTS_LOG],
        problems: [],
      })

      const two = await rollback({ url, dir, to: INIT })
      expect(two.reverted.map((r) => r.revision)).toEqual([INDEXES])
      ;({ diagnosis } = await diagnose({ url, dir }))
      expect(diagnosis).toMatchObject({
        state: 'pending',
        inferred: { revision: INIT, exact: true },
        pending: [INDEXES, POINTS_LOG],
        problems: [],
      })
      const indexes = (await inspect({ url })).schema.objects.filter((o) => o.kind === 'index')
      for (const [name] of HABIT_INDEXES) expect(indexes.map((o) => o.name)).not.toContain(name)
      expect(await trackingStatuses(conn)).toEqual([
        [INIT, 'applied'],
        [INDEXES, 'rolled_back'],
        [POINTS_LOG, 'rolled_back'],
      ])
      expect((await auditEvents(conn)).filter((e) => e.event === 'revert').map((e) => e.revision)).toEqual([
        POINTS_LOG,
        INDEXES,
      ])
      // Down dropped points_log, as its down section says; every other row is still there.
      const { points_log: _dropped, ...kept } = rows
      expect(await userRows(conn)).toEqual(kept)

      const again = await migrate({ url, dir })
      expect(again.applied.map((a) => a.revision)).toEqual([INDEXES, POINTS_LOG])
      expect((await diagnose({ url, dir })).diagnosis.state).toBe('healthy')
    })

    it('names the failing statement of a migration, whose statements PostgreSQL receives in one round trip', async () => {
      const unique = 'CREATE UNIQUE INDEX idx_codes_code ON codes (code)'
      const own = writeMigrations({
        '0001_codes.sql': 'CREATE TABLE codes (id INTEGER PRIMARY KEY, code VARCHAR(10));\n',
        '0002_batch.sql': [
          'CREATE TABLE b1 (id INTEGER PRIMARY KEY);',
          '-- a comment between statements',
          "CREATE TABLE b2 (id INTEGER PRIMARY KEY, note VARCHAR(20) NOT NULL DEFAULT 'a;b') -- trailing",
          ';',
          'CREATE TABLE b3 (id INTEGER PRIMARY KEY);',
          `${unique};`,
          'CREATE TABLE b5 (id INTEGER PRIMARY KEY);',
          '',
        ].join('\n'),
      })
      try {
        await migrate({ url, dir: own, to: '0001_codes' })
        await conn.execute("INSERT INTO codes (id, code) VALUES (1, 'x'), (2, 'x')")
        const result = await migrate({ url, dir: own })
        expect(result.error).toMatchObject({
          code: 'MIGRATION_FAILED',
          details: { revision: '0002_batch', statementIndex: 3, statement: unique, line: 6 },
        })
        expect(result.error?.message).toContain('migration 0002_batch failed at statement 4 of 5 (line 6)')
        if (transactionalDdl) {
          const tables = (await inspect({ url })).schema.objects
            .filter((o) => o.kind === 'table')
            .map((o) => o.name)
          expect(tables).toEqual(['codes'])
        }
      } finally {
        rmSync(own, { recursive: true, force: true })
      }
    })

    if (target.dialect === 'postgres') {
      it('reads a migration’s effect back in the round trip of its statements, and still catches one that does not show', async () => {
        const own = writeMigrations({
          '0001_accounts.sql': 'CREATE TABLE accounts (id INTEGER PRIMARY KEY, handle TEXT NOT NULL);\n',
          '0002_notes.sql': 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n',
          '0003_more_notes.sql': 'ALTER TABLE notes ADD COLUMN title TEXT;\n',
          // Swallows its own failure: on duplicate handles the index is simply not there.
          '0004_unique_handles.sql':
            "DO $$\nBEGIN\n  CREATE UNIQUE INDEX idx_accounts_handle ON accounts (handle);\nEXCEPTION WHEN unique_violation THEN\n  RAISE NOTICE 'duplicate handles';\nEND\n$$;\n",
        })
        try {
          expect((await migrate({ url, dir: own, to: '0001_accounts' })).error).toBeUndefined()
          await conn.execute("INSERT INTO accounts (id, handle) VALUES (1, 'ann'), (2, 'ann')")
          const session = await openSession({ url, dir: own })
          // Counts the reads the dialect sent in the migrations' own batches.
          let batched = 0
          const dialect = {
            ...session.dialect,
            batchedRead: (...args: Parameters<NonNullable<typeof session.dialect.batchedRead>>) => {
              const read = session.dialect.batchedRead!(...args)
              if (read !== undefined) batched++
              return read
            },
          }
          let result: Awaited<ReturnType<typeof migrateSession>>
          try {
            result = await migrateSession({
              ...session,
              dialect,
              context: async () => ({ ...(await session.context()), dialect }),
            })
          } finally {
            await session.close()
          }
          // The first verification prepares the catalog statements; the next ones go with their migration.
          expect(batched).toBe(2)
          expect(result.applied.map((a) => [a.revision, a.status])).toEqual([
            ['0002_notes', 'applied'],
            ['0003_more_notes', 'applied'],
          ])
          expect(result.error).toMatchObject({
            code: 'VERIFICATION_FAILED',
            details: {
              revision: '0004_unique_handles',
              missing: [expect.objectContaining({ kind: 'index', name: 'idx_accounts_handle' })],
            },
          })
          expect(result.error?.message).toContain('(it was rolled back)')
          expect(await trackingStatuses(conn)).toEqual([
            ['0001_accounts', 'applied'],
            ['0002_notes', 'applied'],
            ['0003_more_notes', 'applied'],
          ])
          // The column 0003 added was read back with it, and is there.
          expect(
            (
              await conn.query(
                "SELECT 1 FROM information_schema.columns WHERE table_name = 'notes' AND column_name = 'title'",
              )
            ).length,
          ).toBe(1)
        } finally {
          rmSync(own, { recursive: true, force: true })
        }
      })

      it('verifies after a migration that drops the session’s prepared statements, all or some of them', async () => {
        const own = writeMigrations({
          '0001_a.sql': 'CREATE TABLE a1 (id INTEGER PRIMARY KEY);\n',
          '0002_b.sql': 'CREATE TABLE b1 (id INTEGER PRIMARY KEY);\nDEALLOCATE ALL;\n',
          '0003_c.sql': 'CREATE INDEX idx_b1_id ON b1 (id);\n',
        })
        try {
          const result = await migrate({ url, dir: own })
          expect(result.error).toBeUndefined()
          expect(result.applied.map((a) => a.status)).toEqual(['applied', 'applied', 'applied'])

          // Some of them gone: the next read prepares them again, the rest dropped first.
          const session = await openSession({ url, dir: own })
          try {
            const only = { only: [{ name: 'b1' }], kinds: ['index' as const] }
            const first = await session.dialect.introspect(session.conn, only)
            const [held] = await session.conn.query<{ name: string }>(
              "SELECT name FROM pg_prepared_statements WHERE name LIKE 'plumbline\\_catalog\\_%' ORDER BY name LIMIT 1",
            )
            await session.conn.execute(`DEALLOCATE ${held!.name}`)
            expect(await session.dialect.introspect(session.conn, only)).toEqual(first)
            expect(first.objects.map((o) => o.name)).toEqual(['idx_b1_id'])
          } finally {
            await session.close()
          }
        } finally {
          rmSync(own, { recursive: true, force: true })
        }
      })

      it('connects through the Unix socket a URL names as libpq does: user@, no host, ?host=<directory>', async () => {
        const [setting] = await conn.query<{ dirs: string }>(
          "SELECT current_setting('unix_socket_directories') AS dirs",
        )
        const socketDir = setting!.dirs.split(',')[0]!.trim()
        expect(socketDir).toMatch(/^\//)
        const tcp = new URL(url)
        const credentials = `${tcp.username || 'postgres'}${tcp.password ? `:${tcp.password}` : ''}`
        const socketUrl = `postgresql://${credentials}@:${tcp.port || 5432}${tcp.pathname}?host=${socketDir}`
        expect(await migrate({ url: socketUrl, dir, to: INIT })).toMatchObject({ ok: true })
        const found = await diagnose({ url: socketUrl, dir })
        expect(found.diagnosis).toMatchObject({ state: 'pending', tracked: { revision: INIT } })
        const [via] = await conn.query<{ n: string }>(
          "SELECT count(*) AS n FROM plumbline_migrations WHERE status = 'applied'",
        )
        expect(Number(via!.n)).toBe(1)
      })

      it('an open session prepares the healthy check once, and again after its statements were dropped', async () => {
        await migrate({ url, dir })
        const session = await openSession({ url, dir })
        const held = async () =>
          (
            await session.conn.query<{ name: string }>(
              "SELECT name FROM pg_prepared_statements WHERE name LIKE 'plumbline\\_health\\_%'",
            )
          ).map((r) => r.name)
        try {
          const check = async () => {
            const before = session.conn.roundTrips
            expect(await quickHealthy(session.conn, session.dialect, session.migrations)).toBe(true)
            expect(session.conn.roundTrips - before).toBe(1)
          }
          await check()
          const first = await held()
          expect(first).toHaveLength(1)
          await check()
          expect(await held()).toEqual(first)
          await session.conn.execute('DEALLOCATE ALL')
          await check()
          const again = await held()
          expect(again).toHaveLength(1)
          expect(again).not.toEqual(first)
          // A catalog change is still seen through the prepared statement.
          await conn.execute('CREATE INDEX idx_mine_display_name ON users (display_name)')
          expect(await quickHealthy(session.conn, session.dialect, session.migrations)).toBe(false)
        } finally {
          await session.close()
        }
      })

      it('a batch of statements fails naming the statement, with the server position counted inside it', async () => {
        const bad = 'SELECT 1 +* 2'
        await conn.execute('BEGIN')
        const error = await conn.executeBatch!(['SELECT 1', "SELECT ';'\n-- note", bad, 'SELECT 3']).catch(
          (e: unknown) => e,
        )
        await conn.execute('ROLLBACK')
        expect(error).toMatchObject({
          code: 'QUERY_FAILED',
          details: { batchIndex: 2, position: String(bad.indexOf('+*') + 1) },
        })
        expect(await conn.executeBatch!(['SELECT 1 AS a', 'SELECT 2 AS b'])).toEqual([[{ a: 1 }], [{ b: 2 }]])
      })
    }

    it('skips a migration another process applied meanwhile, running none of it', async () => {
      await migrate({ url, dir })
      const before = await snapshot(url, conn)
      const session = await openSession({ url, dir })
      try {
        const ctx = await session.context()
        const first = session.migrations[0]!
        if (transactionalDdl) {
          await expect(applyRevision(ctx, first, 'apply')).resolves.toMatchObject({ status: 'skipped' })
        } else {
          await expect(applyRevision(ctx, first, 'apply')).rejects.toMatchObject({ code: 'ALREADY_APPLIED' })
        }
      } finally {
        await session.close()
      }
      expect(await snapshot(url, conn)).toEqual(before)
    })

    it('a down that fails says what of it took effect, leaves an audit event, and loses no row', async () => {
      await migrate({ url, dir })
      await insertUserData(conn)
      // A table of the user's that refers to points_log: the down section's DROP TABLE fails.
      await conn.execute(
        'CREATE TABLE points_notes (id INTEGER PRIMARY KEY, log_id BIGINT NOT NULL, FOREIGN KEY (log_id) REFERENCES points_log (id))',
      )
      await conn.execute('INSERT INTO points_notes (id, log_id) VALUES (1, 1)')
      const rows = await userRows(conn)

      const result = await rollback({ url, dir })
      expect(result).toMatchObject({ ok: false, reverted: [], error: { code: 'MIGRATION_FAILED' } })
      // Its last statement fails, after the others ran.
      expect(result.error?.message).toMatch(
        /^the down section of migration 0003_points_log failed at statement (\d+) of \1 /,
      )
      const done = Number(result.error?.details?.statementIndex)
      expect(done).toBeGreaterThan(0)
      // What stays: nothing where the transaction rolled back, else the statements before it.
      expect(result.error?.details).toMatchObject({
        statementsDone: transactionalDdl ? 0 : done,
        rolledBack: transactionalDdl,
        statement: 'DROP TABLE points_log',
      })
      const failed = (await auditEvents(conn)).filter((e) => e.event === 'revert_failed')
      expect(failed).toEqual([
        {
          event: 'revert_failed',
          revision: POINTS_LOG,
          details: expect.objectContaining({
            statementsDone: transactionalDdl ? 0 : done,
            rolledBack: transactionalDdl,
          }),
        },
      ])
      expect(await trackingStatuses(conn)).toEqual(HABIT_REVISIONS.map((r) => [r, 'applied']))
      expect(await userRows(conn)).toEqual(rows)
      const [note] = await conn.query<{ n: unknown }>(
        'SELECT COUNT(*) AS n FROM points_notes WHERE id = 1 AND log_id = 1',
      )
      expect(Number(note?.n)).toBe(1)

      const { diagnosis } = await diagnose({ url, dir })
      if (transactionalDdl) {
        // Nothing of it stayed: healthy at head, the user's table an unmanaged extra.
        expect(result.error?.hint).toMatch(
          /^nothing of its down section took effect \(its transaction was rolled back\)/,
        )
        expect(diagnosis).toMatchObject({ state: 'healthy', tracked: { revision: POINTS_LOG } })
      } else {
        // MySQL committed the statements before it (the index the revision had dropped is back).
        expect(result.error?.hint).toMatch(/^1 statement of its down section took effect and stays/)
        expect(done).toBe(1)
        expect(diagnosis.state).not.toBe('healthy')
        expect(diagnosis.tracked).toMatchObject({ revision: POINTS_LOG })
        expect(JSON.stringify(diagnosis.problems)).toContain(DROPPED_BY_POINTS_LOG)
      }
    })

    it('refuses down before any change when a revision to revert has no down section', async () => {
      const copy = copyMigrations(dir)
      editFile(copy, `${INDEXES}.sql`, (text) => text.slice(0, text.indexOf('-- plumbline:down')))
      await migrate({ url, dir: copy })
      const before = await snapshot(url, conn)

      const result = await rollback({ url, dir: copy, steps: 2 })
      expect(result).toMatchObject({ ok: false, reverted: [], error: { code: 'NO_DOWN_SECTION' } })
      expect(result.error?.message).toContain(`${INDEXES} has no down section`)
      // 0003 has a down section and comes first: it was not run either.
      expect(await snapshot(url, conn)).toEqual(before)
    })

    it('a migration that fails rolls back and is simply pending; the fixed file then applies (MySQL: resumed by recover)', async () => {
      const copy = copyMigrations(fixtureDir('apply-fix-and-retry', target.dialect))
      await migrate({ url, dir: copy, to: '0001_members' })
      await conn.execute(
        "INSERT INTO members (id, email) VALUES (1, 'ann@example.com'), (2, 'bob@example.com'), (3, 'ann@example.com')",
      )
      const members = await conn.query('SELECT * FROM members ORDER BY id')
      const before = await snapshot(url, conn)

      const failed = await migrate({ url, dir: copy })
      expect(failed.ok).toBe(false)
      expect(failed.error).toMatchObject({
        code: 'MIGRATION_FAILED',
        details: {
          revision: '0002_unique_emails',
          statementIndex: 1,
          statement: 'CREATE UNIQUE INDEX idx_members_email ON members (email)',
        },
      })
      expect(failed.error?.message).toContain('migration 0002_unique_emails failed at statement 2 of 2')
      // The first statement ran; whether it stays is the transaction's to say, and the error says it.
      expect(failed.error?.details).toMatchObject(
        transactionalDdl ? { statementsDone: 0, rolledBack: true } : { statementsDone: 1, rolledBack: false },
      )
      expect(failed.error?.hint).toMatch(
        transactionalDdl
          ? /^nothing of it took effect \(its transaction was rolled back\), and it is simply pending: fix .*0002_unique_emails\.sql and run `plumbline up` again$/
          : /^1 statement of it took effect and stays \(it runs without a transaction\), and the tracking table records it as partial: fix .*`plumbline recover` to resume it$/,
      )

      editFile(copy, '0002_unique_emails.sql', (text) => text.replace('CREATE UNIQUE INDEX', 'CREATE INDEX'))
      if (transactionalDdl) {
        // The column the first statement added went with the transaction.
        expect(await snapshot(url, conn)).toEqual(before)
        expect(await trackingStatuses(conn)).toEqual([['0001_members', 'applied']])
        const failure = (await auditEvents(conn)).find((e) => e.event === 'apply_failed')
        expect(failure).toMatchObject({ revision: '0002_unique_emails', details: { rolledBack: true } })
        expect((await diagnose({ url, dir: copy })).diagnosis).toMatchObject({
          state: 'pending',
          pending: ['0002_unique_emails'],
          problems: [],
        })

        const fixed = await migrate({ url, dir: copy })
        expect(fixed.error).toBeUndefined()
        expect(fixed.applied.map((a) => a.revision)).toEqual(['0002_unique_emails'])
      } else {
        // No transactional DDL: the first statement stays, and the row says how far it got.
        const line = (await status({ url, dir: copy })).migrations.find((m) => m.id === '0002_unique_emails')
        expect(line).toMatchObject({ status: 'partial', statementsDone: 1, statementsTotal: 2 })
        expect(line?.error).toMatch(/Duplicate entry/)
        const refused = await migrate({ url, dir: copy })
        expect(refused).toMatchObject({ ok: false, state: 'failed', error: { code: 'STATE_NEEDS_RECOVERY' } })

        const recovered = await recover({ url, dir: copy, backup: 'off' })
        expect(recovered.error).toBeUndefined()
        expect(recovered.rounds[0]?.plan.steps).toEqual([
          expect.objectContaining({
            action: 'resume_migration',
            revision: '0002_unique_emails',
            fromStatement: 1,
            sql: ['CREATE INDEX idx_members_email ON members (email)'],
          }),
        ])
      }
      expect((await diagnose({ url, dir: copy })).diagnosis.state).toBe('healthy')
      expect(await conn.query('SELECT id, email FROM members ORDER BY id')).toEqual(members)
    })

    // A statement that fails only on the live database (on the empty shadow it passes), with a
    // hint of the server's own: PostgreSQL's RAISE … USING HINT.
    if (target.dialect === 'postgres')
      it('keeps the server’s hint after what of a failed up or down stays, in a transaction or not', async () => {
        const guard = `DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM members) THEN
    RAISE EXCEPTION 'members holds rows' USING HINT = 'empty members first';
  END IF;
END $$;`
        const copy = writeMigrations({
          '0001_members.sql': 'CREATE TABLE members (id int PRIMARY KEY, email text NOT NULL);\n',
          '0002_notes.sql': `-- plumbline:up\nALTER TABLE members ADD COLUMN note text;\n${guard}\n-- plumbline:down\nALTER TABLE members DROP COLUMN note;\n${guard}\n`,
        })
        try {
          expect((await migrate({ url, dir: copy })).error).toBeUndefined()
          await conn.execute("INSERT INTO members (id, email) VALUES (1, 'ann@example.com')")

          const down = await rollback({ url, dir: copy })
          expect(down.error).toMatchObject({
            code: 'MIGRATION_FAILED',
            details: { statementIndex: 1, statementsDone: 0, rolledBack: true },
          })
          expect(down.error?.message).toContain('members holds rows')
          expect(down.error?.hint).toMatch(
            /^nothing of its down section took effect \(its transaction was rolled back\): fix the down section of .*0002_notes\.sql and run `plumbline down` again \(empty members first\)$/,
          )

          await conn.execute('DELETE FROM members')
          expect((await rollback({ url, dir: copy })).error).toBeUndefined()
          await conn.execute("INSERT INTO members (id, email) VALUES (1, 'ann@example.com')")
          const up = await migrate({ url, dir: copy })
          expect(up.error).toMatchObject({
            code: 'MIGRATION_FAILED',
            details: { revision: '0002_notes', statementIndex: 1, statementsDone: 0, rolledBack: true },
          })
          expect(up.error?.hint).toMatch(
            /^nothing of it took effect \(its transaction was rolled back\), and it is simply pending: fix .*0002_notes\.sql and run `plumbline up` again \(empty members first\)$/,
          )

          editFile(copy, '0002_notes.sql', (text) => `-- plumbline:no-transaction\n${text}`)
          const outside = await migrate({ url, dir: copy })
          expect(outside.error).toMatchObject({
            code: 'MIGRATION_FAILED',
            details: { revision: '0002_notes', statementIndex: 1, statementsDone: 1, rolledBack: false },
          })
          expect(outside.error?.hint).toMatch(
            /^1 statement of it took effect and stays \(it runs without a transaction\), and the tracking table records it as partial: fix .*`plumbline recover` to resume it \(empty members first\)$/,
          )
          const line = (await status({ url, dir: copy })).migrations.find((m) => m.id === '0002_notes')
          expect(line).toMatchObject({ status: 'partial', statementsDone: 1 })
          expect(await conn.query('SELECT id, email FROM members')).toEqual([
            { id: 1, email: 'ann@example.com' },
          ])
        } finally {
          rmSync(copy, { recursive: true, force: true })
        }
      })

    // MySQL refuses no statement inside a transaction (its DDL commits by itself).
    if (target.dialect !== 'mysql')
      it('names the no-transaction directive when a transaction refuses a statement, and with it the migration runs both ways', async () => {
        const refused =
          target.dialect === 'postgres'
            ? {
                up: 'CREATE INDEX CONCURRENTLY idx_a_id ON a (id);\n',
                down: 'DROP INDEX CONCURRENTLY idx_a_id;\n',
              }
            : { up: 'CREATE INDEX idx_a_id ON a (id);\nVACUUM;\n', down: 'DROP INDEX idx_a_id;\nVACUUM;\n' }
        const copy = writeMigrations({
          '0001_a.sql': 'CREATE TABLE a (id int PRIMARY KEY);\n',
          '0002_index.sql': `-- plumbline:up\n${refused.up}-- plumbline:down\n${refused.down}`,
        })
        try {
          const replayed = await migrate({ url, dir: copy })
          expect(replayed.error).toMatchObject({ code: 'HISTORY_REPLAY_FAILED' })
          expect(replayed.error?.hint).toMatch(
            /^fix \S+0002_index\.sql: the migrations must build the schema from nothing, in order \(that statement cannot run inside a transaction: add the line `-- plumbline:no-transaction` at the top of 0002_index\.sql, and the migration runs without one, statement by statement with a journal\)$/,
          )
          expect(await trackingStatuses(conn)).toEqual([])

          editFile(copy, '0002_index.sql', (text) => `-- plumbline:no-transaction\n${text}`)
          expect((await migrate({ url, dir: copy })).error).toBeUndefined()
          expect(await trackingStatuses(conn)).toEqual([
            ['0001_a', 'applied'],
            ['0002_index', 'applied'],
          ])
          expect((await rollback({ url, dir: copy })).error).toBeUndefined()
          expect((await migrate({ url, dir: copy })).error).toBeUndefined()
          expect((await diagnose({ url, dir: copy })).diagnosis.state).toBe('healthy')
        } finally {
          rmSync(copy, { recursive: true, force: true })
        }
      })

    it('applies a migration merged late only with outOfOrder, where it stands, verified, and checks the whole schema after', async () => {
      const copy = writeMigrations({
        '0001_a.sql': 'CREATE TABLE a (id int PRIMARY KEY);\n',
        '0003_c.sql':
          '-- plumbline:up\nCREATE TABLE c (id int PRIMARY KEY);\n-- plumbline:down\nDROP TABLE c;\n',
      })
      try {
        expect((await migrate({ url, dir: copy })).error).toBeUndefined()
        // Merged after 0003_c was applied, with an older version.
        writeFileSync(
          join(copy, '0002_b.sql'),
          '-- plumbline:up\nCREATE TABLE b (id int PRIMARY KEY);\nCREATE INDEX idx_b_id ON b (id);\n-- plumbline:down\nDROP TABLE b;\n',
        )
        writeFileSync(
          join(copy, '0004_d.sql'),
          '-- plumbline:up\nCREATE TABLE d (id int PRIMARY KEY);\n-- plumbline:down\nDROP TABLE d;\n',
        )
        const before = await snapshot(url, conn)

        const refused = await migrate({ url, dir: copy })
        expect(refused).toMatchObject({
          ok: false,
          state: 'corrupted_tracking',
          applied: [],
          error: { code: 'STATE_NEEDS_DECISION' },
        })
        expect(refused.error?.hint).toBe(
          'apply 0002_b where it stands with `plumbline up --out-of-order` (each is verified, then the whole schema), or give it a version after 0004_d',
        )
        expect(await status({ url, dir: copy })).toMatchObject({
          state: 'corrupted_tracking',
          mergedLate: ['0002_b'],
        })
        const dry = await migrate({ url, dir: copy, outOfOrder: true, dryRun: true })
        expect(dry.plan.steps.map((s) => ('revision' in s ? s.revision : s.action))).toEqual([
          '0002_b',
          '0004_d',
        ])
        expect(await snapshot(url, conn)).toEqual(before)

        // An applied file edited in a comment only is accepted on the way, as up does.
        editFile(copy, '0001_a.sql', (text) => `-- reviewed\n${text}`)
        const applied = await migrate({ url, dir: copy, outOfOrder: true })
        expect(applied.error).toBeUndefined()
        expect(applied).toMatchObject({
          ok: true,
          outOfOrder: ['0002_b'],
          acceptedEdits: ['0001_a'],
        })
        expect(applied.applied.map((a) => a.revision)).toEqual(['0002_b', '0004_d'])
        expect(
          (await auditEvents(conn))
            .filter((e) => e.event === 'apply' && (e.revision === '0002_b' || e.revision === '0004_d'))
            .map((e) => [e.revision, e.details.outOfOrder ?? false]),
        ).toEqual([
          ['0002_b', true],
          ['0004_d', false],
        ])
        expect((await diagnose({ url, dir: copy })).diagnosis).toMatchObject({
          state: 'healthy',
          problems: [],
        })
        expect(await status({ url, dir: copy })).toMatchObject({ state: 'healthy', mergedLate: [] })
        expect(await ensureHealthy({ url, dir: copy })).toMatchObject({ state: 'healthy' })
        // Reverted newest first by version, as any other.
        const down = await rollback({ url, dir: copy, steps: 3 })
        expect(down.error).toBeUndefined()
        expect((await diagnose({ url, dir: copy })).diagnosis).toMatchObject({ state: 'pending' })
      } finally {
        rmSync(copy, { recursive: true, force: true })
      }
    })

    it('never records unseen a data-only migration without a row between applied ones: a human says whether it ran', async () => {
      const copy = writeMigrations({
        '0001_a.sql': 'CREATE TABLE a (id int PRIMARY KEY);\n',
        '0003_c.sql': 'CREATE TABLE c (id int PRIMARY KEY);\n',
      })
      try {
        expect((await migrate({ url, dir: copy })).error).toBeUndefined()
        // It changes no schema: nothing in the database can say whether it ran.
        writeFileSync(join(copy, '0002_seed.sql'), 'INSERT INTO a (id) VALUES (1);\n')
        const { diagnosis } = await diagnose({ url, dir: copy })
        expect(diagnosis).toMatchObject({ state: 'corrupted_tracking', strategy: 'manual' })
        expect(diagnosis.problems).toEqual([
          expect.objectContaining({
            code: 'OUT_OF_ORDER',
            revision: '0002_seed',
            evidence: { lateMerge: true, schemaNeutral: true },
            message: expect.stringContaining(
              'apply it where it stands with `plumbline up --out-of-order`; if it ran and its row was lost, record it with `plumbline baseline --revision 0003_c`',
            ),
          }),
        ])
        // Not a step to take unasked: whether it ran is for a human to say.
        expect(await status({ url, dir: copy })).toMatchObject({
          state: 'corrupted_tracking',
          mergedLate: [],
        })
        const up = await migrate({ url, dir: copy })
        expect(up.error).toMatchObject({ code: 'STATE_NEEDS_DECISION' })
        expect(up.error?.hint).toBe(
          'decide whether 0002_seed ran: if not, apply it where it stands with `plumbline up --out-of-order`; if it did and the row was lost, record it with `plumbline baseline --revision 0003_c`',
        )
        // recover would have recorded it as applied, its rows never written.
        const refused = await recover({ url, dir: copy, backup: 'off' })
        expect(refused.error).toMatchObject({ code: 'STATE_NEEDS_DECISION' })
        expect(await trackingStatuses(conn)).toEqual([
          ['0001_a', 'applied'],
          ['0003_c', 'applied'],
        ])

        expect((await migrate({ url, dir: copy, outOfOrder: true })).outOfOrder).toEqual(['0002_seed'])
        expect(await conn.query('SELECT id FROM a')).toEqual([{ id: 1 }])
        expect((await diagnose({ url, dir: copy })).diagnosis.state).toBe('healthy')
      } finally {
        rmSync(copy, { recursive: true, force: true })
      }
    })

    // A late migration that does not commute with one applied before it. PostgreSQL and MySQL
    // spell out a view's columns when it is created (SQLite keeps `SELECT *` as written): the
    // diagnosis sees the difference before anything runs.
    if (target.dialect !== 'sqlite')
      it('refuses out of order, before any change, a late migration that a migration applied before it contradicts', async () => {
        const copy = writeMigrations({
          '0001_a.sql': 'CREATE TABLE a (id int PRIMARY KEY);\n',
          '0003_v.sql': 'CREATE VIEW v AS SELECT * FROM a;\n',
        })
        try {
          expect((await migrate({ url, dir: copy })).error).toBeUndefined()
          writeFileSync(join(copy, '0002_x.sql'), 'ALTER TABLE a ADD COLUMN x int;\n')
          const before = await snapshot(url, conn)
          const refused = await migrate({ url, dir: copy, outOfOrder: true })
          expect(refused).toMatchObject({ ok: false, applied: [], error: { code: 'STATE_NEEDS_DECISION' } })
          expect(refused.error?.message).toContain('view v differs from what the migrations define')
          expect(refused.error?.message).toContain(
            '--out-of-order applies 0002_x only when its missing effects are all that is wrong with the database: here, more is',
          )
          expect(await snapshot(url, conn)).toEqual(before)
        } finally {
          rmSync(copy, { recursive: true, force: true })
        }
      })

    // What only running it shows: the late migration drops, by cascade, a view a migration
    // applied before it created. Its own effect verifies; the whole schema then does not.
    if (target.dialect === 'postgres')
      it('reports, after applying out of order, a schema that is not the one the migrations define', async () => {
        const copy = writeMigrations({
          '0001_a.sql': 'CREATE TABLE a (id int PRIMARY KEY);\n',
          '0003_v.sql': 'CREATE VIEW v AS SELECT id FROM a;\n',
        })
        try {
          expect((await migrate({ url, dir: copy })).error).toBeUndefined()
          writeFileSync(
            join(copy, '0002_rebuild.sql'),
            'DROP TABLE a CASCADE;\nCREATE TABLE a (id int PRIMARY KEY, y int);\n',
          )
          const result = await migrate({ url, dir: copy, outOfOrder: true })
          expect(result.applied.map((a) => a.revision)).toEqual(['0002_rebuild'])
          expect(result).toMatchObject({ ok: false, error: { code: 'STATE_NEEDS_DECISION' } })
          expect(result.error?.message).toMatch(
            /^the migrations applied out of order each took effect, but together they do not make the schema the migrations define: the database is now partial:\n {2}- view v of 0003_v is missing/,
          )
          const { diagnosis } = await diagnose({ url, dir: copy })
          expect(diagnosis.state).toBe('partial')
          expect(diagnosis.problems.map((p) => [p.code, p.object?.name])).toContainEqual([
            'MISSING_OBJECT',
            'v',
          ])
        } finally {
          rmSync(copy, { recursive: true, force: true })
        }
      })

    // SQLite has no connection to lose.
    if (target.dialect !== 'sqlite')
      it('a connection the server ends in the middle of a migration is CONNECTION_LOST, says what stays, and the migration is finished later', async () => {
        const sleep = target.dialect === 'postgres' ? 'SELECT pg_sleep(2)' : 'DO SLEEP(2)'
        const copy = writeMigrations({
          '0001_a.sql': 'CREATE TABLE a (id int PRIMARY KEY);\n',
          '0002_slow.sql': `CREATE TABLE b (id int PRIMARY KEY);\n${sleep};\nCREATE INDEX idx_b_id ON b (id);\n`,
        })
        try {
          const killing = endSessionWhenSleeping(conn, target.dialect)
          const result = await migrate({ url, dir: copy })
          expect(await killing).toBe(true)
          expect(result.applied.map((a) => a.revision)).toEqual(['0001_a'])
          expect(result.error).toMatchObject({
            code: 'CONNECTION_LOST',
            details: { revision: '0002_slow', statementIndex: 1, statement: sleep },
          })
          expect(result.error?.message).toMatch(
            /^migration 0002_slow, at statement 2 of 3 \(line 2\): the connection to \S+ at 127\.0\.0\.1:\d+ was lost: /,
          )
          // Nothing is wrong with the file: the hint does not say to fix it.
          expect(result.error?.hint).not.toMatch(/fix /)
          if (transactionalDdl) {
            expect(result.error?.details).toMatchObject({ statementsDone: 0, rolledBack: true })
            expect(result.error?.hint).toMatch(
              /^nothing of it took effect \(a server rolls back the open transaction of a connection it loses\), and it is simply pending: run `plumbline up` again once the server answers$/,
            )
            expect(await trackingStatuses(conn)).toEqual([['0001_a', 'applied']])
            const again = await migrate({ url, dir: copy })
            expect(again.error).toBeUndefined()
            expect(again.applied.map((a) => a.revision)).toEqual(['0002_slow'])
          } else {
            expect(result.error?.details).toMatchObject({ statementsDone: 1, rolledBack: false })
            expect(result.error?.hint).toMatch(
              /^1 statement of it took effect and stays, and the one under way may have taken effect too \(it runs without a transaction\); the connection was lost before the tracking table could record that: run `plumbline diagnose` once the server answers/,
            )
            const { diagnosis } = await diagnose({ url, dir: copy })
            expect(diagnosis).toMatchObject({ state: 'failed' })
            expect(diagnosis.problems.map((p) => p.code)).toContain('INTERRUPTED_MIGRATION')
            const recovered = await recover({ url, dir: copy, backup: 'off' })
            expect(recovered.error).toBeUndefined()
          }
          expect((await diagnose({ url, dir: copy })).diagnosis.state).toBe('healthy')
        } finally {
          rmSync(copy, { recursive: true, force: true })
        }
      })

    // What a lost connection leaves of a revision's transaction depends on whether its COMMIT
    // was sent. The session is ended (from another one, as an administrator or a failover would)
    // just before a chosen call: the batch that opens the run's first revision; the one that
    // opens the next and carries the previous revision's row and COMMIT at its head; the last
    // revision's own commit; the tracking write after a down section.
    if (target.dialect === 'postgres') {
      const moments = {
        opening: "before a revision's COMMIT was sent says nothing of it took effect",
        carried:
          "as a revision's COMMIT went at the head of the next one's batch says it took effect with its row or not at all, and the next one never began",
        commit: "as a revision's COMMIT was sent says it took effect with its row or not at all",
      } as const
      for (const [moment, title] of Object.entries(moments) as Array<[keyof typeof moments, string]>)
        it(`a connection lost ${title}`, async () => {
          const copy = writeMigrations({
            '0001_a.sql': 'CREATE TABLE a (id int PRIMARY KEY);\n',
            '0002_b.sql': 'CREATE TABLE b (id int PRIMARY KEY);\nCREATE INDEX idx_b_id ON b (id);\n',
            '0003_c.sql': 'CREATE TABLE c (id int PRIMARY KEY);\n',
          })
          await migrate({ url, dir: copy, to: '0001_a' })
          const session = await openSession({ url, dir: copy })
          try {
            let last = false
            const ending = await endingSessionBefore(session, conn, (sql) => {
              if (sql.includes('CREATE TABLE b')) return moment === 'opening'
              if (sql.includes('CREATE TABLE c')) {
                last = true
                return moment === 'carried'
              }
              return moment === 'commit' && last && /COMMIT\s*$/.test(sql)
            })
            const result = await migrateSession(ending.session)
            expect(ending.ended()).toBe(true)
            // The revision whose outcome the error tells, and what up knew to have committed.
            const [failed, committed] =
              moment === 'commit' ? ['0003_c', ['0002_b']] : ['0002_b', [] as string[]]
            expect(result.applied.map((a) => a.revision)).toEqual(committed)
            expect(result.error).toMatchObject({ code: 'CONNECTION_LOST', details: { revision: failed } })
            if (moment === 'opening') {
              expect(result.error?.details).toMatchObject({ statementsDone: 0, rolledBack: true })
              expect(result.error?.hint).toBe(
                'nothing of it took effect (a server rolls back the open transaction of a connection it loses), and it is simply pending: run `plumbline up` again once the server answers',
              )
            } else {
              expect(result.error?.details).toMatchObject({ statementsDone: null, rolledBack: null })
              expect(result.error?.hint).toMatch(
                /^it took effect together with its tracking row, or not at all/,
              )
            }
            if (moment === 'carried')
              expect(result.error?.message).toMatch(
                /^migration 0002_b, its COMMIT sent at the head of 0003_c's batch: /,
              )
          } finally {
            await session.close()
          }
          try {
            // The batch never reached the server here: what it held is pending, and up applies it.
            expect(await trackingStatuses(conn)).toEqual(
              [['0001_a', 'applied']].concat(moment === 'commit' ? [['0002_b', 'applied']] : []),
            )
            const again = await migrate({ url, dir: copy })
            expect(again.error).toBeUndefined()
            expect(again.applied.map((a) => a.revision)).toEqual(
              moment === 'commit' ? ['0003_c'] : ['0002_b', '0003_c'],
            )
            expect((await diagnose({ url, dir: copy })).diagnosis.state).toBe('healthy')
          } finally {
            rmSync(copy, { recursive: true, force: true })
          }
        })

      it('a connection lost after a down section ran, before its COMMIT was sent, says nothing of it took effect', async () => {
        const copy = writeMigrations({
          '0001_a.sql':
            '-- plumbline:up\nCREATE TABLE a (id int PRIMARY KEY);\n-- plumbline:down\nDROP TABLE a;\n',
          '0002_b.sql':
            '-- plumbline:up\nCREATE TABLE b (id int PRIMARY KEY);\n-- plumbline:down\nDROP TABLE b;\n',
        })
        try {
          expect((await migrate({ url, dir: copy })).error).toBeUndefined()
          const session = await openSession({ url, dir: copy })
          try {
            let dropped = false
            // The down section ran and was verified: the tracking update is next.
            const ending = await endingSessionBefore(session, conn, (sql) => {
              if (sql.includes('DROP TABLE b')) dropped = true
              else if (dropped && sql.includes('plumbline_migrations')) return true
              return false
            })
            const result = await revert(ending.session)
            expect(ending.ended()).toBe(true)
            expect(result.error).toMatchObject({
              code: 'CONNECTION_LOST',
              details: { revision: '0002_b', statementsDone: 0, rolledBack: true },
            })
            expect(result.error?.hint).toBe(
              'nothing of its down section took effect (a server rolls back the open transaction of a connection it loses): run `plumbline down` again once the server answers',
            )
          } finally {
            await session.close()
          }
          expect(await trackingStatuses(conn)).toEqual([
            ['0001_a', 'applied'],
            ['0002_b', 'applied'],
          ])
          const again = await rollback({ url, dir: copy })
          expect(again.error).toBeUndefined()
          expect(again.reverted.map((r) => r.revision)).toEqual(['0002_b'])
        } finally {
          rmSync(copy, { recursive: true, force: true })
        }
      })
    }

    it('refuses before any change an IF NOT EXISTS index that an index of that name on other columns would skip', async () => {
      const preflightDir = fixtureDir('apply-preflight', target.dialect)
      await migrate({ url, dir: preflightDir, to: '0001_notes' })
      await conn.execute('CREATE INDEX idx_notes_b ON notes (a)')
      const before = await snapshot(url, conn)
      const { expected, found } = await definitions(url, preflightDir, 'idx_notes_b')
      expect(expected).not.toBe(found)

      const result = await migrate({ url, dir: preflightDir })
      // The hand-made index reads as drift; pre-flight says what it collides with.
      expect(result).toMatchObject({
        ok: false,
        state: 'drift',
        applied: [],
        error: { code: 'PREFLIGHT_FAILED' },
      })
      expect(result.error?.message).toContain(
        '0002_notes_b_index creates index idx_notes_b on notes, but one of that name already exists with another definition — IF NOT EXISTS would skip it silently',
      )
      expect(result.error?.message).toContain(`expected: ${expected}`)
      expect(result.error?.message).toContain(`found:    ${found}`)
      expect(await snapshot(url, conn)).toEqual(before)
    })

    it('refuses before any change an IF NOT EXISTS index whose name another index holds in another case', async () => {
      const preflightDir = fixtureDir('apply-preflight', target.dialect)
      await migrate({ url, dir: preflightDir, to: '0001_notes' })
      // PostgreSQL folds the unquoted name to idx_notes_b; SQLite and MySQL keep IDX_NOTES_B but
      // compare index names without case, so IF NOT EXISTS would skip idx_notes_b on all three.
      await conn.execute('CREATE INDEX IDX_NOTES_B ON notes (a)')
      const before = await snapshot(url, conn)

      const result = await migrate({ url, dir: preflightDir })
      expect(result).toMatchObject({ ok: false, applied: [], error: { code: 'PREFLIGHT_FAILED' } })
      expect(result.error?.message).toMatch(
        /0002_notes_b_index creates index idx_notes_b on notes, but .* — IF NOT EXISTS would skip it silently/,
      )
      expect(await snapshot(url, conn)).toEqual(before)
    })

    it('refuses before any change a table that IF NOT EXISTS would skip because a view has its name', async () => {
      const viewDir = fixtureDir('apply-preflight-view', target.dialect)
      await migrate({ url, dir: viewDir, to: '0001_notes' })
      await conn.execute('CREATE VIEW note_labels AS SELECT id, a AS label FROM notes')
      const before = await snapshot(url, conn)
      expect((await diagnose({ url, dir: viewDir })).diagnosis.state).toBe('pending')

      const result = await migrate({ url, dir: viewDir })
      expect(result).toMatchObject({
        ok: false,
        state: 'pending',
        applied: [],
        error: { code: 'PREFLIGHT_FAILED' },
      })
      expect(result.error?.message).toContain(
        '0002_note_labels creates table note_labels, but view note_labels already holds that name — IF NOT EXISTS would skip it silently',
      )
      expect(await snapshot(url, conn)).toEqual(before)
    })

    it('tells an index of the same name on another table from a clash, as the database does', async () => {
      const preflightDir = fixtureDir('apply-preflight', target.dialect)
      await migrate({ url, dir: preflightDir, to: '0001_notes' })
      await conn.execute('CREATE TABLE scratch (x INTEGER)')
      await conn.execute('CREATE INDEX idx_notes_b ON scratch (x)')

      const result = await migrate({ url, dir: preflightDir })
      if (target.dialect === 'mysql') {
        // MySQL names indexes per table: both may exist, and the migration applies, verified.
        expect(result.error).toBeUndefined()
        expect(result.applied.map((a) => a.revision)).toEqual(['0002_notes_b_index'])
      } else {
        // One namespace per schema: IF NOT EXISTS would skip the index on notes.
        expect(result).toMatchObject({ ok: false, applied: [], error: { code: 'PREFLIGHT_FAILED' } })
        expect(result.error?.message).toContain(
          '0002_notes_b_index creates index idx_notes_b on notes, but index idx_notes_b on scratch already holds that name',
        )
      }
    })

    /**
     * Applies `0001_notes` of a fixture, plans the rest (pre-flight finds nothing in the way), lets
     * `interfere` change the database as another hand would, then runs the plan.
     */
    async function afterPreflight(
      fixture: string,
      interfere: (dir: string) => Promise<void>,
    ): Promise<Awaited<ReturnType<typeof executePlan>>> {
      const dir = fixtureDir(fixture, target.dialect)
      await migrate({ url, dir, to: '0001_notes' })
      const session = await openSession({ url, dir })
      try {
        const planned = await migrateSession(session, { dryRun: true })
        expect(planned).toMatchObject({ ok: true, state: 'pending' })
        expect(planned.plan.steps.map((s) => s.action)).toEqual(['apply_migration'])
        await interfere(dir)
        return await executePlan(await session.context(), planned.plan)
      } finally {
        await session.close()
      }
    }

    /** Whether an `apply` event was ever recorded for `revision`. */
    const everApplied = async (revision: string) =>
      (await auditEvents(conn)).some((e) => e.event === 'apply' && e.revision === revision)

    it('never records a migration whose index an IF NOT EXISTS skipped after pre-flight, and shows the diff', async () => {
      let seen: Awaited<ReturnType<typeof definitions>> | undefined
      // Another hand creates the index first, on another column.
      const outcome = await afterPreflight('apply-preflight', async (dir) => {
        await conn.execute('CREATE INDEX idx_notes_b ON notes (a)')
        seen = await definitions(url, dir, 'idx_notes_b')
      })
      const { expected, found } = seen!
      expect(outcome.ok).toBe(false)
      expect(outcome.error).toMatchObject({
        code: 'VERIFICATION_FAILED',
        details: {
          revision: '0002_notes_b_index',
          missing: [],
          changed: [{ kind: 'index', name: 'idx_notes_b', expected, actual: found }],
        },
      })
      expect(outcome.error?.message).toContain(
        `index idx_notes_b on notes differs\n      expected: ${expected}\n      found:    ${found}`,
      )
      const rows = await trackingStatuses(conn)
      if (transactionalDdl) {
        expect(rows).toEqual([['0001_notes', 'applied']])
      } else {
        expect(rows).toEqual([
          ['0001_notes', 'applied'],
          ['0002_notes_b_index', 'partial'],
        ])
        const row = (await readTracking(conn)).rows.find((r) => r.revision === '0002_notes_b_index')
        expect(row?.error).toMatch(/^VERIFICATION_FAILED: /)
      }
      // Never an applied row for a migration whose effect does not show.
      expect(await everApplied('0002_notes_b_index')).toBe(false)
    })

    it('never records a migration whose table an IF NOT EXISTS skipped after pre-flight, and names the missing column', async () => {
      // Another hand creates a table of that name with other columns: the migration's CREATE
      // TABLE IF NOT EXISTS does nothing.
      const outcome = await afterPreflight('apply-skipped-table', async () => {
        await conn.execute('CREATE TABLE labels (id INTEGER PRIMARY KEY, title TEXT)')
      })
      expect(outcome.ok).toBe(false)
      expect(outcome.error).toMatchObject({
        code: 'VERIFICATION_FAILED',
        details: { revision: '0002_labels', missing: [{ kind: 'column', name: 'name', table: 'labels' }] },
      })
      expect(outcome.error?.message).toContain('column name on labels')
      const rows = await trackingStatuses(conn)
      expect(rows[0]).toEqual(['0001_notes', 'applied'])
      expect(rows.some(([revision, status]) => revision === '0002_labels' && status === 'applied')).toBe(
        false,
      )
      expect(await everApplied('0002_labels')).toBe(false)
    })

    if (target.dialect !== 'sqlite') {
      // SQLite has no procedural blocks: a statement there cannot swallow its own error.
      it('never records as applied a migration whose procedural block swallowed its error, and names the missing index', async () => {
        const silentDir = fixtureDir('apply-silent-skip', target.dialect)
        await migrate({ url, dir: silentDir, to: '0001_accounts' })
        await conn.execute("INSERT INTO accounts (id, handle) VALUES (1, 'ann'), (2, 'bob'), (3, 'ann')")

        const result = await migrate({ url, dir: silentDir })
        expect(result.ok).toBe(false)
        expect(result.error).toMatchObject({
          code: 'VERIFICATION_FAILED',
          details: {
            revision: '0002_unique_handles',
            missing: [expect.objectContaining({ name: 'idx_accounts_handle' })],
          },
        })
        const { expected, found } = await definitions(url, silentDir, 'idx_accounts_handle')
        expect(found).toBeUndefined()
        expect(result.error?.message).toContain(
          `idx_accounts_handle on accounts is missing (expected: ${expected})`,
        )
        if (transactionalDdl) {
          expect(result.error?.message).toContain('(it was rolled back)')
          expect(await trackingStatuses(conn)).toEqual([['0001_accounts', 'applied']])
          expect((await diagnose({ url, dir: silentDir })).diagnosis).toMatchObject({
            state: 'pending',
            pending: ['0002_unique_handles'],
          })
        } else {
          expect(await trackingStatuses(conn)).toEqual([
            ['0001_accounts', 'applied'],
            ['0002_unique_handles', 'partial'],
          ])
          expect((await diagnose({ url, dir: silentDir })).diagnosis).toMatchObject({
            state: 'failed',
            problems: [
              expect.objectContaining({ code: 'PARTIAL_MIGRATION', revision: '0002_unique_handles' }),
            ],
          })
        }
      })
    }

    it('refuses before any change to drop an index that is missing from the live schema, naming it', async () => {
      await migrate({ url, dir, to: INDEXES })
      await insertUserData(conn)
      await conn.execute(dropIndexSql(target.dialect, DROPPED_BY_POINTS_LOG, 'daily_stats'))
      const before = await snapshot(url, conn)
      const rows = await userRows(conn)

      const result = await migrate({ url, dir })
      expect(result).toMatchObject({
        ok: false,
        state: 'partial',
        applied: [],
        error: { code: 'STATE_NEEDS_RECOVERY' },
      })
      expect(result.error?.message).toContain(
        `index ${DROPPED_BY_POINTS_LOG} on daily_stats of ${INDEXES} is missing`,
      )
      expect(await snapshot(url, conn)).toEqual(before)
      expect(await userRows(conn)).toEqual(rows)

      // Pre-flight, asked on its own, names the drop that cannot happen.
      const session = await openSession({ url, dir })
      try {
        const { history } = await session.project()
        const live = await session.dialect.introspect(session.conn)
        expect(preflight(history, live, [POINTS_LOG]).map((m) => m.message)).toEqual([
          `${POINTS_LOG} drops index ${DROPPED_BY_POINTS_LOG} on daily_stats, which does not exist`,
        ])
      } finally {
        await session.close()
      }
    })

    it('records a no-transaction migration that fails mid-way as partial, with the statement and the error', async () => {
      const noTxDir = fixtureDir('apply-no-transaction', target.dialect)
      await migrate({ url, dir: noTxDir, to: '0001_labels' })
      await conn.execute("INSERT INTO labels (id, label) VALUES (1, 'red'), (2, 'green'), (3, 'red')")

      const result = await migrate({ url, dir: noTxDir })
      expect(result).toMatchObject({ ok: false, error: { code: 'MIGRATION_FAILED' } })
      expect(result.error?.message).toContain('migration 0002_tags failed at statement 3 of 4')

      const line = (await status({ url, dir: noTxDir })).migrations.find((m) => m.id === '0002_tags')
      expect(line).toMatchObject({ status: 'partial', statementsDone: 2, statementsTotal: 4 })
      expect(line?.error).toContain('MIGRATION_FAILED')
      const row = (await readTracking(conn)).rows.find((r) => r.revision === '0002_tags')
      expect(row).toMatchObject({
        status: 'partial',
        statementsDone: 2,
        statementsTotal: 4,
        errorStatement: 'CREATE UNIQUE INDEX idx_tags_name ON tags (name)',
      })
      // The two statements before the failing one took effect, and the row says so.
      expect(await conn.query('SELECT id, name FROM tags ORDER BY id')).toHaveLength(3)

      const { diagnosis } = await diagnose({ url, dir: noTxDir })
      expect(diagnosis).toMatchObject({ state: 'failed', strategy: 'resume_failed' })
      expect(diagnosis.problems.find((p) => p.code === 'PARTIAL_MIGRATION')).toMatchObject({
        revision: '0002_tags',
      })
      expect(diagnosis.problems.find((p) => p.code === 'PARTIAL_MIGRATION')?.message).toContain(
        '0002_tags stopped part-way after 2 of 4 statements',
      )
    })
  })
}
