import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseConnectionUrl } from '../../src/config/connection-url.js'
import { open } from '../../src/dialects/registry.js'
import { createFreshDatabase, dialectTargets, type FreshDatabase } from '../support/database.js'
import { type CliRun, cli } from '../support/run-cli.js'

const FIXTURES = new URL('../fixtures/cli-habits/', import.meta.url).pathname
const REVISIONS = ['0001_init', '0002_performance_indexes', '0003_users_timezone']
const HOLD_LOCK = fileURLToPath(new URL('../fixtures/processes/hold-lock.mjs', import.meta.url))
const REPO = fileURLToPath(new URL('../../', import.meta.url))

/**
 * SQLite's migration lock is the file's write lock: a process in an open write transaction.
 * The handle stays referenced, so garbage collection never closes it and releases the lock.
 */
const HOLD_SQLITE_LOCK = `
const Database = require('better-sqlite3')
globalThis.held = new Database(process.argv[1])
globalThis.held.exec('BEGIN IMMEDIATE')
globalThis.held.exec('CREATE TABLE half_done (id INTEGER)')
process.stdout.write('locked\\n')
setInterval(() => {}, 1000)
`

/** Another process holding the migration lock, as a running `up` would; resolves once it holds it. */
async function holdLock(url: string): Promise<ChildProcess> {
  const target = parseConnectionUrl(url)
  const args = target.dialect === 'sqlite' ? ['-e', HOLD_SQLITE_LOCK, target.path] : [HOLD_LOCK, url]
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] })
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer]
  expect(chunk.toString()).toBe('locked\n')
  return child
}

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

/** The tables of the database, plumbline's own included; `null` when a SQLite file does not exist. */
async function tableNames(url: string): Promise<string[] | null> {
  const target = parseConnectionUrl(url)
  if (target.dialect === 'sqlite' && !existsSync(target.path)) return null
  const { conn } = await open(target)
  try {
    const sql =
      target.dialect === 'sqlite'
        ? "SELECT name FROM sqlite_schema WHERE type = 'table'"
        : target.dialect === 'postgres'
          ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'"
          : 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()'
    return (await conn.query<{ name: string }>(sql)).map((r) => r.name).sort()
  } finally {
    await conn.close()
  }
}

async function execute(url: string, sql: string): Promise<void> {
  const { conn } = await open(parseConnectionUrl(url))
  try {
    await conn.execute(sql)
  } finally {
    await conn.close()
  }
}

