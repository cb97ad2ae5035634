import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { diagnose, migrate, recover, status } from '../../src/api/operations.js'
import { parseConnectionUrl } from '../../src/config/connection-url.js'
import type { Connection } from '../../src/dialects/dialect.js'
import { dialectFor } from '../../src/dialects/registry.js'
import { loadProject, writeHistoryFile } from '../../src/engine/project.js'
import { readTracking } from '../../src/tracking/read-tracking.js'
import {
  auditEvents,
  connect,
  copyMigrations,
  dropIndexSql,
  fixtureDir,
} from '../fixtures/apply-habits/habits.js'
import { waitForOtherSessionsToEnd } from '../fixtures/processes/operation-process.js'
import { createFreshDatabase, dialectTargets, type FreshDatabase } from '../support/database.js'

const runner = fileURLToPath(new URL('../fixtures/processes/journal-kill.ts', import.meta.url))
const repository = fileURLToPath(new URL('../../', import.meta.url))

const MEMBERS = '0001_members'
const LOG = '0002_member_log'
/** The five statements of 0002: which change the schema, which only data. */
const SCHEMA_STATEMENT = [true, false, true, true, false] as const
const USERS = 40

type Moment = 'after-statement' | 'after-journal'

/** Runs `up` in a child process that kills itself with SIGKILL at the given statement boundary. */
function upKilledAt(url: string, dir: string, statement: number, moment: Moment) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'jiti/register',
      runner,
      JSON.stringify({ url, dir, history: 'file', revision: LOG, statement, moment }),
    ],
    { cwd: repository, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  child.stdout.on('data', (d: Buffer) => {
    output += d.toString()
  })
  child.stderr.on('data', (d: Buffer) => {
    output += d.toString()
  })
  return new Promise<{ signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.once('exit', (_code, signal) => resolve({ signal, output })),
  )
}

/** What the journal says and what the live schema proves after a kill at that boundary. */
function expectedProgress(statement: number, moment: Moment) {
  if (moment === 'after-journal') return { journal: statement, verified: statement }
  // A schema statement commits by itself and outruns its journal entry; a data statement rolls
  // back with the journal entry it shares a transaction with.
  return { journal: statement - 1, verified: SCHEMA_STATEMENT[statement - 1] ? statement : statement - 1 }
}

const KILLS: Array<[number, Moment]> = [1, 2, 3, 4, 5].flatMap((n) => [
  [n, 'after-statement'] as [number, Moment],
  [n, 'after-journal'] as [number, Moment],
])

