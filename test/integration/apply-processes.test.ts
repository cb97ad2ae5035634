import type { ChildProcess } from 'node:child_process'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { diagnose, migrate } from '../../src/api/operations.js'
import type { Connection } from '../../src/dialects/dialect.js'
import { readTracking } from '../../src/tracking/read-tracking.js'
import {
  auditEvents,
  connect,
  fixtureDir,
  HABIT_REVISIONS,
  habitsDir,
  trackingStatuses,
} from '../fixtures/apply-habits/habits.js'
import {
  killHard,
  startOperation,
  waitForOtherSessionsToEnd,
} from '../fixtures/processes/operation-process.js'
import { createFreshDatabase, dialectTargets, type FreshDatabase } from '../support/database.js'

/** Enough readings that labelling them takes a few seconds on each server. */
const READINGS = { sqlite: 2_000_000, postgres: 500_000, mysql: 300_000 } as const

async function fillReadings(conn: Connection): Promise<number> {
  const n = READINGS[conn.dialect]
  await conn.execute(
    conn.dialect === 'postgres'
      ? `INSERT INTO readings (id, sensor, value) SELECT n, n % 100, n % 1000 FROM generate_series(1, ${n}) n`
      : conn.dialect === 'mysql'
        ? `INSERT INTO readings (id, sensor, value) SELECT seq, seq % 100, seq % 1000 FROM seq_1_to_${n}`
        : `INSERT INTO readings (id, sensor, value) WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < ${n}) SELECT n, n % 100, n % 1000 FROM c`,
  )
  return n
}

async function readingCounts(conn: Connection) {
  const [row] = await conn.query<{ total: number | string; labelled: number | string }>(
    'SELECT count(*) AS total, count(label) AS labelled FROM readings',
  )
  return { total: Number(row?.total), labelled: Number(row?.labelled) }
}

const LABEL = '0002_label_readings'

for (const target of dialectTargets()) {
  describe(`${target.name}: verified apply across processes`, () => {
    let db: FreshDatabase
    let url: string
    let conn: Connection
    let transactionalDdl: boolean
    const started: ChildProcess[] = []

    beforeEach(async () => {
      db = await createFreshDatabase(target)
      url = db.url
      const opened = await connect(url)
      conn = opened.conn
      transactionalDdl = opened.dialect.capabilities.transactionalDdl
    })
    afterEach(async () => {
      for (const child of started.splice(0))
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await conn.close()
      await db.drop()
    })

    it('never leaves an applied row for a migration whose process was killed in the middle of it', async () => {
      const dir = fixtureDir('apply-long', target.dialect)
      await migrate({ url, dir, to: '0001_readings' })
      const total = await fillReadings(conn)

      const running = startOperation('migrate', { url, dir })
      started.push(running.child)
      await running.waitFor((e) => e.kind === 'step-start' && e.revision === LABEL)
      await new Promise((r) => setTimeout(r, 300))
      await killHard(running)
      await waitForOtherSessionsToEnd(conn)

      const rows = (await readTracking(conn)).rows
      expect(rows.find((r) => r.revision === LABEL)?.status).not.toBe('applied')
      expect((await auditEvents(conn)).filter((e) => e.event === 'apply').map((e) => e.revision)).toEqual([
        '0001_readings',
      ])
      const { diagnosis } = await diagnose({ url, dir })
      if (transactionalDdl) {
        // The transaction died with the process: not a row, not a label.
        expect(await trackingStatuses(conn)).toEqual([['0001_readings', 'applied']])
        expect(diagnosis).toMatchObject({ state: 'pending', pending: [LABEL], problems: [] })
        expect(await readingCounts(conn)).toEqual({ total, labelled: 0 })
      } else {
        // Without transactional DDL the claim row stays behind, honestly "running".
        expect(rows.find((r) => r.revision === LABEL)).toMatchObject({ status: 'running', statementsDone: 0 })
        expect(diagnosis).toMatchObject({ state: 'failed', strategy: 'resume_failed' })
        expect(diagnosis.problems).toEqual([
          expect.objectContaining({ code: 'INTERRUPTED_MIGRATION', revision: LABEL }),
        ])
        expect((await readingCounts(conn)).total).toBe(total)
      }
    })

    it('diagnoses a no-transaction migration killed in the middle as interrupted, never applied', async () => {
      const dir = fixtureDir('apply-long-no-transaction', target.dialect)
      await migrate({ url, dir, to: '0001_readings' })
      const total = await fillReadings(conn)

      const running = startOperation('migrate', { url, dir })
      started.push(running.child)
      await running.waitFor((e) => e.kind === 'step-start' && e.revision === LABEL)
      await new Promise((r) => setTimeout(r, 300))
      await killHard(running)
      await waitForOtherSessionsToEnd(conn)

      const row = (await readTracking(conn)).rows.find((r) => r.revision === LABEL)
      expect(row).toMatchObject({ status: 'running', statementsDone: 0, statementsTotal: 2 })
      expect(row?.pid).toBe(running.child.pid)
      const { diagnosis } = await diagnose({ url, dir })
      expect(diagnosis).toMatchObject({
        state: 'failed',
        strategy: 'resume_failed',
        tracked: { revision: '0001_readings' },
      })
      expect(diagnosis.problems).toEqual([
        expect.objectContaining({ code: 'INTERRUPTED_MIGRATION', revision: LABEL, severity: 'error' }),
      ])
      expect(diagnosis.problems[0]?.message).toContain(`${LABEL} was started`)
      expect(diagnosis.problems[0]?.message).toContain(
        'and never finished (the process died, or lost its connection)',
      )
      expect((await readingCounts(conn)).total).toBe(total)
    })

    it('applies each migration exactly once when eight processes race `up` on one database', async () => {
      const dir = habitsDir(target.dialect)
      const racers = Array.from({ length: 8 }, () => startOperation('migrate', { url, dir }))
      started.push(...racers.map((r) => r.child))
      const ends = await Promise.all(racers.map((r) => r.exited))
      for (const end of ends)
        expect(end, `${JSON.stringify(end.result?.error)} ${end.stderr}`).toMatchObject({
          code: 0,
          result: { ok: true },
        })

      expect(await trackingStatuses(conn)).toEqual(HABIT_REVISIONS.map((r) => [r, 'applied']))
      const applies = (await auditEvents(conn)).filter((e) => e.event === 'apply')
      for (const revision of HABIT_REVISIONS)
        expect(applies.filter((e) => e.revision === revision)).toHaveLength(1)
      expect((await diagnose({ url, dir })).diagnosis.state).toBe('healthy')
    })
  })
}
