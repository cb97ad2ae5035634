import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { inspect } from '../../src/api/inspect.js'
import { diagnose, migrate } from '../../src/api/operations.js'
import { parseConnectionUrl } from '../../src/config/connection-url.js'
import type { Connection } from '../../src/dialects/dialect.js'
import { recover } from '../../src/engine/recover.js'
import { openSession } from '../../src/engine/session.js'
import {
  connect,
  dropIndexes,
  HABIT_INDEXES,
  habitsDir,
  INDEXES,
  insertUserData,
  userRows,
} from '../fixtures/apply-habits/habits.js'
import { createFreshDatabase, dialectTargets, type FreshDatabase } from '../support/database.js'

/**
 * What a database looks like from outside: for SQLite every byte of its file and the files beside
 * it; for a server the number of relations in its catalog and whether any plumbline table exists;
 * for both the fingerprint of the live schema and every user row.
 */
async function footprint(url: string, conn: Connection) {
  const target = parseConnectionUrl(url)
  const common = { fingerprint: (await inspect({ url })).fingerprint, rows: await userRows(conn) }
  if (target.dialect === 'sqlite') {
    return {
      ...common,
      sha256: createHash('sha256').update(readFileSync(target.path)).digest('hex'),
      files: readdirSync(dirname(target.path)).sort(),
    }
  }
  const [relations] = await conn.query<{ n: number | string }>(
    target.dialect === 'postgres'
      ? 'SELECT count(*) AS n FROM pg_class'
      : 'SELECT count(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
  )
  const plumbline = await conn.query(
    target.dialect === 'postgres'
      ? "SELECT relname FROM pg_class WHERE relname LIKE 'plumbline%'"
      : "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'plumbline%'",
  )
  return { ...common, relations: Number(relations?.n), plumbline }
}

for (const target of dialectTargets()) {
  describe(`${target.name}: diagnose and recover --dry-run change nothing`, () => {
    let db: FreshDatabase
    let url: string
    let conn: Connection
    const dir = habitsDir(target.dialect)

    beforeEach(async () => {
      db = await createFreshDatabase(target)
      url = db.url
      conn = (await connect(url)).conn
    })
    afterEach(async () => {
      await conn.close()
      await db.drop()
    })

    it('reads the expected schemas from the committed history file, so production needs no shadow', async () => {
      const session = await openSession({ url, dir, history: 'file' })
      try {
        const project = await session.project()
        expect(project.historyFrom).toBe('file')
        expect(project.fileFreshness?.fresh).toBe(true)
        expect(project.history.revisions.map((r) => r.id)).toEqual(session.migrations.map((m) => m.id))
      } finally {
        await session.close()
      }
    })

    it('a schema without tracking, the incident’s indexes missing: not a byte, not a catalog row, not a table changes', async () => {
      await migrate({ url, dir, to: INDEXES })
      await insertUserData(conn)
      await dropIndexes(conn, HABIT_INDEXES.slice(0, 4))
      await conn.execute('DROP TABLE plumbline_migrations')
      await conn.execute('DROP TABLE plumbline_events')
      const before = await footprint(url, conn)
      if ('plumbline' in before) expect(before.plumbline).toEqual([])

      // The committed history file: no shadow database is made anywhere. (Without it PostgreSQL
      // and MySQL would replay the migrations on a temporary database of the same server; the
      // target database would still be left as it is, which is what this test measures.)
      const { diagnosis, plan } = await diagnose({ url, dir, history: 'file' })
      expect(diagnosis).toMatchObject({
        state: 'untracked_schema',
        strategy: 'initialize_tracking',
        inferred: { revision: INDEXES, exact: false, distance: 4 },
      })
      expect(plan.steps.map((s) => s.action)).toEqual(['create_tracking_tables', 'record_applied'])
      expect(await footprint(url, conn)).toEqual(before)

      const session = await openSession({ url, dir, history: 'file' })
      try {
        const dryRun = await recover(session, { dryRun: true })
        expect(dryRun).toMatchObject({ ok: false, backup: null, final: { state: 'untracked_schema' } })
        expect(dryRun.rounds).toHaveLength(1)
        expect(dryRun.rounds[0]?.plan).toEqual(plan)
        expect(dryRun.rounds[0]?.outcome).toBeUndefined()
      } finally {
        await session.close()
      }
      expect(await footprint(url, conn)).toEqual(before)
    })

    it('a tracked database with a failed attempt: diagnose and the dry run leave its tracking rows as they are', async () => {
      await migrate({ url, dir, to: INDEXES })
      await insertUserData(conn)
      await conn.query(
        "UPDATE plumbline_migrations SET status = 'failed', error = 'MIGRATION_FAILED: no such table' WHERE revision = '0002_performance_indexes'",
      )
      await dropIndexes(conn, HABIT_INDEXES)
      const rowsOf = () => conn.query('SELECT * FROM plumbline_migrations ORDER BY revision')
      const events = () => conn.query('SELECT * FROM plumbline_events ORDER BY id')
      const before = { ...(await footprint(url, conn)), tracking: await rowsOf(), events: await events() }

      const { diagnosis } = await diagnose({ url, dir, history: 'file' })
      expect(diagnosis).toMatchObject({ state: 'failed', strategy: 'resume_failed' })
      const session = await openSession({ url, dir, history: 'file' })
      try {
        const dryRun = await recover(session, { dryRun: true })
        expect(dryRun.rounds[0]?.plan.steps.map((s) => s.action)).toEqual([
          'clear_failed_attempt',
          'apply_migration',
          'apply_migration',
        ])
      } finally {
        await session.close()
      }
      expect({ ...(await footprint(url, conn)), tracking: await rowsOf(), events: await events() }).toEqual(
        before,
      )
    })
  })
}