for (const target of dialectTargets()) {
  describe(`${target.name}: a journaled migration killed at every statement boundary`, () => {
    let db: FreshDatabase
    let url: string
    let conn: Connection
    let dir: string

    // The history file is built once, as `plumbline history` builds it, so that every process
    // below reads the expected schemas (and the effect of each statement) from it, as production
    // does, instead of replaying the migrations on a shadow database each time.
    beforeAll(async () => {
      dir = copyMigrations(fixtureDir('journal-crash', target.dialect))
      const scratch = await createFreshDatabase(target)
      try {
        const dialect = await dialectFor(target.dialect)
        await writeHistoryFile(
          await loadProject(dialect, parseConnectionUrl(scratch.url), { dir, history: 'build' }),
        )
      } finally {
        await scratch.drop()
      }
    })

    afterAll(() => rmSync(dir, { recursive: true, force: true }))

    beforeEach(async () => {
      db = await createFreshDatabase(target)
      url = db.url
      conn = (await connect(url)).conn
    })
    afterEach(async () => {
      await conn.close()
      await db.drop()
    })

    for (const [statement, moment] of KILLS) {
      const { journal, verified } = expectedProgress(statement, moment)
      const when =
        moment === 'after-statement'
          ? `after statement ${statement} ran, before its journal entry`
          : `after the journal entry of statement ${statement}`
      it(`killed ${when}: diagnosed as ${verified} of 5 done, recovered with no statement run twice and no row lost`, async () => {
        const first = await migrate({ url, dir, history: 'file', to: MEMBERS })
        expect(first.error).toBeUndefined()
        const values = Array.from({ length: USERS }, (_, i) => `(${i + 1}, 'member ${i + 1}')`).join(', ')
        await conn.execute(`INSERT INTO members (id, name) VALUES ${values}`)
        const members = await conn.query('SELECT id, name FROM members ORDER BY id')

        const killed = await upKilledAt(url, dir, statement, moment)
        expect(killed.signal, killed.output).toBe('SIGKILL')
        await waitForOtherSessionsToEnd(conn)

        // The row says how far the journal got, honestly `running`: never `applied`.
        const row = (await readTracking(conn)).rows.find((r) => r.revision === LOG)
        expect(row).toMatchObject({ status: 'running', statementsDone: journal, statementsTotal: 5 })

        const { diagnosis, plan } = await diagnose({ url, dir, history: 'file' })
        expect(diagnosis).toMatchObject({ state: 'failed', strategy: 'resume_failed' })
        expect(diagnosis.problems.filter((p) => p.severity === 'error')).toEqual([
          expect.objectContaining({
            code: 'INTERRUPTED_MIGRATION',
            revision: LOG,
            evidence: expect.objectContaining({ journal, verified, statementsTotal: 5 }),
          }),
        ])
        expect(diagnosis.problems[0]?.message).toContain(
          verified === journal
            ? `the live schema confirms ${verified} of 5 statement(s) took effect`
            : `the live schema shows ${verified} of 5 statement(s) took effect (the journal counts ${journal}`,
        )
        const line = (await status({ url, dir, history: 'file' })).migrations.find((m) => m.id === LOG)
        expect(line).toMatchObject({
          status: 'running',
          statementsDone: journal,
          statementsVerified: verified,
        })

        // Decided by the live schema: resume right after the last statement that took effect.
        const actions = plan.steps.map((s) => [s.action, 'fromStatement' in s ? s.fromStatement : null])
        if (verified === 5) expect(actions).toEqual([['record_applied', null]])
        else expect(actions).toEqual([['resume_migration', verified]])
        expect(plan.blockers).toEqual([])

        const result = await recover({ url, dir, history: 'file', backup: 'off' })
        expect(result.error).toBeUndefined()
        expect(result).toMatchObject({ ok: true, final: { state: 'healthy', problems: [] } })
        expect((await readTracking(conn)).rows.map((r) => [r.revision, r.status])).toEqual([
          [MEMBERS, 'applied'],
          [LOG, 'applied'],
        ])
        const started = (await auditEvents(conn)).filter((e) => e.event === 'apply_started')
        if (verified < 5) expect(started.at(-1)?.details).toEqual({ fromStatement: verified })

        // Each data statement took effect exactly once, and no member row was lost or changed.
        const log = await conn.query<{ member_id: number | string; n: number | string }>(
          'SELECT member_id, count(*) AS n FROM member_log GROUP BY member_id ORDER BY member_id',
        )
        expect(log.map((r) => [Number(r.member_id), Number(r.n)])).toEqual(
          members.map((m) => [Number(m.id), 1]),
        )
        const scores = await conn.query<{ score: number | string; n: number | string }>(
          'SELECT score, count(*) AS n FROM members GROUP BY score',
        )
        expect(scores.map((r) => [Number(r.score), Number(r.n)])).toEqual([[10, USERS]])
        expect(await conn.query('SELECT id, name FROM members ORDER BY id')).toEqual(members)
      })
    }

    it('the live schema contradicts the journal: a human decides, with the evidence, and nothing changes', async () => {
      await migrate({ url, dir, history: 'file', to: MEMBERS })
      await conn.execute("INSERT INTO members (id, name) VALUES (1, 'ann'), (2, 'bob')")
      expect((await upKilledAt(url, dir, 3, 'after-journal')).signal).toBe('SIGKILL')
      await waitForOtherSessionsToEnd(conn)
      // Someone removes what a journaled statement made: the journal's count is no longer true.
      await conn.execute(dropIndexSql(target.dialect, 'idx_member_log_member', 'member_log'))
      const rows = () => conn.query('SELECT member_id, note FROM member_log ORDER BY member_id')
      const log = await rows()

      const { diagnosis, plan } = await diagnose({ url, dir, history: 'file' })
      expect(diagnosis).toMatchObject({ state: 'failed', strategy: 'resume_failed' })
      expect(diagnosis.problems.find((p) => p.code === 'INTERRUPTED_MIGRATION')?.evidence).toMatchObject({
        journal: 3,
        verified: null,
        differences: [
          { object: { kind: 'index', name: 'idx_member_log_member', table: 'member_log' }, actual: null },
        ],
      })
      expect(plan.steps).toEqual([])
      expect(plan.blockers).toEqual([
        {
          revision: LOG,
          message: expect.stringContaining(
            `${LOG}: the journal counts 3 of 5 statement(s), but the live schema contradicts it — index idx_member_log_member on member_log is missing`,
          ),
        },
      ])

      const result = await recover({ url, dir, history: 'file', backup: 'off' })
      expect(result).toMatchObject({ ok: false, error: { code: 'STATE_NEEDS_DECISION' } })
      expect((await readTracking(conn)).rows.find((r) => r.revision === LOG)).toMatchObject({
        status: 'running',
        statementsDone: 3,
      })
      expect(await rows()).toEqual(log)
    })

    it('nothing of it left and no data statement journaled: run again from the start, once', async () => {
      await migrate({ url, dir, history: 'file', to: MEMBERS })
      await conn.execute("INSERT INTO members (id, name) VALUES (1, 'ann'), (2, 'bob')")
      expect((await upKilledAt(url, dir, 1, 'after-journal')).signal).toBe('SIGKILL')
      await waitForOtherSessionsToEnd(conn)
      await conn.execute('DROP TABLE member_log')

      const { diagnosis, plan } = await diagnose({ url, dir, history: 'file' })
      expect(diagnosis.problems.find((p) => p.code === 'INTERRUPTED_MIGRATION')?.evidence).toMatchObject({
        journal: 1,
        verified: null,
      })
      expect(plan.steps.map((s) => s.action)).toEqual(['clear_failed_attempt', 'apply_migration'])
      const result = await recover({ url, dir, history: 'file', backup: 'off' })
      expect(result.error).toBeUndefined()
      expect(result).toMatchObject({ ok: true, final: { state: 'healthy' } })
      expect(await conn.query('SELECT member_id, note FROM member_log ORDER BY member_id')).toEqual([
        expect.objectContaining({ note: 'joined' }),
        expect.objectContaining({ note: 'joined' }),
      ])
      expect(
        (await conn.query<{ score: number | string }>('SELECT score FROM members ORDER BY id')).map((r) =>
          Number(r.score),
        ),
      ).toEqual([10, 10])
    })
  })
}
