import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseConnectionUrl } from '../../src/config/connection-url.js'
import type { Connection, Dialect } from '../../src/dialects/dialect.js'
import { open } from '../../src/dialects/registry.js'
import { isPlumblineError } from '../../src/errors/plumbline-error.js'
import { readCheckpoint } from '../../src/integrity/backfill-table.js'
import {
  type IntegrityConfig,
  resolveIntegrityConfig,
  selectChecks,
} from '../../src/integrity/integrity-config.js'
import { planBackfill } from '../../src/integrity/plan-backfill.js'
import { runBackfill } from '../../src/integrity/run-backfill.js'
import { runChecks } from '../../src/integrity/run-checks.js'
import {
  createLedger,
  dailyRows,
  LEDGER_BACKFILLS,
  LEDGER_CHECKS,
  ledgerRows,
  MISSING_GROUPS,
  SHORT_GROUP,
} from '../fixtures/integrity-ledger/ledger.js'
import { createFreshDatabase, dialectTargets, type FreshDatabase } from '../support/database.js'

const RECONCILE = 'points-log-matches-daily-stats'
const REPAIR = 'points-log-from-daily-stats'
const COPY = 'copy-daily-totals'
const crashRunner = fileURLToPath(
  new URL('../fixtures/integrity-ledger/crash-after-batch.ts', import.meta.url),
)
const jitiRegister = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('jiti/package.json')), 'lib/jiti-register.mjs'),
).href

function sqlitePath(url: string): string {
  const target = parseConnectionUrl(url)
  if (target.dialect !== 'sqlite') throw new Error(`${url} is not a SQLite URL`)
  return target.path
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (e) {
    if (isPlumblineError(e)) return e.code
    throw e
  }
  throw new Error('expected a plumbline error')
}

/** Starts the crash runner and resolves once batch `n` has committed and the process hangs. */
function crashAfter(url: string, backfill: string, n: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', jitiRegister, crashRunner, url, backfill, String(n)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let err = ''
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString()
  })
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes(`committed ${n}`) && resolve(child))
    child.once('exit', (code) =>
      reject(new Error(`crash runner exited with ${code} before batch ${n}: ${err}`)),
    )
  })
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}

