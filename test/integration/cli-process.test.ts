import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { connect, writeMigrations } from '../fixtures/apply-habits/habits.js'
import { createFreshDatabase, dialectTargets } from '../support/database.js'
import { cli } from '../support/run-cli.js'

// The CLI as a process, as a shell runs it: what pipes and signals do to it.

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))
const JITI = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('jiti/package.json')), 'lib/jiti-register.mjs'),
).href
const HABITS = fileURLToPath(new URL('../fixtures/cli-habits/sqlite/', import.meta.url))

function plumbline(argv: ReadonlyArray<string>) {
  return spawn(process.execPath, ['--import', JITI, MAIN, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] })
}

function sqliteUrl(): string {
  return `sqlite:${join(mkdtempSync(join(tmpdir(), 'plumbline-process-')), 'app.db')}`
}

/** `plumbline <argv>` whose reader has gone before it writes (`plumbline … | head -0`). */
async function withReaderGone(argv: ReadonlyArray<string>): Promise<{ code: number | null; stderr: string }> {
  const child = plumbline(argv)
  child.stdout.destroy()
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const [code] = (await once(child, 'exit')) as [number | null]
  return { code, stderr }
}

describe('cli process: a reader that goes away ends the output, not the command', () => {
  it('up applies every migration and records them, status and --help answer, each exits 0', async () => {
    const url = sqliteUrl()
    const up = await withReaderGone(['up', '--url', url, '--dir', HABITS])
    expect(up.code).toBe(0)
    expect(up.stderr).not.toMatch(/EPIPE|^\s+at /m)
    const status = await cli(['status', '--url', url, '--dir', HABITS, '--json'])
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'healthy', tracked: '0003_users_timezone' })

    expect(await withReaderGone(['status', '--url', url, '--dir', HABITS, '--json'])).toEqual({
      code: 0,
      stderr: '',
    })
    expect(await withReaderGone(['--help'])).toEqual({ code: 0, stderr: '' })
  })
})

describe('cli process: Ctrl-C, or SIGTERM from a service manager', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s: up stops after the migration under way, which is recorded; exit 1, and the next up goes on',
    async (signal) => {
      const dir = writeMigrations({
        '0001_users.sql': 'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n',
        // Slow enough for the signal to arrive while it runs.
        '0002_slow.ts': `export async function up(ctx) {
  await new Promise((resolve) => setTimeout(resolve, 1500))
  await ctx.execute('CREATE INDEX idx_users_email ON users (email)')
}
`,
        '0003_teams.sql': 'CREATE TABLE teams (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n',
      })
      const url = sqliteUrl()
      const child = plumbline(['up', '--url', url, '--dir', dir])
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString()
      })
      child.stderr.on('data', (chunk: Buffer) => {
        const first = !stderr.includes('apply migration 0002_slow')
        stderr += chunk.toString()
        if (first && stderr.includes('apply migration 0002_slow')) child.kill(signal)
      })
      const [code] = (await once(child, 'exit')) as [number | null]
      expect([code, stderr]).toEqual([1, expect.stringContaining('stopping after the migration under way')])
      expect(stderr).toContain('error[INTERRUPTED]: stopped on request after 3 of 4 steps')
      expect(stderr).toContain('not run: 0003_teams')
      expect(stdout).toMatch(/0002_slow/)

      const status = JSON.parse((await cli(['status', '--url', url, '--dir', dir, '--json'])).stdout)
      expect(
        status.migrations.map((m: { revision: string; status: string }) => [m.revision, m.status]),
      ).toEqual([
        ['0001_users', 'applied'],
        ['0002_slow', 'applied'],
        ['0003_teams', 'pending'],
      ])
      const rest = await cli(['up', '--url', url, '--dir', dir])
      expect(rest.code).toBe(0)
      expect(rest.stdout).toContain('0003_teams')
    },
  )

  it('a migration without a transaction, waiting for another writer’s lock, still hears Ctrl-C: the second ends it at once', async () => {
    const dir = writeMigrations({
      '0001_users.sql': 'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n',
      '0002_slow.ts': `// plumbline:no-transaction
export async function up(ctx) {
  await ctx.execute('CREATE INDEX idx_users_email ON users (email)')
  await new Promise((resolve) => setTimeout(resolve, 1000))
  await ctx.execute('CREATE TABLE teams (id INTEGER PRIMARY KEY)')
}
`,
    })
    const url = sqliteUrl()
    const child = plumbline(['up', '--url', url, '--dir', dir])
    const exited = once(child, 'exit') as Promise<[number | null]>
    let stderr = ''
    let holder: Database.Database | undefined
    let signals = 0
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      if (holder === undefined && stderr.includes('apply migration 0002_slow')) {
        // Another writer takes the database: the migration's next write waits for it. The first
        // signal comes while it waits (the lock timeout is a minute).
        holder = new Database(url.slice('sqlite:'.length))
        holder.exec('BEGIN IMMEDIATE')
        setTimeout(() => {
          signals++
          child.kill('SIGINT')
        }, 1500)
      }
      if (signals === 1 && stderr.includes('again to stop at once')) {
        signals++
        child.kill('SIGINT')
      }
    })
    const [code] = await exited
    holder?.exec('ROLLBACK')
    holder?.close()
    expect([code, signals]).toEqual([130, 2])
    expect(stderr).toContain('stopping after the migration under way')
    const status = JSON.parse((await cli(['status', '--url', url, '--dir', dir, '--json'])).stdout)
    expect(status.migrations.find((m: { revision: string }) => m.revision === '0002_slow').status).not.toBe(
      'applied',
    )
  }, 20_000)

  it('a signal while nothing is under way (the history replayed on a shadow) ends up at once, nothing written', async () => {
    const mark = join(mkdtempSync(join(tmpdir(), 'plumbline-mark-')), 'replaying')
    const dir = writeMigrations({
      '0001_users.sql': 'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n',
      // Runs first on the shadow database: the mark says the replay has begun.
      '0002_slow.ts': `import { writeFileSync } from 'node:fs'
export async function up(ctx) {
  writeFileSync(process.env.PLUMBLINE_TEST_MARK, 'x')
  await new Promise((resolve) => setTimeout(resolve, 3000))
  await ctx.execute('CREATE INDEX idx_users_email ON users (email)')
}
`,
    })
    const url = sqliteUrl()
    const child = spawn(process.execPath, ['--import', JITI, MAIN, 'up', '--url', url, '--dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PLUMBLINE_TEST_MARK: mark },
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
    while (!existsSync(mark)) await new Promise((resolve) => setTimeout(resolve, 20))
    child.kill('SIGINT')
    const [code] = await exited
    expect([code, stderr]).toEqual([130, ''])
    // Nothing was written: no table at all, if the file is there.
    const file = url.slice('sqlite:'.length)
    if (existsSync(file)) {
      const db = new Database(file, { readonly: true })
      try {
        expect(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all()).toEqual([])
      } finally {
        db.close()
      }
    }
  })
})

