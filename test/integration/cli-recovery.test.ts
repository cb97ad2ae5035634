import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseConnectionUrl } from '../../src/config/connection-url.js'
import { open } from '../../src/dialects/registry.js'
import { createFreshDatabase, dialectTargets, type FreshDatabase } from '../support/database.js'
import { type CliRun, cli } from '../support/run-cli.js'

const FIXTURES = new URL('../fixtures/cli-habits/', import.meta.url).pathname

/** A parsed `--json` document: the assertions below are what check its shape. */
// biome-ignore lint/suspicious/noExplicitAny: any depth of the document is read by the assertions
type Doc = Record<string, any>

function json(run: CliRun): Doc {
  expect(
    run.stdout.trim().startsWith('{'),
    `stdout is one JSON document:\n${run.stdout}\n${run.stderr}`,
  ).toBe(true)
  return JSON.parse(run.stdout)
}

async function query(url: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const { conn } = await open(parseConnectionUrl(url))
  try {
    return await conn.query(sql)
  } finally {
    await conn.close()
  }
}

/** What a dry run must leave exactly as it was: the tracking rows and, on SQLite, every byte. */
async function snapshot(url: string): Promise<string> {
  const target = parseConnectionUrl(url)
  const rows = await query(
    url,
    'SELECT revision, status, applied_at FROM plumbline_migrations ORDER BY revision',
  )
  const events = await query(url, 'SELECT count(*) AS n FROM plumbline_events')
  const bytes = target.dialect === 'sqlite' ? readFileSync(target.path).toString('base64') : ''
  return JSON.stringify({ rows, events: Number(events[0]!.n), bytes })
}