for (const target of dialectTargets()) {
  describe(`${target.name}: integrity — the points ledger of the incident`, () => {
    let db: FreshDatabase
    let dialect: Dialect
    let conn: Connection
    let config: IntegrityConfig

    beforeEach(async () => {
      db = await createFreshDatabase(target)
      ;({ dialect, conn } = await open(parseConnectionUrl(db.url), { create: true }))
      await createLedger(conn)
      config = resolveIntegrityConfig({ checks: LEDGER_CHECKS, backfills: LEDGER_BACKFILLS })
    })
    afterEach(async () => {
      await conn.close()
      await db.drop()
    })

    const check = async (...names: string[]) => runChecks(conn, dialect, selectChecks(config, names))
    const daily = dailyRows()
    const totalOf = (user: number, date: string) =>
      daily.find((r) => r.user === user && r.date === date)!.points

    it('reports the 5 missing groups and the wrong total as 6 violations, with samples', async () => {
      const report = await check(RECONCILE)
      const result = report.checks[0]!
      expect(result).toMatchObject({ name: RECONCILE, status: 'fail', violations: 6 })
      expect(report.failed).toBe(1)
      const expected = [
        ...MISSING_GROUPS.map(([user, date]) => ({
          user_id: user,
          date,
          left: 0,
          right: totalOf(user, date),
        })),
        {
          user_id: SHORT_GROUP[0],
          date: SHORT_GROUP[1],
          left: totalOf(...SHORT_GROUP) - 5,
          right: totalOf(...SHORT_GROUP),
        },
      ].sort((a, b) => a.user_id - b.user_id || a.date.localeCompare(b.date))
      expect(result.samples).toEqual(expected.slice(0, 5))
    })

    it('repairs the ledger with the backfill, after which the check passes and a second run changes nothing', async () => {
      const before = await ledgerRows(conn)
      const first = await runBackfill(conn, dialect, config.backfills.get(REPAIR)!, { checks: config.checks })
      expect(first).toMatchObject({
        status: 'done',
        rowsDone: daily.length,
        batchesDone: Math.ceil(daily.length / 40),
      })
      expect(first.verify?.checks).toMatchObject([{ name: RECONCILE, status: 'pass', violations: 0 }])
      const repaired = await ledgerRows(conn)
      expect(repaired.length - before.length).toBe(6)
      expect(repaired.filter((r) => r.includes('|backfill|'))).toHaveLength(5)
      expect(repaired.filter((r) => r.includes('|adjustment|'))).toEqual([
        `${SHORT_GROUP[0]}|${SHORT_GROUP[1]}|adjustment|5`,
      ])
      expect((await check(RECONCILE)).failed).toBe(0)

      const second = await runBackfill(conn, dialect, config.backfills.get(REPAIR)!, {
        checks: config.checks,
      })
      expect(second).toMatchObject({ status: 'done', resumed: false, rowsThisRun: daily.length })
      expect(await ledgerRows(conn)).toEqual(repaired)
    })

    it('stops between batches when aborted, records interrupted, and resumes after the last committed batch', async () => {
      const backfill = config.backfills.get(COPY)!
      const controller = new AbortController()
      const stopped = await runBackfill(conn, dialect, backfill, {
        batchSize: 25,
        signal: controller.signal,
        onBatch: (p) => {
          if (p.batch === 2) controller.abort()
        },
      })
      expect(stopped).toMatchObject({ status: 'interrupted', batchesDone: 2, rowsDone: 50 })
      expect(await readCheckpoint(conn, COPY)).toMatchObject({
        status: 'interrupted',
        batchesDone: 2,
        rowsDone: 50,
      })
      expect(await codeOf(runBackfill(conn, dialect, backfill))).toBe('BACKFILL_UNFINISHED')

      const resumed = await runBackfill(conn, dialect, backfill, {
        resume: true,
        batchSize: 25,
        checks: config.checks,
      })
      expect(resumed).toMatchObject({
        status: 'done',
        resumed: true,
        rowsThisRun: daily.length - 50,
        rowsDone: daily.length,
      })
      expect(resumed.verify?.failed).toBe(0)
      const copies = await conn.query<{ n: unknown; d: unknown }>(
        'SELECT COUNT(*) AS n, COUNT(DISTINCT daily_id) AS d FROM daily_copy',
      )
      expect(copies.map((r) => [Number(r.n), Number(r.d)])).toEqual([[daily.length, daily.length]])
    })

    it('resumes a run killed (SIGKILL) right after a committed batch without repeating or losing a row', async () => {
      const url = target.dialect === 'sqlite' ? sqlitePath(db.url) : db.url
      const child = await crashAfter(url, COPY, 3)
      await killed(child)
      expect(await readCheckpoint(conn, COPY)).toMatchObject({
        status: 'running',
        batchesDone: 3,
        rowsDone: 30,
      })
      const copied = await conn.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM daily_copy')
      expect(Number(copied[0]!.n)).toBe(30)

      const resumed = await runBackfill(conn, dialect, config.backfills.get(COPY)!, {
        resume: true,
        checks: config.checks,
      })
      expect(resumed).toMatchObject({ status: 'done', resumed: true, rowsThisRun: daily.length - 30 })
      expect(resumed.verify?.checks).toMatchObject([{ name: 'daily-copy-complete', status: 'pass' }])
      const copies = await conn.query<{ n: unknown; d: unknown }>(
        'SELECT COUNT(*) AS n, COUNT(DISTINCT daily_id) AS d FROM daily_copy',
      )
      expect(copies.map((r) => [Number(r.n), Number(r.d)])).toEqual([[daily.length, daily.length]])
    })

    it('refuses to resume a checkpoint written by another definition, and --restart starts over', async () => {
      const controller = new AbortController()
      await runBackfill(conn, dialect, config.backfills.get(COPY)!, {
        signal: controller.signal,
        onBatch: () => controller.abort(),
      })
      const changed = resolveIntegrityConfig({
        checks: LEDGER_CHECKS,
        backfills: {
          [COPY]: { ...LEDGER_BACKFILLS[COPY], run: `${LEDGER_BACKFILLS[COPY].run} AND points > 0` },
        },
      })
      const backfill = changed.backfills.get(COPY)!
      expect(await codeOf(runBackfill(conn, dialect, backfill, { resume: true }))).toBe(
        'BACKFILL_SPEC_CHANGED',
      )
      expect(await codeOf(planBackfill(conn, dialect, backfill, { resume: true }))).toBe(
        'BACKFILL_SPEC_CHANGED',
      )
      await conn.execute('DELETE FROM daily_copy')
      const restarted = await runBackfill(conn, dialect, backfill, { restart: true })
      expect(restarted).toMatchObject({ status: 'done', resumed: false, rowsDone: daily.length })
    })

    it('stops at the failing batch, keeps the batches before it, and resumes once the cause is fixed', async () => {
      await conn.execute(
        'CREATE TABLE strict_copy (daily_id INTEGER NOT NULL, points INTEGER NOT NULL CHECK (points < 30))',
      )
      const failing = resolveIntegrityConfig({
        backfills: {
          strict: {
            table: 'daily_stats',
            key: 'id',
            batchSize: 10,
            run: 'INSERT INTO strict_copy SELECT id, points FROM daily_stats WHERE id > :from AND id <= :to',
          },
        },
      }).backfills.get('strict')!
      const firstThirty = daily.findIndex((r) => r.points >= 30)
      let error: unknown
      try {
        await runBackfill(conn, dialect, failing)
      } catch (e) {
        error = e
      }
      expect(isPlumblineError(error) && error.code).toBe('BACKFILL_FAILED')
      const failedBatch = Math.floor(firstThirty / 10) + 1
      expect(isPlumblineError(error) && error.details).toMatchObject({
        batch: failedBatch,
        from: (failedBatch - 1) * 10,
        to: failedBatch * 10,
      })
      const checkpoint = await readCheckpoint(conn, 'strict')
      expect(checkpoint).toMatchObject({ status: 'failed', batchesDone: failedBatch - 1 })
      expect(checkpoint?.lastError).toMatch(/check|constraint/i)
      const kept = await conn.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM strict_copy')
      expect(Number(kept[0]!.n)).toBe((failedBatch - 1) * 10)

      await conn.execute('UPDATE daily_stats SET points = 29 WHERE points >= 30')
      const resumed = await runBackfill(conn, dialect, failing, { resume: true })
      expect(resumed).toMatchObject({ status: 'done', resumed: true, rowsDone: daily.length })
      const copied = await conn.query<{ n: unknown; d: unknown }>(
        'SELECT COUNT(*) AS n, COUNT(DISTINCT daily_id) AS d FROM strict_copy',
      )
      expect(copied.map((r) => [Number(r.n), Number(r.d)])).toEqual([[daily.length, daily.length]])
    })

    it('plans a dry run without writing anything', async () => {
      const file = target.dialect === 'sqlite' ? sqlitePath(db.url) : undefined
      const bytes = file === undefined ? undefined : readFileSync(file)
      const plan = await planBackfill(conn, dialect, config.backfills.get(REPAIR)!)
      expect(plan).toMatchObject({
        mode: 'fresh',
        rows: daily.length,
        batches: Math.ceil(daily.length / 40),
        previous: null,
      })
      expect(plan.firstBatch).toMatchObject({ from: 0, to: 40, rows: 40 })
      expect(plan.firstBatch?.statements).toHaveLength(2)
      expect(plan.firstBatch?.statements[0]?.params).toEqual([0, 40])
      expect(plan.firstBatch?.statements[0]?.sql).toContain(
        target.dialect === 'postgres' ? 'd.id > $1 AND d.id <= $2' : 'd.id > ? AND d.id <= ?',
      )
      if (file !== undefined) {
        await conn.close()
        expect(readFileSync(file).equals(bytes!)).toBe(true)
        expect(existsSync(`${file}-journal`) || existsSync(`${file}-wal`)).toBe(false)
        ;({ conn } = await open(parseConnectionUrl(db.url)))
      } else {
        const schema = target.dialect === 'postgres' ? 'current_schema()' : 'DATABASE()'
        const tables = await conn.query(
          `SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'plumbline%' AND table_schema = ${schema}`,
        )
        expect(tables).toEqual([])
      }
    })
  })
}