for (const target of dialectTargets()) {
  describe(`${target.name}: cli status, up, down, baseline`, () => {
    const fixture = join(FIXTURES, target.dialect)
    let db: FreshDatabase
    let work: string
    const run = (...args: string[]) => cli([...args, '--url', db.url, '--dir', fixture], { cwd: work })
    /** An empty SQLite file is an empty database; servers' fresh databases exist already. */
    const materialize = () => {
      const t = parseConnectionUrl(db.url)
      if (t.dialect === 'sqlite') writeFileSync(t.path, '')
    }

    beforeEach(async () => {
      db = await createFreshDatabase(target)
      work = mkdtempSync(join(tmpdir(), 'plumbline-cli-work-'))
    })
    afterEach(async () => {
      await db.drop()
      rmSync(work, { recursive: true, force: true })
    })

    it('status on a fresh database: every migration pending, state fresh, exit 1', async () => {
      materialize()
      const result = await run('status', '--json')
      expect(result.code).toBe(1)
      const doc = json(result)
      expect(doc).toMatchObject({ state: 'fresh', strategy: 'normal_migration', tracked: null, lock: null })
      expect(doc.migrations.map((m: { revision: string }) => m.revision)).toEqual(REVISIONS)
      expect(doc.migrations.every((m: { status: string }) => m.status === 'pending')).toBe(true)
      const human = await run('status')
      expect(human.code).toBe(1)
      expect(human.stdout).toMatch(/\[ \]\s+0001_init\s+pending/)
      expect(human.stdout).toContain('plumbline up')
      expect(human.stderr).toBe('')
    })

    it('up --dry-run prints the plan with its SQL and writes nothing at all', async () => {
      const before = await tableNames(db.url)
      const result = await run('up', '--dry-run', '--json')
      expect(result.code).toBe(0)
      const doc = json(result)
      expect(doc).toMatchObject({ ok: true, state: 'fresh', applied: [], dryRun: true })
      const applies = doc.plan.filter((s: { action: string }) => s.action === 'apply_migration')
      expect(applies.map((s: { revision: string }) => s.revision)).toEqual(REVISIONS)
      expect(applies[1].sql.join('\n')).toMatch(/CREATE INDEX idx_goals_user_id ON goals/)
      expect(await tableNames(db.url)).toEqual(before)
      if (target.dialect === 'sqlite') expect(before).toBeNull()
      else expect(before).toEqual([])

      const human = await run('up', '--dry-run')
      expect(human.code).toBe(0)
      expect(human.stdout).toContain('dry run: nothing was written')
      expect(human.stdout).toMatch(/CREATE INDEX idx_goals_status ON goals \(status\);/)
      expect(await tableNames(db.url)).toEqual(before)
    })

    it('up applies every migration verified; status is then healthy, exit 0; a second up does nothing', async () => {
      const result = await run('up', '--json')
      expect(result.code).toBe(0)
      const doc = json(result)
      expect(doc.ok).toBe(true)
      expect(doc.state).toBe('fresh')
      expect(doc.applied.map((a: { revision: string }) => a.revision)).toEqual(REVISIONS)
      expect(doc.applied[0]).toEqual({
        revision: '0001_init',
        status: 'applied',
        ms: expect.any(Number),
        statements: 2,
      })
      expect(doc).not.toHaveProperty('plan')

      const status = await run('status', '--json')
      expect(status.code).toBe(0)
      const s = json(status)
      expect(s).toMatchObject({
        state: 'healthy',
        tracked: '0003_users_timezone',
        head: '0003_users_timezone',
      })
      expect(s.migrations.map((m: { status: string }) => m.status)).toEqual(['applied', 'applied', 'applied'])
      expect(s.migrations[0]).toMatchObject({ appliedAt: expect.any(String), appliedBy: expect.any(String) })

      const again = await run('up')
      expect(again.code).toBe(0)
      expect(again.stdout).toContain('nothing to apply')
    })

    it('up --to stops at that migration; status shows the rest pending, exit 1', async () => {
      const result = await run('up', '--to', '0001_init')
      expect(result.code).toBe(0)
      expect(result.stdout).toMatch(/✓\s+0001_init/)
      expect(result.stdout).not.toContain('nothing to apply')
      expect(result.stdout).not.toContain('0002_performance_indexes')
      expect(result.stdout).toContain('applied 1 migration in')

      const status = await run('status', '--json')
      expect(status.code).toBe(1)
      const s = json(status)
      expect(s.state).toBe('pending')
      expect(s.migrations.map((m: { status: string }) => m.status)).toEqual(['applied', 'pending', 'pending'])
    })

    it('up --to an unknown revision is a usage error, exit 2, and creates nothing', async () => {
      materialize()
      const result = await run('up', '--to', '0009_nope')
      expect(result.code).toBe(2)
      expect(result.stderr).toMatch(/^error\[UNKNOWN_TARGET_REVISION\]: --to 0009_nope/m)
      expect(await tableNames(db.url)).toEqual([])
    })

    it('down needs --yes without a terminal: exit 2, nothing reverted', async () => {
      await run('up')
      const refused = await run('down')
      expect(refused.code).toBe(2)
      expect(refused.stderr).toMatch(
        /^error\[CONFIRMATION_REQUIRED\]: down would revert 0003_users_timezone/m,
      )
      expect(refused.stderr).toContain('ALTER TABLE users DROP COLUMN timezone')
      expect(json(await run('status', '--json')).state).toBe('healthy')

      const asJson = await run('down', '--json')
      expect(asJson.code).toBe(2)
      expect(json(asJson).error.code).toBe('CONFIRMATION_REQUIRED')
    })

    it('down --dry-run --steps 2 shows both down sections and writes nothing', async () => {
      await run('up')
      const result = await run('down', '--dry-run', '--steps', '2', '--json')
      expect(result.code).toBe(0)
      const doc = json(result)
      expect(doc.plan.map((s: { revision: string }) => s.revision)).toEqual([
        '0003_users_timezone',
        '0002_performance_indexes',
      ])
      expect(doc.plan[1].sql.join('\n')).toMatch(/DROP INDEX idx_goals_user_id/)
      expect(json(await run('status', '--json')).state).toBe('healthy')
    })

    it('down --yes reverts the last migration, verified; --to reverts back to a revision', async () => {
      await run('up')
      const one = await run('down', '--yes', '--json')
      expect(one.code).toBe(0)
      expect(json(one).reverted.map((r: { revision: string }) => r.revision)).toEqual(['0003_users_timezone'])
      let s = json(await run('status', '--json'))
      expect(s.state).toBe('pending')
      expect(s.migrations[2]).toMatchObject({
        status: 'pending',
        appliedAt: null,
        revertedAt: expect.any(String),
      })

      const back = await run('down', '--to', '0001_init', '--yes')
      expect(back.code).toBe(0)
      expect(back.stdout).toContain('reverted 1 migration')
      s = json(await run('status', '--json'))
      expect(s.tracked).toBe('0001_init')
      expect(s.migrations.map((m: { status: string }) => m.status)).toEqual(['applied', 'pending', 'pending'])
    })

    it('down --to and --steps together is a usage error', async () => {
      const result = await run('down', '--to', '0001_init', '--steps', '1', '--yes')
      expect(result.code).toBe(2)
      expect(result.stderr).toMatch(/^error\[USAGE\]/m)
    })

    describe('baseline on a schema built without plumbline', () => {
      /** The schema of 0001_init, with no tracking table: what a hand-built database looks like. */
      beforeEach(async () => {
        await run('up', '--to', '0001_init')
        await execute(db.url, 'DROP TABLE plumbline_migrations')
        await execute(db.url, 'DROP TABLE plumbline_events')
        expect(json(await run('diagnose', '--json')).state).toBe('untracked_schema')
      })

      it('refuses the head revision, naming each difference, exit 3, and records nothing', async () => {
        const result = await run('baseline')
        expect(result.code).toBe(3)
        expect(result.stderr).toMatch(/^error\[BASELINE_REFUSED\]: baseline refused/m)
        expect(result.stderr).toMatch(/index idx_goals_user_id on goals is missing/)
        expect(result.stderr).toMatch(/hint: the schema matches 0001_init exactly/)
        expect(await tableNames(db.url)).not.toContain('plumbline_migrations')
      })

      it('records the revision the schema matches; the rest is pending', async () => {
        const dry = await run('baseline', '--revision', '0001_init', '--dry-run', '--json')
        expect(dry.code).toBe(0)
        expect(json(dry)).toMatchObject({ ok: true, dryRun: true, recorded: ['0001_init'] })
        expect(await tableNames(db.url)).not.toContain('plumbline_migrations')

        const result = await run('baseline', '--revision', '0001_init')
        expect(result.code).toBe(0)
        expect(result.stdout).toContain('recorded 0001_init as applied')
        const s = json(await run('status', '--json'))
        expect(s.state).toBe('pending')
        expect(s.migrations.map((m: { status: string }) => m.status)).toEqual([
          'applied',
          'pending',
          'pending',
        ])
      })

      it('--force asks first (exit 2 without --yes); with --yes it records over the differences', async () => {
        const refused = await run('baseline', '--force')
        expect(refused.code).toBe(2)
        expect(refused.stderr).toMatch(/^error\[CONFIRMATION_REQUIRED\]/m)
        expect(refused.stderr).toContain('column timezone on users is missing')
        expect(await tableNames(db.url)).not.toContain('plumbline_migrations')

        const forced = await run('baseline', '--force', '--yes', '--json')
        expect(forced.code).toBe(0)
        expect(json(forced).recorded).toEqual(REVISIONS)
        const s = json(await run('status', '--json'))
        expect(s.state).toBe('partial')
        expect(s.migrations.map((m: { status: string }) => m.status)).toEqual([
          'applied',
          'partial',
          'partial',
        ])
        expect(s.migrations[1].missingObjects).toBe(2)
      })
    })

    it('status names the holder of the migration lock, exit 3; up --lock-timeout 0 does not wait', async () => {
      expect((await run('up', '--to', '0001_init')).code).toBe(0)
      const holder = await holdLock(db.url)
      try {
        const status = await run('status', '--json')
        expect(status.code).toBe(3)
        const doc = json(status)
        expect(doc.state).toBe('locked')
        expect(doc.lock.description).toEqual(expect.any(String))
        // PostgreSQL names an idle holder too (its application_name); the others only while it runs.
        if (target.dialect === 'postgres') expect(doc.lock).toMatchObject({ host: 'child', pid: holder.pid })
        const human = await run('status')
        expect(human.code).toBe(3)
        expect(human.stdout).toMatch(/^lock\s+held by /m)
        if (target.dialect === 'postgres')
          expect(human.stdout).toContain(`plumbline on child (pid ${holder.pid})`)

        const started = performance.now()
        const up = await run('up', '--lock-timeout', '0')
        expect(up.code).not.toBe(0)
        expect(performance.now() - started).toBeLessThan(20_000)
        expect(json(await run('status', '--json')).migrations[1].status).toBe('pending')
      } finally {
        holder.kill()
        await once(holder, 'exit')
      }
    })

    it('status exits 3 when an applied migration was edited (a human decides)', async () => {
      const dir = join(work, 'migrations')
      cpSync(fixture, dir, { recursive: true })
      const local = (...args: string[]) => cli([...args, '--url', db.url, '--dir', dir], { cwd: work })
      expect((await local('up')).code).toBe(0)
      const file = join(dir, '0003_users_timezone.sql')
      writeFileSync(file, readFileSync(file, 'utf8').replace("'UTC'", "'Europe/Paris'"))
      const status = await local('status', '--json')
      expect(status.code).toBe(3)
      expect(json(status).strategy).toBe('manual')
      const human = await local('status')
      expect(human.code).toBe(3)
      expect(human.stdout).toContain('plumbline diagnose --detailed')
    })

    it('up refuses a migration merged with an older version (exit 3, the hint names --out-of-order); up --out-of-order applies it', async () => {
      const dir = join(work, 'migrations')
      cpSync(fixture, dir, { recursive: true })
      const local = (...args: string[]) => cli([...args, '--url', db.url, '--dir', dir], { cwd: work })
      expect((await local('up')).code).toBe(0)
      // Version 0000 sorts before every migration already applied.
      writeFileSync(join(dir, '0000_tags.sql'), 'CREATE TABLE tags (id int PRIMARY KEY, name varchar(40));\n')
      const refused = await local('up')
      expect(refused.code).toBe(3)
      expect(refused.stderr).toContain(
        'hint: apply 0000_tags where it stands with `plumbline up --out-of-order`',
      )
      const next =
        /next\s+`plumbline up --out-of-order --dry-run` to read the SQL, then `plumbline up --out-of-order` \(0000_tags merged late\)/
      expect((await local('diagnose')).stdout).toMatch(next)
      const status = await local('status')
      expect(status.code).toBe(3)
      expect(status.stdout).toMatch(next)
      expect(json(await local('status', '--json'))).toMatchObject({ mergedLate: ['0000_tags'] })
      const applied = await local('up', '--out-of-order', '--json')
      expect(applied.code).toBe(0)
      expect(json(applied)).toMatchObject({
        ok: true,
        outOfOrder: ['0000_tags'],
        applied: [{ revision: '0000_tags', status: 'applied' }],
      })
      expect(json(await local('status', '--json'))).toMatchObject({ state: 'healthy', mergedLate: [] })
    })

    it('status points to up for an applied file edited in whitespace or comments only, and up then records it', async () => {
      const dir = join(work, 'migrations')
      cpSync(fixture, dir, { recursive: true })
      const local = (...args: string[]) => cli([...args, '--url', db.url, '--dir', dir], { cwd: work })
      expect((await local('up')).code).toBe(0)
      const file = join(dir, '0003_users_timezone.sql')
      writeFileSync(file, `-- reviewed\n${readFileSync(file, 'utf8').replaceAll('\n', '\r\n')}`)
      const human = await local('status')
      expect(human.code).toBe(1)
      expect(human.stdout).toMatch(/next\s+`plumbline up` records the new checksum/)
      const up = await local('up')
      expect(up.code).toBe(0)
      expect(json(await local('status', '--json'))).toMatchObject({ state: 'healthy' })
    })
  })
}

