import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { diagnose, migrate, recover } from '../../src/api/operations.js'
import { parseConnectionUrl } from '../../src/config/connection-url.js'
import type { Connection } from '../../src/dialects/dialect.js'
import { readTracking } from '../../src/tracking/read-tracking.js'
import {
  auditEvents,
  connect,
  fixtureDir,
  habitsDir,
  INDEXES,
  insertUserData,
  POINTS_LOG,
  trackingStatuses,
  userRows,
} from '../fixtures/apply-habits/habits.js'
import {
  killHard,
  startOperation,
  waitForOtherSessionsToEnd,
} from '../fixtures/processes/operation-process.js'
import { createFreshDatabase, dialectTargets, type FreshDatabase } from '../support/database.js'

const holdLock = fileURLToPath(new URL('../fixtures/processes/hold-lock.mjs', import.meta.url))

/** Starts a process that takes the migration lock and keeps it until it is killed. */
function startLockHolder(url: string): Promise<ChildProcess> {
  const target = parseConnectionUrl(url)
  const where = target.dialect === 'sqlite' ? target.path : url
  const child = spawn(process.execPath, [holdLock, where], { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve(child))
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}`)))
  })
}

const LABEL = '0002_label_readings'

for (const target of dialectTargets()) {
  describe(`${target.name}: stale locks and interrupted migrations`, () => {
    let db: FreshDatabase
    let url: string
    let conn: Connection
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

    it('reports a live holder of the migration lock, and once it is killed the lock is gone with it', async () => {
      const dir = habitsDir(target.dialect)
      await migrate({ url, dir, to: INDEXES })
      await insertUserData(conn)
      const rows = await userRows(conn)
      const holder = await startLockHolder(url)
      started.push(holder)

      const { diagnosis, plan } = await diagnose({ url, dir })
      expect(diagnosis).toMatchObject({ state: 'locked', strategy: 'manual', pending: [POINTS_LOG] })
      const locked = diagnosis.problems.find((p) => p.code === 'LOCKED')
      expect(locked?.severity).toBe('error')
      if (target.dialect === 'postgres')
        expect(locked?.message).toContain(`plumbline on child (pid ${holder.pid})`)
      else if (target.dialect === 'sqlite')
        expect(locked?.message).toContain('another connection holds the write lock of the database file')
      else expect(locked?.message).toMatch(/MySQL connection \d+ of \S+ from \S+/)
      expect(plan.steps).toEqual([])

      const blocked = await migrate({ url, dir, lockTimeoutMs: 300 })
      expect(blocked.ok).toBe(false)
      expect(blocked.applied).toEqual([])
      expect(await trackingStatuses(conn)).toEqual([
        ['0001_init', 'applied'],
        [INDEXES, 'applied'],
      ])

      holder.kill('SIGKILL')
      await new Promise((r) => holder.once('exit', r))
      await waitForOtherSessionsToEnd(conn)
      expect((await diagnose({ url, dir })).diagnosis).toMatchObject({ state: 'pending', problems: [] })
      const applied = await migrate({ url, dir })
      expect(applied.error).toBeUndefined()
      expect(applied.applied.map((a) => a.revision)).toEqual([POINTS_LOG])
      // The holder's uncommitted work died with it.
      expect((await userRows(conn)).users).toEqual(rows.users)
      if (target.dialect === 'sqlite')
        expect(await conn.query("SELECT name FROM sqlite_schema WHERE name = 'half_done'")).toEqual([])
    })

    it('a row left running by a process killed mid-migration is interrupted, and recover resolves it', async () => {
      const dir = fixtureDir('apply-long-no-transaction', target.dialect)
      await migrate({ url, dir, to: '0001_readings' })
      const n = { sqlite: 1_500_000, postgres: 400_000, mysql: 250_000 }[target.dialect]
      await conn.execute(
        target.dialect === 'postgres'
          ? `INSERT INTO readings (id, sensor, value) SELECT n, n % 100, n % 1000 FROM generate_series(1, ${n}) n`
          : target.dialect === 'mysql'
            ? `INSERT INTO readings (id, sensor, value) SELECT seq, seq % 100, seq % 1000 FROM seq_1_to_${n}`
            : `INSERT INTO readings (id, sensor, value) WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < ${n}) SELECT n, n % 100, n % 1000 FROM c`,
      )
      const readings = await conn.query('SELECT id, sensor, value FROM readings ORDER BY id LIMIT 1000')

      const running = startOperation('migrate', { url, dir })
      started.push(running.child)
      await running.waitFor((e) => e.kind === 'step-start' && e.revision === LABEL)
      await new Promise((r) => setTimeout(r, 300))
      await killHard(running)
      await waitForOtherSessionsToEnd(conn)

      const { diagnosis, plan } = await diagnose({ url, dir })
      expect(diagnosis).toMatchObject({ state: 'failed', strategy: 'resume_failed' })
      expect(diagnosis.problems).toEqual([
        expect.objectContaining({ code: 'INTERRUPTED_MIGRATION', revision: LABEL }),
      ])
      // Its one schema effect, the index, never appeared: the attempt is cleared and run again.
      expect(plan.steps.map((s) => [s.action, 'revision' in s ? s.revision : null])).toEqual([
        ['clear_failed_attempt', LABEL],
        ['apply_migration', LABEL],
      ])

      const result = await recover({ url, dir, backup: 'off' })
      expect(result.error).toBeUndefined()
      expect(result).toMatchObject({ ok: true, final: { state: 'healthy', problems: [] } })
      expect((await readTracking(conn)).rows.map((r) => [r.revision, r.status])).toEqual([
        ['0001_readings', 'applied'],
        [LABEL, 'applied'],
      ])
      const cleared = (await auditEvents(conn)).find((e) => e.event === 'clear_failed')
      expect(cleared?.details.before).toEqual([
        expect.objectContaining({ revision: LABEL, status: 'running' }),
      ])
      const [counts] = await conn.query<{ total: number | string; labelled: number | string }>(
        'SELECT count(*) AS total, count(label) AS labelled FROM readings',
      )
      expect({ total: Number(counts?.total), labelled: Number(counts?.labelled) }).toEqual({
        total: n,
        labelled: n,
      })
      expect(await conn.query('SELECT id, sensor, value FROM readings ORDER BY id LIMIT 1000')).toEqual(
        readings,
      )
    })
  })
}
