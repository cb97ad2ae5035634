import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmbeddedPostgres } from '../support/global-setup.js'
import { type CliRun, cli } from '../support/run-cli.js'

const PASSWORD = 'Sup3r-S3cret-pw'

/** Every byte the CLI wrote, for the "password never printed" search. */
function everything(run: CliRun): string {
  return run.stdout + run.stderr
}

function expectCleanError(run: CliRun, code: string): void {
  expect(run.code).toBe(2)
  expect(run.stderr).toMatch(new RegExp(`^error\\[${code}\\]: `, 'm'))
  expect(run.stderr).toMatch(/^hint: /m)
  expect(run.stderr).not.toMatch(/^\s+at /m) // no stack trace without --debug
  expect(everything(run)).not.toContain(PASSWORD)
  expect(everything(run)).not.toContain(encodeURIComponent(PASSWORD))
}

describe('cli: bad input gets a coded error, exit 2, and never the password', () => {
  let server: Awaited<ReturnType<typeof startEmbeddedPostgres>>
  let port: string
  const dir = mkdtempSync(join(tmpdir(), 'plumbline-cli-'))

  beforeAll(async () => {
    // A server that checks passwords: the machine's own may trust every local connection.
    server = await startEmbeddedPostgres()
    port = new URL(server.url).port
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('a malformed URL', async () => {
    expectCleanError(await cli(['inspect', '--url', `postgres://app:${PASSWORD}@/`]), 'URL_INVALID')
    expectCleanError(await cli(['inspect', '--url', `postgres://app:${PASSWORD}@[::1/app`]), 'URL_INVALID')
  })

  it('an unsupported scheme', async () => {
    expectCleanError(
      await cli(['inspect', '--url', `oracle://app:${PASSWORD}@db/app`]),
      'DIALECT_UNSUPPORTED',
    )
  })

  it('no URL at all', async () => {
    expectCleanError(await cli(['inspect'], { cwd: dir }), 'URL_MISSING')
  })

  it('an unreachable server', async () => {
    expectCleanError(
      await cli(['inspect', '--url', `postgres://app:${PASSWORD}@127.0.0.1:1/app`]),
      'CONNECTION_REFUSED',
    )
  })

  it('a host that does not exist', async () => {
    const run = await cli(['inspect', '--url', `postgres://app:${PASSWORD}@no-such-host.invalid:5432/app`])
    expectCleanError(run, run.stderr.includes('CONNECTION_TIMEOUT') ? 'CONNECTION_TIMEOUT' : 'HOST_NOT_FOUND')
  })

  it('a wrong password', async () => {
    const run = await cli([
      'inspect',
      '--url',
      `postgres://postgres:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/postgres`,
    ])
    expectCleanError(run, 'AUTHENTICATION_FAILED')
    expect(run.stderr).toContain('"postgres"')
  })

  it('a wrong password, from DATABASE_URL, with --json', async () => {
    const run = await cli(['inspect', '--json'], {
      cwd: dir,
      env: { DATABASE_URL: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres` },
    })
    expect(run.code).toBe(2)
    expect(JSON.parse(run.stdout)).toMatchObject({
      error: { code: 'AUTHENTICATION_FAILED', hint: expect.any(String) },
    })
    expect(everything(run)).not.toContain(PASSWORD)
  })

  it('a database that does not exist', async () => {
    const run = await cli(['inspect', '--url', `postgres://postgres:postgres@127.0.0.1:${port}/no_such_db`])
    expectCleanError(run, 'DATABASE_NOT_FOUND')
    expect(run.stderr).toContain('no_such_db')
  })

  it('a file that is not a SQLite database', async () => {
    const file = join(dir, 'notes.db')
    writeFileSync(file, 'these are my notes, not a database\n'.repeat(200))
    expectCleanError(await cli(['inspect', '--url', `sqlite:${file}`]), 'NOT_A_DATABASE')
  })

  it('a SQLite file that does not exist, which inspect does not create', async () => {
    const file = join(dir, 'missing.db')
    expectCleanError(await cli(['inspect', '--url', file]), 'FILE_NOT_FOUND')
    expect(existsSync(file)).toBe(false)
  })

  it('a config file that does not parse', async () => {
    const cfg = join(dir, 'broken.json')
    writeFileSync(cfg, '{ "url": ')
    expectCleanError(await cli(['inspect', '--config', cfg]), 'CONFIG_INVALID')
  })

  it('a config file with an unknown key', async () => {
    const cfg = join(dir, 'typo.json')
    writeFileSync(cfg, JSON.stringify({ ulr: 'sqlite:x.db' }))
    const run = await cli(['inspect', '--config', cfg])
    expectCleanError(run, 'CONFIG_INVALID')
    expect(run.stderr).toContain('"ulr"')
  })

  it('an unknown command or option', async () => {
    expectCleanError(await cli(['frobnicate']), 'USAGE')
    expectCleanError(await cli(['inspect', '--frob']), 'USAGE')
  })

  it('shows the stack only with --debug', async () => {
    const run = await cli(['inspect', '--debug', '--url', `postgres://app:${PASSWORD}@127.0.0.1:1/app`])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/^\s+at /m)
    expect(everything(run)).not.toContain(PASSWORD)
  })
})
