import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { inspect } from '../../src/api/inspect.js'
import { diagnose, migrate, recover } from '../../src/api/operations.js'
import type { Connection, Row } from '../../src/dialects/dialect.js'
import { loadMigrations } from '../../src/source/load-migrations.js'
import type { Migration } from '../../src/source/migration.js'
import { readTracking } from '../../src/tracking/read-tracking.js'
import { placeholders, timeParam } from '../../src/tracking/write-tracking.js'
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
  rowCounts,
  trackingStatuses,
  userRows,
} from '../fixtures/apply-habits/habits.js'
import { createFreshDatabase, dialectTargets, type FreshDatabase } from '../support/database.js'
import { dumpToolCanBackUp } from '../support/dump-tool.js'

/** The incident's user data: 24 users and everything they wrote, before points_log existed. */
const USER_COUNTS = { users: 24, diary_entry: 72, daily_stats: 70, goals: 48 }
const ALL_APPLIED = HABIT_REVISIONS.map((r): [string, string] => [r, 'applied'])

/** The statements of 0002 as its file has them. */
const INDEX_STATEMENTS = HABIT_INDEXES.map(
  ([name, table, columns]) => `CREATE INDEX ${name} ON ${table} (${columns})`,
)

/** What a refusal must leave as it was: the schema, the tracking rows and every user row. */
async function snapshot(url: string, conn: Connection) {
  return {
    fingerprint: (await inspect({ url })).fingerprint,
    tracking: (await readTracking(conn)).raw,
    rows: await userRows(conn),
  }
}

/** A tracking table as someone might have made it by hand: no key, four columns. */
async function createHandMadeTracking(conn: Connection, rows: ReadonlyArray<ReadonlyArray<string | null>>) {
  const text = conn.dialect === 'mysql' ? 'VARCHAR(255)' : 'TEXT'
  const time = conn.dialect === 'postgres' ? 'timestamptz' : conn.dialect === 'mysql' ? 'DATETIME(3)' : 'TEXT'
  await conn.execute('DROP TABLE plumbline_migrations')
  await conn.execute(
    `CREATE TABLE plumbline_migrations (revision ${text}, checksum ${text}, status ${text}, applied_at ${time})`,
  )
  for (const [revision, checksum, status] of rows) {
    await conn.query(
      `INSERT INTO plumbline_migrations (revision, checksum, status, applied_at) VALUES (${placeholders(conn.dialect, 4)})`,
      [revision, checksum, status, timeParam(conn.dialect, '2025-07-11T10:00:00.000Z')],
    )
  }
}