for (const target of dialectTargets()) {
  describe(`${target.name}: cli diagnose and recover on a partial database`, () => {
    const fixture = join(FIXTURES, target.dialect)
    let db: FreshDatabase
    let work: string
    const run = (...args: string[]) => cli([...args, '--url', db.url, '--dir', fixture], { cwd: work })
    const dropIndex =
      target.dialect === 'mysql' ? 'DROP INDEX idx_goals_user_id ON goals' : 'DROP INDEX idx_goals_user_id'

    /**
     * The silent index migration: every revision is recorded as applied, but one index of
     * 0002_performance_indexes is not in the database.
     */
    beforeEach(async () => {
      db = await createFreshDatabase(target)
      work = mkdtempSync(join(tmpdir(), 'plumbline-cli-recover-'))
      expect((await run('up')).code).toBe(0)
      await query(db.url, dropIndex)
    })
    afterEach(async () => {
      await db.drop()
      rmSync(work, { recursive: true, force: true })
    })

    it('diagnose --json has the shape of contract §5 and exits 1', async () => {
      const result = await run('diagnose', '--json')
      expect(result.code).toBe(1)
      const doc = json(result)
      for (const key of [
        'dialect',
        'state',
        'strategy',
        'head',
        'tracked',
        'inferred',
        'pending',
        'problems',
        'plan',
      ])
        expect(doc, key).toHaveProperty(key)
      expect(doc).toMatchObject({
        dialect: target.dialect,
        state: 'partial',
        strategy: 'complete_partial_migration',
        head: '0003_users_timezone',
        tracked: { revision: '0003_users_timezone' },
        inferred: { revision: '0003_users_timezone', exact: false },
        pending: [],
      })
      const errors = doc.problems.filter((p: { severity: string }) => p.severity === 'error')
      expect(errors).toHaveLength(1)
      expect(errors[0]).toMatchObject({
        code: 'MISSING_OBJECT',
        severity: 'error',
        revision: '0002_performance_indexes',
        object: { kind: 'index', name: 'idx_goals_user_id', table: 'goals' },
        message: expect.stringContaining('idx_goals_user_id'),
      })
      expect(Object.keys(errors[0])).toEqual(
        expect.arrayContaining(['code', 'severity', 'revision', 'object', 'message']),
      )
      expect(doc.plan).toHaveLength(1)
      expect(Object.keys(doc.plan[0])).toEqual(expect.arrayContaining(['action', 'description', 'sql']))
      expect(doc.plan[0].action).toBe('create_missing_objects')
      expect(doc.plan[0].sql).toHaveLength(1)
      expect(doc.plan[0].sql[0]).toMatch(/^CREATE INDEX `?idx_goals_user_id`? ON /)
      expect(result.stderr).toBe('')
    })

    it('diagnose for a reader: state, strategy, the problem and the next command', async () => {
      const summary = await run('diagnose')
      expect(summary.code).toBe(1)
      expect(summary.stdout).toMatch(/^state\s+partial$/m)
      expect(summary.stdout).toMatch(/^strategy\s+complete partial migration$/m)
      expect(summary.stdout).toContain('idx_goals_user_id')
      expect(summary.stdout).toContain('plumbline recover --dry-run')

      const detailed = await run('diagnose', '--detailed')
      expect(detailed.code).toBe(1)
      expect(detailed.stdout).toMatch(/\[!\]\s+0002_performance_indexes\s+partial.*1 of 2 objects missing/)
      expect(detailed.stdout).toMatch(/^missing objects \(1\)$/m)
      expect(detailed.stdout).toMatch(/expected: CREATE INDEX `?idx_goals_user_id`?/)
      expect(detailed.stdout).toMatch(/nearest to 0003_users_timezone, 1 object missing or different/)
      expect(detailed.stdout).toMatch(/^plan \(1 step\)$/m)
    })

    it('recover --dry-run prints the CREATE INDEX and writes nothing at all', async () => {
      const before = await snapshot(db.url)
      const human = await run('recover', '--dry-run')
      expect(human.code).toBe(1)
      expect(human.stdout).toContain('dry run: nothing was written')
      expect(human.stdout).toMatch(/CREATE INDEX `?idx_goals_user_id`? ON .*;/)
      const doc = json(await run('recover', '--dry-run', '--json'))
      expect(doc).toMatchObject({ ok: false, dryRun: true, backup: null, final: { state: 'partial' } })
      expect(doc.rounds[0]).toMatchObject({
        state: 'partial',
        strategy: 'complete_partial_migration',
        steps: [],
      })
      expect(await snapshot(db.url)).toBe(before)
      expect(readdirSync(work)).toEqual([])
      if (target.dialect === 'sqlite') {
        const path = (parseConnectionUrl(db.url) as { path: string }).path
        expect(readdirSync(dirname(path))).toEqual([`${db.name}.db`])
      }
    })

    it('recover without --yes and no terminal refuses: exit 2, nothing changed', async () => {
      const before = await snapshot(db.url)
      const result = await run('recover')
      expect(result.code).toBe(2)
      expect(result.stderr).toMatch(/^error\[CONFIRMATION_REQUIRED\]: recover would run 1 step/m)
      expect(result.stderr).toMatch(/CREATE INDEX `?idx_goals_user_id`?/)
      const asJson = await run('recover', '--json')
      expect(asJson.code).toBe(2)
      expect(json(asJson)).toMatchObject({ ok: false, error: { code: 'CONFIRMATION_REQUIRED' } })
      const inCi = await cli(['recover', '--url', db.url, '--dir', fixture], {
        cwd: work,
        env: { CI: 'true' },
      })
      expect(inCi.code).toBe(2)
      expect(await snapshot(db.url)).toBe(before)
      expect(readdirSync(work)).toEqual([])
    })

    it('recover --yes backs up, completes the migration and ends healthy, exit 0', async () => {
      const result = await run('recover', '--yes', '--json')
      expect(result.code).toBe(0)
      const doc = json(result)
      expect(doc.ok).toBe(true)
      expect(doc.rounds).toHaveLength(1)
      expect(doc.rounds[0]).toMatchObject({
        state: 'partial',
        strategy: 'complete_partial_migration',
        steps: [{ action: 'create_missing_objects', revision: '0002_performance_indexes', status: 'done' }],
      })
      expect(doc.final).toMatchObject({ state: 'healthy', strategy: 'no_action', problems: [], plan: [] })
      if ('path' in doc.backup) expect(existsSync(doc.backup.path)).toBe(true)
      else expect(doc.backup.skipped).toMatch(/not on PATH|older than the server/)
      if (target.dialect === 'sqlite') expect(doc.backup.path).toMatch(/\.plumbline-backup-\d{14}$/)

      const status = await run('status', '--json')
      expect(status.code).toBe(0)
      expect(json(status).state).toBe('healthy')
    })

    it('recover --yes for a reader prints the backup path and the final state', async () => {
      const result = await run('recover', '--yes')
      expect(result.code).toBe(0)
      const backup = /^backup\s+(\S+)$/m.exec(result.stdout)
      if (target.dialect === 'sqlite') {
        expect(backup).not.toBeNull()
        expect(existsSync(backup![1]!)).toBe(true)
      } else if (backup) expect(existsSync(backup[1]!)).toBe(true)
      else
        expect(result.stdout).toMatch(
          /^backup\s+none: \S+ (is not on PATH|on PATH is older than the server .*)$/m,
        )
      expect(result.stdout).toMatch(/create missing objects\s+0002_performance_indexes/)
      expect(result.stdout).toMatch(/^final\s+the database is healthy$/m)
    })

    it('recover on a healthy database has nothing to do, exit 0, with or without --yes', async () => {
      expect((await run('recover', '--yes')).code).toBe(0)
      const again = await run('recover')
      expect(again.code).toBe(0)
      expect(again.stdout).toContain('nothing to do: the database is healthy')
    })
  })

  describe(`${target.name}: cli history`, () => {
    let db: FreshDatabase
    let dir: string
    const run = (...args: string[]) => cli([...args, '--url', db.url, '--dir', dir], { cwd: dirname(dir) })

    beforeEach(async () => {
      db = await createFreshDatabase(target)
      dir = join(mkdtempSync(join(tmpdir(), 'plumbline-cli-history-')), 'migrations')
      cpSync(join(FIXTURES, target.dialect), dir, { recursive: true })
    })
    afterEach(async () => {
      await db.drop()
      rmSync(dirname(dir), { recursive: true, force: true })
    })

    it('writes plumbline.history.json, which --check accepts; editing a migration makes --check fail', async () => {
      const missing = await run('history', '--check', '--json')
      expect(missing.code).toBe(1)
      expect(json(missing).findings).toEqual([expect.objectContaining({ kind: 'missing' })])

      const built = await run('history', '--json')
      expect(built.code).toBe(0)
      const file = join(dir, 'plumbline.history.json')
      expect(json(built)).toEqual({ path: file, dialect: target.dialect, revisions: 3, changed: true })
      expect(existsSync(file)).toBe(true)

      const ok = await run('history', '--check')
      expect(ok.code).toBe(0)
      expect(ok.stdout).toContain('matches the 3 migrations and a fresh replay')
      expect(json(await run('history', '--json')).changed).toBe(false)

      const migration = join(dir, '0002_performance_indexes.sql')
      writeFileSync(
        migration,
        readFileSync(migration, 'utf8').replace(
          'idx_goals_status ON goals (status)',
          'idx_goals_status ON goals (status, id)',
        ),
      )
      const stale = await run('history', '--check')
      expect(stale.code).toBe(1)
      expect(stale.stdout).toContain('0002_performance_indexes was edited')
      expect(stale.stdout).toContain('run `plumbline history`')
    })

    it('--check fails on a file edited by hand', async () => {
      expect((await run('history')).code).toBe(0)
      const file = join(dir, 'plumbline.history.json')
      writeFileSync(file, readFileSync(file, 'utf8').replace('idx_goals_user_id', 'idx_goals_usr_id'))
      const result = await run('history', '--check', '--json')
      expect(result.code).toBe(1)
      expect(json(result).findings).toEqual([expect.objectContaining({ kind: 'invalid' })])
    })

    it('a written history is what up verifies against, with no shadow needed (--history file)', async () => {
      expect((await run('history')).code).toBe(0)
      const result = await run('up', '--history', 'file', '--json')
      expect(result.code).toBe(0)
      expect(json(result).applied).toHaveLength(3)
    })
  })
}