/**
 * A stand-in for `pg_dump` / `mysqldump` on PATH: writes part of a dump to the file it is given,
 * leaves a mark, then fails (`PLUMBLINE_TEST_DUMP=fail`) or takes its time.
 */
function fakeDumpTools(): string {
  const bin = mkdtempSync(join(tmpdir(), 'plumbline-fake-dump-'))
  const script = `#!/bin/sh
for arg in "$@"; do
  case "$arg" in --file=*|--result-file=*) out="\${arg#*=}" ;; esac
done
printf 'the first part of a dump' > "$out"
touch "$PLUMBLINE_TEST_MARK"
if [ "$PLUMBLINE_TEST_DUMP" = fail ]; then echo 'dump: could not write: No space left on device' >&2; exit 1; fi
exec sleep 30
`
  for (const tool of ['pg_dump', 'mysqldump']) {
    writeFileSync(join(bin, tool), script)
    chmodSync(join(bin, tool), 0o755)
  }
  return bin
}

for (const target of dialectTargets().filter((t) => t.dialect !== 'sqlite')) {
  describe(`${target.name}: cli process, a backup cut short`, () => {
    it('a dump that fails, or that Ctrl-C stops, leaves nothing that passes for a backup, and recover writes nothing', async () => {
      const db = await createFreshDatabase(target)
      const app = mkdtempSync(join(tmpdir(), 'plumbline-app-'))
      const bin = fakeDumpTools()
      const mark = join(app, 'dumping')
      try {
        const dir = writeMigrations({ '0001_users.sql': 'CREATE TABLE users (id int PRIMARY KEY);\n' })
        // The schema without its tracking table: recover initializes it, backing up first.
        const { conn } = await connect(db.url)
        try {
          await conn.execute('CREATE TABLE users (id int PRIMARY KEY)')
        } finally {
          await conn.close()
        }
        const run = (dump: string) =>
          spawn(
            process.execPath,
            ['--import', JITI, MAIN, 'recover', '--yes', '--url', db.url, '--dir', dir],
            {
              cwd: app,
              stdio: ['ignore', 'pipe', 'pipe'],
              env: {
                ...process.env,
                PATH: `${bin}:${process.env.PATH}`,
                PLUMBLINE_TEST_MARK: mark,
                PLUMBLINE_TEST_DUMP: dump,
              },
            },
          )
        const untouched = async () => {
          const status = await cli(['status', '--url', db.url, '--dir', dir, '--json'])
          expect(JSON.parse(status.stdout)).toMatchObject({ state: 'untracked_schema' })
          const backups = join(app, 'plumbline-backups')
          expect(existsSync(backups) ? readdirSync(backups) : []).toEqual([])
        }

        const failed = run('fail')
        let stderr = ''
        failed.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString()
        })
        const [code] = (await once(failed, 'exit')) as [number | null]
        expect(code).toBe(2)
        expect(stderr).toMatch(
          /error\[BACKUP_FAILED\]: \S+ failed \(exit 1\) backing up .*No space left on device/,
        )
        expect(existsSync(mark)).toBe(true)
        await untouched()

        rmSync(mark)
        const stopped = run('slow')
        const exited = once(stopped, 'exit') as Promise<[number | null]>
        while (!existsSync(mark)) await new Promise((resolve) => setTimeout(resolve, 20))
        stopped.kill('SIGINT')
        expect((await exited)[0]).toBe(130)
        await untouched()
      } finally {
        rmSync(app, { recursive: true, force: true })
        rmSync(bin, { recursive: true, force: true })
        await db.drop()
      }
    })
  })
}
