import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseConnectionUrl } from '../../src/config/connection-url.js'
import type { Connection } from '../../src/dialects/dialect.js'
import { open } from '../../src/dialects/registry.js'
import { readCheckpoint } from '../../src/integrity/backfill-table.js'
import { runCommand } from '../fixtures/integrity-cli/run-command.js'
import {
  createLedger,
  dailyRows,
  LEDGER_BACKFILLS,
  LEDGER_CHECKS,
} from '../fixtures/integrity-ledger/ledger.js'
import { createFreshDatabase, dialectTargets, type FreshDatabase } from '../support/database.js'

const cliRunner = fileURLToPath(new URL('../fixtures/integrity-cli/cli.ts', import.meta.url))
const jitiRegister = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('jiti/package.json')), 'lib/jiti-register.mjs'),
).href
const REPAIR = 'points-log-from-daily-stats'

/** The same copy as the ledger's, slowed down so that a signal lands between two batches. */
const SLOW_COPY = { ...LEDGER_BACKFILLS['copy-daily-totals'], batchSize: 10, pauseMs: 150 }

for (const target of dialectTargets()) {
  describe(`${target.name}: integrity — the check and backfill commands`, () => {
    let db: FreshDatabase
    let conn: Connection
    let cwd: string

    const writeConfig = (extra: Record<string, unknown> = {}) =>
      writeFileSync(
        join(cwd, 'plumbline.config.json'),
        JSON.stringify({
          url: db.url,
          checks: LEDGER_CHECKS,
          backfills: { ...LEDGER_BACKFILLS, 'slow-copy': SLOW_COPY },
          ...extra,
        }),
      )
    const plumbline = (...argv: string[]) => runCommand(argv, { cwd })
    const tables = async () =>
      target.dialect === 'sqlite'
        ? (
            await conn.query<{ name: string }>("SELECT name FROM sqlite_schema WHERE name LIKE 'plumbline%'")
          ).map((r) => r.name)
        : (
            await conn.query<{ t: string }>(
              `SELECT table_name AS t FROM information_schema.tables WHERE table_name LIKE 'plumbline%' AND table_schema = ${
                target.dialect === 'postgres' ? 'current_schema()' : 'DATABASE()'
              }`,
            )
          ).map((r) => r.t)

    beforeEach(async () => {
      db = await createFreshDatabase(target)
      conn = (await open(parseConnectionUrl(db.url), { create: true })).conn
      await createLedger(conn)
      cwd = mkdtempSync(join(tmpdir(), 'plumbline-integrity-cli-'))
      writeConfig()
    })
    afterEach(async () => {
      await conn.close()
      await db.drop()
      rmSync(cwd, { recursive: true, force: true })
    })

    it('check --json prints the contract document and exits 1 when a check fails', async () => {
      const run = await plumbline('check', '--json')
      expect(run.code).toBe(1)
      const document = JSON.parse(run.stdout)
      // The copy table of the other backfill is still empty: its check fails too.
      expect(document.failed).toBe(2)
      expect(document.checks.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([
        ['points-log-matches-daily-stats', 'fail'],
        ['diary-entries-have-users', 'pass'],
        ['emails-unique', 'pass'],
        ['goal-status-known', 'pass'],
        ['ratings-in-range', 'pass'],
        ['daily-copy-complete', 'fail'],
      ])
      expect(document.checks[0]).toMatchObject({ violations: 6 })
      expect(document.checks[0].samples).toHaveLength(5)
      expect(document.checks[0].samples[0]).toEqual({ user_id: 3, date: '2025-07-02', left: 0, right: 20 })
      expect(document.checks[2]).toMatchObject({ status: 'pass', proven: true, violations: 0, samples: [] })
    })

    it('check <names> runs only those, and exits 0 when they pass', async () => {
      const run = await plumbline('check', 'emails-unique', 'goal-status-known', '--json')
      expect(run.code).toBe(0)
      expect(JSON.parse(run.stdout)).toMatchObject({
        failed: 0,
        checks: [{ name: 'emails-unique' }, { name: 'goal-status-known', status: 'pass' }],
      })
    })

    it('check prints a table with the samples for a reader', async () => {
      const run = await plumbline('check', 'points-log-matches-daily-stats', 'emails-unique')
      expect(run.code).toBe(1)
      expect(run.stdout).toMatch(/✘ fail\s+points-log-matches-daily-stats\s+6/)
      expect(run.stdout).toMatch(/✔ pass\s+emails-unique\s+0\s+proven by unique constraint/)
      expect(run.stdout).toMatch(/user_id\s+date\s+left\s+right/)
      expect(run.stdout).toMatch(/3\s+2025-07-02\s+0\s+20/)
      expect(run.stdout).toContain('5 of 6 violating groups')
      expect(run.stdout).toContain('1 of 2 checks failed')
    })

    it('check names an unknown check (CHECK_UNKNOWN) and an invalid one (CHECK_INVALID) with exit 2', async () => {
      const unknown = await plumbline('check', 'no-such-check')
      expect(unknown.code).toBe(2)
      expect(unknown.stderr).toContain('error[CHECK_UNKNOWN]')
      writeConfig({ checks: { 'bad-one': { unique: { table: 'users', colums: ['email'] } } } })
      const invalid = await plumbline('check', '--json')
      expect(invalid.code).toBe(2)
      expect(JSON.parse(invalid.stdout).error).toMatchObject({
        code: 'CHECK_INVALID',
        message: 'check "bad-one": unique.colums is not a known key',
      })
    })

    it('backfill needs --yes without a terminal, and writes nothing before it has one', async () => {
      const run = await plumbline('backfill', REPAIR)
      expect(run.code).toBe(2)
      expect(run.stderr).toContain('error[CONFIRMATION_REQUIRED]')
      expect(await tables()).toEqual([])
    })

    it('backfill --dry-run prints the plan and the first batch, and writes nothing', async () => {
      const human = await plumbline('backfill', REPAIR, '--dry-run')
      expect(human.code).toBe(0)
      expect(human.stdout).toContain('dry run: nothing was written')
      expect(human.stdout).toContain(`${dailyRows().length} rows to go → 4 batches`)
      expect(human.stdout).toContain('first batch: id > 0 and ≤ 40 (40 rows)')
      expect(human.stdout).toContain('NOT EXISTS')
      const json = await plumbline('backfill', REPAIR, '--dry-run', '--batch-size', '100', '--json')
      expect(JSON.parse(json.stdout)).toMatchObject({
        dryRun: true,
        rows: dailyRows().length,
        batches: 2,
        firstBatch: { from: 0, to: 100 },
      })
      expect(await tables()).toEqual([])
    })

    it('backfill --yes --json repairs, verifies, and prints one JSON document; progress goes to stderr', async () => {
      const run = await plumbline('backfill', REPAIR, '--yes', '--json')
      expect(run.code).toBe(0)
      const document = JSON.parse(run.stdout)
      expect(document).toMatchObject({
        name: REPAIR,
        status: 'done',
        rowsDone: dailyRows().length,
        batchesDone: 4,
      })
      expect(document.verify).toMatchObject({
        failed: 0,
        checks: [{ name: 'points-log-matches-daily-stats', status: 'pass' }],
      })
      expect(run.stderr).toMatch(/^batch 1: key 0 → 40, 40 rows/m)
      expect((await plumbline('check', 'points-log-matches-daily-stats')).code).toBe(0)
    })

    it('backfill exits 1 when a verify check still fails after the last batch', async () => {
      writeConfig({
        backfills: {
          'does-nothing': {
            table: 'daily_stats',
            key: 'id',
            run: 'UPDATE daily_stats SET points = points WHERE id > :from AND id <= :to',
            verify: ['points-log-matches-daily-stats'],
          },
        },
      })
      const run = await plumbline('backfill', 'does-nothing', '--yes')
      expect(run.code).toBe(1)
      expect(run.stdout).toMatch(/backfill does-nothing done/)
      expect(run.stdout).toContain('1 of 1 check failed')
    })

    it('backfill refuses bad usage with exit 2 and an unfinished run with exit 3', async () => {
      expect((await plumbline('backfill', 'no-such-backfill', '--yes')).stderr).toContain(
        'error[BACKFILL_UNKNOWN]',
      )
      expect((await plumbline('backfill', REPAIR, '--resume', '--restart', '--yes')).code).toBe(2)
      const zero = await plumbline('backfill', REPAIR, '--batch-size', '0', '--yes')
      expect([zero.code, zero.stderr]).toEqual([2, expect.stringContaining('error[USAGE]')])
      await conn.execute(
        `CREATE TABLE plumbline_backfills (name ${target.dialect === 'mysql' ? 'VARCHAR(255)' : 'TEXT'} PRIMARY KEY, spec_hash TEXT NOT NULL,
           status TEXT NOT NULL, cursor_value TEXT, rows_done BIGINT NOT NULL, batches_done BIGINT NOT NULL,
           batch_size BIGINT NOT NULL, rows_total BIGINT, started_at TEXT NOT NULL, updated_at TEXT NOT NULL, last_error TEXT)`,
      )
      await conn.query(
        `INSERT INTO plumbline_backfills VALUES (${Array.from({ length: 11 }, (_, i) => (target.dialect === 'postgres' ? `$${i + 1}` : '?')).join(', ')})`,
        [
          REPAIR,
          'x'.repeat(64),
          'interrupted',
          '40',
          40,
          1,
          40,
          160,
          '2025-07-11T10:00:00.000Z',
          '2025-07-11T10:00:01.000Z',
          null,
        ],
      )
      const unfinished = await plumbline('backfill', REPAIR, '--yes')
      expect(unfinished.code).toBe(3)
      expect(unfinished.stderr).toContain('error[BACKFILL_UNFINISHED]')
      expect(unfinished.stderr).toContain('interrupted after 1 batches (40 rows, key 40)')
      const changed = await plumbline('backfill', REPAIR, '--resume', '--yes')
      expect([changed.code, changed.stderr]).toEqual([
        3,
        expect.stringContaining('error[BACKFILL_SPEC_CHANGED]'),
      ])
    })

    it('stops cleanly on Ctrl-C (SIGINT) after the batch under way, exit 1, and --resume finishes', async () => {
      const child = spawn(
        process.execPath,
        ['--import', jitiRegister, cliRunner, 'backfill', 'slow-copy', '--yes', '--json'],
        {
          cwd,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      let stdout = ''
      let stderr = ''
      child.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString()
      })
      const code = await new Promise<number | null>((resolve) => {
        child.stderr!.on('data', (d: Buffer) => {
          const first = !stderr.includes('batch 1:')
          stderr += d.toString()
          if (first && stderr.includes('batch 1:')) child.kill('SIGINT')
        })
        child.once('exit', (c) => resolve(c))
      })
      expect([code, stderr]).toEqual([1, expect.stringContaining('stopping after the batch under way')])
      const document = JSON.parse(stdout)
      expect(document).toMatchObject({ status: 'interrupted' })
      expect(document.batchesDone).toBeLessThan(Math.ceil(dailyRows().length / 10))
      const checkpoint = await readCheckpoint(conn, 'slow-copy')
      expect(checkpoint).toMatchObject({ status: 'interrupted', batchesDone: document.batchesDone })
      const copied = await conn.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM daily_copy')
      expect(Number(copied[0]!.n)).toBe(document.rowsDone)

      writeConfig({ backfills: { 'slow-copy': { ...SLOW_COPY, pauseMs: 0 } } })
      const resumed = await plumbline('backfill', 'slow-copy', '--resume', '--yes', '--json')
      expect(resumed.code).toBe(0)
      expect(JSON.parse(resumed.stdout)).toMatchObject({
        status: 'done',
        resumed: true,
        rowsDone: dailyRows().length,
      })
      const copies = await conn.query<{ n: unknown; d: unknown }>(
        'SELECT COUNT(*) AS n, COUNT(DISTINCT daily_id) AS d FROM daily_copy',
      )
      expect(copies.map((r) => [Number(r.n), Number(r.d)])).toEqual([
        [dailyRows().length, dailyRows().length],
      ])
    })
  })
}