describe('sqlite: cli up --dry-run on an existing file', () => {
  const target = dialectTargets().find((t) => t.dialect === 'sqlite')!
  let db: FreshDatabase
  beforeEach(async () => {
    db = await createFreshDatabase(target)
  })
  afterEach(() => db.drop())

  it('leaves the file byte-identical, and puts nothing beside it', async () => {
    const fixture = join(FIXTURES, 'sqlite')
    const run = (...args: string[]) => cli([...args, '--url', db.url, '--dir', fixture])
    expect((await run('up', '--to', '0001_init')).code).toBe(0)
    const path = (parseConnectionUrl(db.url) as { path: string }).path
    const bytes = readFileSync(path)
    const result = await run('up', '--dry-run')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('apply 0002_performance_indexes')
    expect(readFileSync(path).equals(bytes)).toBe(true)
    expect(readdirSync(join(path, '..'))).toEqual([`${db.name}.db`])
  })
})

describe('cli new', () => {
  let work: string
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'plumbline-cli-new-'))
  })
  afterEach(() => rmSync(work, { recursive: true, force: true }))

  it('creates the next migration file after the folder latest, needing no database', async () => {
    const dir = join(work, 'migrations')
    cpSync(join(FIXTURES, 'sqlite'), dir, { recursive: true })
    const result = await cli(['new', 'Add users locale', '--dir', dir], { cwd: work })
    expect(result.code).toBe(0)
    expect(result.stdout.trim()).toBe(join('migrations', '0004_add_users_locale.sql'))
    const text = readFileSync(join(dir, '0004_add_users_locale.sql'), 'utf8')
    expect(text).toContain('-- plumbline:up')
    expect(text).toContain('-- plumbline:down')
    expect(result.stderr).toContain('write its up section')
    const ts = await cli(['new', 'backfill_points', '--ts', '--dir', dir], { cwd: work })
    expect(ts.stderr).toContain('write its up function')
  })

  it('creates the folder when missing, and a TypeScript migration with --ts', async () => {
    const dir = join(work, 'db', 'migrations')
    const result = await cli(['new', 'backfill_points', '--ts', '--dir', dir, '--json'], { cwd: work })
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({
      path: join(dir, '0001_backfill_points.ts'),
      id: '0001_backfill_points',
      version: '0001',
    })
    expect(readFileSync(join(dir, '0001_backfill_points.ts'), 'utf8')).toMatch(
      /export async function up\(ctx/,
    )
  })

  it('refuses a name with nothing to name a file with', async () => {
    const result = await cli(['new', '!!!', '--dir', join(work, 'm')], { cwd: work })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^error\[MIGRATION_NAME_INVALID\]/m)
    expect(existsSync(join(work, 'm'))).toBe(false)
  })
})

describe('cli help', () => {
  it('every command has an Examples block in its --help', async () => {
    const top = await cli(['--help'])
    expect(top.code).toBe(0)
    const section = top.stdout.slice(top.stdout.indexOf('Commands:'))
    const commands = [...section.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]!).filter((c) => c !== 'help')
    expect(commands).toEqual(expect.arrayContaining(['status', 'up', 'down', 'new', 'baseline', 'history']))
    expect(commands).toEqual(expect.arrayContaining(['diagnose', 'recover', 'inspect']))
    for (const command of commands) {
      const help = await cli([command, '--help'])
      expect(help.code, command).toBe(0)
      expect(help.stdout, command).toMatch(new RegExp(`\\nExamples:\\n {2}\\$ plumbline ${command}\\b`))
    }
  })

  it('--lock-timeout takes milliseconds or seconds, and refuses anything else', async () => {
    const bad = await cli(['status', '--lock-timeout', 'soon'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^error\[USAGE\]: option '--lock-timeout <ms\|s>' argument 'soon' is invalid/m)
  })
})