for (const target of dialectTargets()) {
  describe(`${target.name}: diagnose and recover`, () => {
    let db: FreshDatabase
    let url: string
    let conn: Connection
    let migrations: ReadonlyArray<Migration>
    const dir = habitsDir(target.dialect)

    beforeEach(async () => {
      db = await createFreshDatabase(target)
      url = db.url
      conn = (await connect(url)).conn
      migrations = await loadMigrations(dir, { dialect: target.dialect })
    })
    afterEach(async () => {
      await conn.close()
      await db.drop()
    })

    /** Recovers without a backup and checks the healthy end state and every user row. */
    async function recoverKeepingRows(rows: Record<string, Row[]>, options: { dir?: string } = {}) {
      const result = await recover({ url, dir: options.dir ?? dir, backup: 'off' })
      expect(result.error).toBeUndefined()
      expect(result.ok).toBe(true)
      expect(result.final).toMatchObject({ state: 'healthy', problems: [] })
      const after = await userRows(conn)
      expect(rowCounts(after)).toMatchObject(rowCounts(rows))
      for (const table of Object.keys(rows)) expect(after[table], table).toEqual(rows[table])
      expect(await trackingStatuses(conn)).toEqual(ALL_APPLIED)
      return result
    }

    it('the incident: 0002 recorded as applied without any of its 11 indexes, and 0003 pending drops one', async () => {
      await migrate({ url, dir, to: INDEXES })
      await insertUserData(conn)
      await dropIndexes(conn, HABIT_INDEXES)
      const rows = await userRows(conn)
      expect(rowCounts(rows)).toEqual(USER_COUNTS)

      const { diagnosis, plan } = await diagnose({ url, dir })
      expect(diagnosis).toMatchObject({
        state: 'partial',
        strategy: 'complete_partial_migration',
        head: POINTS_LOG,
        tracked: { revision: INDEXES },
        inferred: { revision: INIT, exact: true },
        pending: [POINTS_LOG],
      })
      expect(
        diagnosis.problems.map((p) => [p.code, p.revision, p.object?.kind, p.object?.name]).sort(),
      ).toEqual(HABIT_INDEXES.map(([name]) => ['MISSING_OBJECT', INDEXES, 'index', name]).sort())
      expect(diagnosis.timeline.find((l) => l.id === INDEXES)).toMatchObject({
        status: 'applied',
        missingObjects: 11,
      })
      // None of its effects is there: 0002 runs again, verified, before 0003 may drop one of them.
      expect(plan.blockers).toEqual([])
      expect(plan.steps).toEqual([
        expect.objectContaining({ action: 'rerun_revision', revision: INDEXES, sql: INDEX_STATEMENTS }),
      ])

      const before = await snapshot(url, conn)
      const up = await migrate({ url, dir })
      expect(up).toMatchObject({
        ok: false,
        state: 'partial',
        applied: [],
        error: { code: 'STATE_NEEDS_RECOVERY' },
      })
      expect(up.error?.message).toContain(
        `index ${DROPPED_BY_POINTS_LOG} on daily_stats of ${INDEXES} is missing`,
      )
      expect(await snapshot(url, conn)).toEqual(before)

      const backupDir = mkdtempSync(join(tmpdir(), 'plumbline-backups-'))
      const result = await recover({ url, dir, backup: 'auto', backupDir })
      expect(result.error).toBeUndefined()
      expect(result).toMatchObject({ ok: true, final: { state: 'healthy', problems: [] } })
      // Round by round: 0002 completed first, then 0003, pending, finds its index to drop.
      expect(result.rounds.map((r) => r.outcome?.steps.map((s) => [s.step.action, s.status]))).toEqual([
        [['rerun_revision', 'done']],
        [['apply_migration', 'done']],
      ])
      expect(result.rounds[1]?.plan.steps[0]?.sql).toEqual(
        migrations[2]!.kind === 'sql' ? migrations[2]!.up.statements.map((s) => s.sql) : [],
      )
      if (target.dialect === 'sqlite') {
        const backup = result.backup as { path: string }
        expect(existsSync(backup.path)).toBe(true)
        expect(statSync(backup.path).mode & 0o777).toBe(0o600)
        rmSync(backup.path)
      } else if (result.backup && 'path' in result.backup) {
        expect(dirname(result.backup.path)).toBe(backupDir)
        expect(statSync(result.backup.path).mode & 0o777).toBe(0o600)
      } else {
        // No tool on PATH, or one older than the server: no backup can be taken here.
        expect(await dumpToolCanBackUp(conn)).toBe(false)
        expect(result.backup).toMatchObject({
          skipped: expect.stringMatching(/not on PATH|older than the server/),
        })
      }
      rmSync(backupDir, { recursive: true, force: true })
      expect(
        (await auditEvents(conn))
          .filter((e) => e.event === 'rerun' || e.event === 'apply')
          .map((e) => [e.event, e.revision]),
      ).toEqual([
        ['apply', INIT],
        ['apply', INDEXES],
        ['rerun', INDEXES],
        ['apply', POINTS_LOG],
      ])
      const after = await userRows(conn)
      expect({ ...after, points_log: undefined }).toEqual({ ...rows, points_log: undefined })
      expect(after.points_log).toEqual([])
      expect(await trackingStatuses(conn)).toEqual(ALL_APPLIED)
    })

    it('the incident as its tracking table tells it: every revision applied, the indexes of 0002 missing', async () => {
      await migrate({ url, dir })
      await insertUserData(conn)
      const missing = HABIT_INDEXES.filter(([name]) => name !== DROPPED_BY_POINTS_LOG)
      await dropIndexes(conn, missing)
      const rows = await userRows(conn)

      const { diagnosis, plan } = await diagnose({ url, dir })
      expect(diagnosis).toMatchObject({
        state: 'partial',
        strategy: 'complete_partial_migration',
        tracked: { revision: POINTS_LOG },
        inferred: { revision: POINTS_LOG, exact: false, distance: 10 },
        pending: [],
      })
      expect(diagnosis.problems.map((p) => [p.code, p.revision, p.object?.name]).sort()).toEqual(
        missing.map(([name]) => ['MISSING_OBJECT', INDEXES, name]).sort(),
      )
      // 0003 dropped one of 0002's indexes since: the others are created from their definitions.
      expect(plan.steps).toHaveLength(1)
      const step = plan.steps[0]!
      expect(step).toMatchObject({ action: 'create_missing_objects', revision: INDEXES })
      const created = 'objects' in step ? step.objects : []
      expect(created.map((o) => o.name).sort()).toEqual(missing.map(([name]) => name).sort())
      expect(step.sql).toHaveLength(10)
      for (const [name, table] of missing)
        expect(
          step.sql.some((sql) => sql.includes(name) && sql.includes(table) && /^CREATE INDEX/.test(sql)),
        ).toBe(true)

      const result = await recoverKeepingRows(rows)
      const event = (await auditEvents(conn)).find((e) => e.event === 'recover')
      expect(event).toMatchObject({ revision: INDEXES, details: { sql: step.sql } })
      expect(result.rounds).toHaveLength(1)
    })

    it('a schema without tracking at head: tracking is initialized at the inferred revision', async () => {
      await migrate({ url, dir })
      await insertUserData(conn)
      await conn.execute('DROP TABLE plumbline_migrations')
      await conn.execute('DROP TABLE plumbline_events')
      const rows = await userRows(conn)

      const { diagnosis, plan } = await diagnose({ url, dir })
      expect(diagnosis).toMatchObject({
        state: 'untracked_schema',
        strategy: 'initialize_tracking',
        tracked: { revision: null },
        inferred: { revision: POINTS_LOG, exact: true, distance: 0 },
        pending: [],
      })
      expect(diagnosis.problems.map((p) => p.code)).toEqual(['UNTRACKED_SCHEMA'])
      expect(plan.steps).toEqual([
        expect.objectContaining({ action: 'create_tracking_tables' }),
        expect.objectContaining({
          action: 'record_applied',
          revisions: [...HABIT_REVISIONS],
          reason: `the live schema matches ${POINTS_LOG} exactly`,
          sql: [],
        }),
      ])
      expect(plan.steps[0]?.sql.join('\n')).toMatch(/CREATE TABLE IF NOT EXISTS plumbline_migrations/)

      await recoverKeepingRows(rows)
      expect((await auditEvents(conn)).map((e) => [e.event, e.revision])).toEqual([['baseline', POINTS_LOG]])
    })

    it('a schema without tracking at an older revision: initialized there, then the rest applied', async () => {
      await migrate({ url, dir, to: INDEXES })
      await insertUserData(conn)
      await conn.execute('DROP TABLE plumbline_migrations')
      await conn.execute('DROP TABLE plumbline_events')
      const rows = await userRows(conn)

      const { diagnosis, plan } = await diagnose({ url, dir })
      expect(diagnosis).toMatchObject({
        state: 'untracked_schema',
        strategy: 'initialize_tracking',
        inferred: { revision: INDEXES, exact: true },
        pending: [POINTS_LOG],
      })
      expect(plan.steps.map((s) => [s.action, 'revisions' in s ? s.revisions : undefined])).toEqual([
        ['create_tracking_tables', undefined],
        ['record_applied', [INIT, INDEXES]],
      ])

      const result = await recover({ url, dir, backup: 'off' })
      expect(result).toMatchObject({ ok: true, final: { state: 'healthy' } })
      expect(result.rounds.map((r) => r.plan.steps.map((s) => s.action))).toEqual([
        ['create_tracking_tables', 'record_applied'],
        ['apply_migration'],
      ])
      expect(await trackingStatuses(conn)).toEqual(ALL_APPLIED)
      const after = await userRows(conn)
      expect({ ...after, points_log: undefined }).toEqual({ ...rows, points_log: undefined })
    })

    describe('corrupted tracking, with the schema exactly at head', () => {
      const sum = (n: number) => migrations[n]!.checksum
      const cases: ReadonlyArray<{
        name: string
        corrupt: () => Promise<void>
        defects: ReadonlyArray<string>
        rebuildTable: boolean
      }> = [
        {
          name: 'a row of a revision no migration file has, among the known ones',
          corrupt: async () => {
            await conn.query(
              `INSERT INTO plumbline_migrations (revision, checksum, status, applied_at) VALUES (${placeholders(conn.dialect, 4)})`,
              [
                '0002_perf_indexes',
                'e'.repeat(64),
                'applied',
                timeParam(conn.dialect, '2025-07-11T10:00:00.000Z'),
              ],
            )
          },
          defects: ['MISSING_FILE'],
          rebuildTable: false,
        },
        {
          name: 'duplicate rows in a hand-made table without a primary key',
          corrupt: () =>
            createHandMadeTracking(conn, [
              [INIT, sum(0), 'applied'],
              [INDEXES, sum(1), 'applied'],
              [INDEXES, sum(1), 'applied'],
              [POINTS_LOG, sum(2), 'applied'],
            ]),
          defects: ['TRACKING_DEFECT:DUPLICATE_REVISION'],
          rebuildTable: true,
        },
        {
          name: 'a status nobody wrote',
          corrupt: async () => {
            await conn.query(`UPDATE plumbline_migrations SET status = 'done?' WHERE revision = '${INDEXES}'`)
          },
          // Its row does not read, so 0003 stands recorded without 0002 before it.
          defects: ['OUT_OF_ORDER', 'TRACKING_DEFECT:GARBAGE_STATUS'],
          rebuildTable: false,
        },
        {
          name: 'a checksum that is not a sha256 digest',
          corrupt: async () => {
            await conn.query(
              `UPDATE plumbline_migrations SET checksum = 'deadbeef' WHERE revision = '${INIT}'`,
            )
          },
          defects: ['OUT_OF_ORDER', 'TRACKING_DEFECT:GARBAGE_CHECKSUM'],
          rebuildTable: false,
        },
        {
          name: 'NULLs where a revision, a checksum and a status belong',
          corrupt: () =>
            createHandMadeTracking(conn, [
              [INIT, sum(0), 'applied'],
              [INDEXES, sum(1), 'applied'],
              [POINTS_LOG, sum(2), 'applied'],
              [null, null, null],
            ]),
          defects: [
            'TRACKING_DEFECT:GARBAGE_CHECKSUM',
            'TRACKING_DEFECT:GARBAGE_STATUS',
            'TRACKING_DEFECT:NULL_REVISION',
          ],
          rebuildTable: true,
        },
        {
          name: 'a tracking table with missing columns',
          corrupt: async () => {
            await conn.execute('DROP TABLE plumbline_migrations')
            await conn.execute(
              `CREATE TABLE plumbline_migrations (revision ${conn.dialect === 'mysql' ? 'VARCHAR(255)' : 'TEXT'})`,
            )
            for (const revision of HABIT_REVISIONS)
              await conn.query(
                `INSERT INTO plumbline_migrations (revision) VALUES (${placeholders(conn.dialect, 1)})`,
                [revision],
              )
          },
          // No row reads, so the tracking table says nothing is applied of a schema at head.
          defects: ['TRACKING_BEHIND_SCHEMA', 'TRACKING_DEFECT:MISSING_COLUMNS'],
          rebuildTable: true,
        },
      ]

      for (const c of cases) {
        it(`${c.name}: repaired from what the schema shows, the old rows kept as evidence`, async () => {
          await migrate({ url, dir })
          await insertUserData(conn)
          await c.corrupt()
          const rows = await userRows(conn)
          const stored = (await readTracking(conn)).raw

          const { diagnosis, plan } = await diagnose({ url, dir })
          expect(diagnosis).toMatchObject({
            state: 'corrupted_tracking',
            strategy: 'repair_tracking',
            inferred: { revision: POINTS_LOG, exact: true },
          })
          const found = diagnosis.problems
            .filter((p) => p.severity === 'error')
            .map((p) => (p.code === 'TRACKING_DEFECT' ? `${p.code}:${String(p.evidence?.defect)}` : p.code))
          expect([...new Set(found)].sort()).toEqual([...c.defects].sort())
          expect(plan.blockers).toEqual([])
          expect(plan.steps).toEqual([
            expect.objectContaining({
              action: 'rewrite_tracking',
              revisions: [...HABIT_REVISIONS],
              rebuildTable: c.rebuildTable,
              reason: `the live schema is at ${POINTS_LOG} (exact match)`,
            }),
          ])
          // A damaged table is set aside and made anew; otherwise only its rows are rewritten.
          if (c.rebuildTable)
            expect(plan.steps[0]?.sql.join('\n')).toMatch(
              /^CREATE TABLE IF NOT EXISTS plumbline_migrations \(/,
            )
          else expect(plan.steps[0]?.sql).toEqual([])

          await recoverKeepingRows(rows)
          const repair = (await auditEvents(conn)).find((e) => e.event === 'repair')
          expect(repair?.revision).toBe(POINTS_LOG)
          expect(repair?.details.before).toHaveLength(stored.length)
          if (c.rebuildTable) {
            const kept = String(repair?.details.damagedTableKeptAs)
            expect(kept).toMatch(/^plumbline_migrations_damaged_\d{14}$/)
            expect(await conn.query(`SELECT * FROM ${kept}`)).toHaveLength(stored.length)
          }
          // The next start takes the one-round-trip path again.
          expect((await diagnose({ url, dir })).diagnosis.state).toBe('healthy')
        })
      }
    })

    it('tracking claims a revision whose table is gone: the table is created again, empty, with its parts', async () => {
      await migrate({ url, dir })
      await insertUserData(conn)
      await conn.execute('DROP TABLE points_log')
      const rows = await userRows(conn)

      const { diagnosis, plan } = await diagnose({ url, dir })
      expect(diagnosis).toMatchObject({
        state: 'partial',
        strategy: 'complete_partial_migration',
        tracked: { revision: POINTS_LOG },
        inferred: { revision: INDEXES, exact: false },
      })
      const missing = diagnosis.problems.map((p) => [p.code, p.revision, p.object?.kind])
      expect(missing).toContainEqual(['MISSING_OBJECT', POINTS_LOG, 'table'])
      expect(missing).toContainEqual(['MISSING_OBJECT', POINTS_LOG, 'index'])
      expect(new Set(missing.map(([code, revision]) => `${code} ${revision}`))).toEqual(
        new Set([`MISSING_OBJECT ${POINTS_LOG}`]),
      )
      // 0003 also dropped an index, which is gone as it should be: not a re-run, a completion.
      expect(plan.steps.map((s) => [s.action, 'revision' in s ? s.revision : null])).toEqual([
        ['create_missing_objects', POINTS_LOG],
      ])
      expect(plan.steps[0]?.sql[0]).toMatch(/^CREATE TABLE \S*points_log/)
      expect(plan.steps[0]?.sql.some((s) => s.includes('idx_points_log_user_date'))).toBe(true)

      const result = await recover({ url, dir, backup: 'off' })
      expect(result.error).toBeUndefined()
      expect(result).toMatchObject({ ok: true, final: { state: 'healthy' } })
      expect(await userRows(conn)).toEqual({ ...rows, points_log: [] })
      expect(await trackingStatuses(conn)).toEqual(ALL_APPLIED)
    })

    it('an applied file edited in what it does needs a human: recover refuses and changes nothing', async () => {
      const copy = copyMigrations(dir)
      await migrate({ url, dir: copy })
      await insertUserData(conn)
      editFile(copy, `${INDEXES}.sql`, (text) =>
        text.replace('ON diary_entry (rating)', 'ON diary_entry (rating, entry_date)'),
      )
      const before = await snapshot(url, conn)

      const { diagnosis, plan } = await diagnose({ url, dir: copy })
      expect(diagnosis).toMatchObject({ state: 'checksum_mismatch', strategy: 'manual' })
      const mismatch = diagnosis.problems.find((p) => p.code === 'CHECKSUM_MISMATCH')
      expect(mismatch).toMatchObject({
        revision: INDEXES,
        evidence: { recorded: migrations[1]!.checksum },
      })
      expect(mismatch?.message).toContain('changed after it was applied: what is in the file is not what ran')
      expect(plan.steps).toEqual([])
      expect(plan.blockers.map((b) => b.revision)).toContain(INDEXES)

      const result = await recover({ url, dir: copy, backup: 'off' })
      expect(result).toMatchObject({ ok: false, error: { code: 'STATE_NEEDS_DECISION' } })
      const up = await migrate({ url, dir: copy })
      expect(up).toMatchObject({
        ok: false,
        state: 'checksum_mismatch',
        error: { code: 'STATE_NEEDS_DECISION' },
      })
      expect(await snapshot(url, conn)).toEqual(before)
    })

    it('an applied file edited in whitespace and comments only is accepted automatically', async () => {
      const copy = copyMigrations(dir)
      await migrate({ url, dir: copy })
      await insertUserData(conn)
      const rows = await userRows(conn)
      editFile(
        copy,
        `${INDEXES}.sql`,
        (text) =>
          `-- Reviewed after the incident: these are the dashboard's indexes.\n${text.replace(/\n/g, '\n\n')}`,
      )
      const edited = (await loadMigrations(copy, { dialect: target.dialect }))[1]!

      const { diagnosis, plan } = await diagnose({ url, dir: copy })
      expect(diagnosis).toMatchObject({ state: 'checksum_mismatch', strategy: 'repair_tracking' })
      expect(diagnosis.problems).toEqual([
        expect.objectContaining({ code: 'COSMETIC_EDIT', severity: 'warning', revision: INDEXES }),
      ])
      expect(plan.steps).toEqual([expect.objectContaining({ action: 'update_checksum', revision: INDEXES })])

      await recoverKeepingRows(rows, { dir: copy })
      const row = (await readTracking(conn)).rows.find((r) => r.revision === INDEXES)
      expect(row?.checksum).toBe(edited.checksum)
      expect(row?.checksum).not.toBe(migrations[1]!.checksum)
    })

    it('a database ahead of this code needs a human: unknown_revision, and nothing is changed', async () => {
      await migrate({ url, dir })
      await insertUserData(conn)
      const older = copyMigrations(dir)
      rmSync(join(older, `${POINTS_LOG}.sql`))
      rmSync(join(older, 'plumbline.history.json'))
      const before = await snapshot(url, conn)

      const { diagnosis, plan } = await diagnose({ url, dir: older })
      expect(diagnosis).toMatchObject({
        state: 'unknown_revision',
        strategy: 'manual',
        head: INDEXES,
        tracked: { revision: INDEXES },
      })
      expect(diagnosis.problems.find((p) => p.code === 'UNKNOWN_REVISION')).toMatchObject({
        revision: POINTS_LOG,
        message: expect.stringContaining('it is ahead of this code'),
      })
      expect(plan).toMatchObject({
        steps: [],
        blockers: expect.arrayContaining([expect.objectContaining({ revision: POINTS_LOG })]),
      })

      const result = await recover({ url, dir: older, backup: 'off' })
      expect(result).toMatchObject({ ok: false, error: { code: 'STATE_NEEDS_DECISION' } })
      expect(await migrate({ url, dir: older })).toMatchObject({
        ok: false,
        error: { code: 'STATE_NEEDS_DECISION' },
      })
      expect(await snapshot(url, conn)).toEqual(before)
    })

    it('objects no migration created are warnings: the database stays healthy and they stay', async () => {
      await migrate({ url, dir })
      await insertUserData(conn)
      await conn.execute('CREATE INDEX idx_mine_display_name ON users (display_name)')
      await conn.execute(
        'CREATE VIEW user_points AS SELECT user_id, sum(points) AS points FROM daily_stats GROUP BY user_id',
      )
      await conn.execute('CREATE TABLE notes_scratch (id INTEGER PRIMARY KEY, note TEXT)')
      const rows = await userRows(conn)

      const { diagnosis, plan } = await diagnose({ url, dir })
      expect(diagnosis).toMatchObject({
        state: 'healthy',
        strategy: 'no_action',
        inferred: { revision: POINTS_LOG, exact: true },
      })
      expect(diagnosis.problems.every((p) => p.code === 'EXTRA_OBJECT' && p.severity === 'warning')).toBe(
        true,
      )
      const extras = diagnosis.problems.map((p) => [p.object?.kind, p.object?.name])
      expect(extras).toContainEqual(['index', 'idx_mine_display_name'])
      expect(extras).toContainEqual(['view', 'user_points'])
      expect(extras).toContainEqual(['table', 'notes_scratch'])
      expect(plan).toEqual({ steps: [], blockers: [] })

      const result = await recover({ url, dir, backup: 'off' })
      expect(result).toMatchObject({ ok: true, rounds: [], final: { state: 'healthy' } })
      const names = (await inspect({ url })).schema.objects.map((o) => o.name)
      expect(names).toEqual(expect.arrayContaining(['idx_mine_display_name', 'user_points', 'notes_scratch']))
      expect(await userRows(conn)).toEqual(rows)
    })
  })
}
