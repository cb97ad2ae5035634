import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { migrate } from '../../src/api/operations.js'
import { parseConnectionUrl } from '../../src/config/connection-url.js'
import type { Connection, Dialect } from '../../src/dialects/dialect.js'
import { open } from '../../src/dialects/registry.js'
import { isPlumblineError } from '../../src/errors/plumbline-error.js'
import type { LockRequest } from '../../src/lock/migration-lock.js'
import { createFreshDatabase, dialectTargets, type FreshDatabase } from '../support/database.js'

const holdLock = fileURLToPath(new URL('../fixtures/processes/hold-lock.mjs', import.meta.url))

function request(timeoutMs: number, signal?: AbortSignal): LockRequest {
  return {
    timeoutMs,
    owner: { host: 'web-1', pid: 4242, since: '2025-07-11T10:00:00.000Z' },
    ...(signal ? { signal } : {}),
  }
}

async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise
  } catch (e) {
    if (isPlumblineError(e)) return { code: e.code, message: e.message }
    throw e
  }
  throw new Error('expected the lock to be refused')
}

/** Starts a process that takes the lock, resolved once it holds it. */
function startHolder(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [holdLock, url], { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve(child))
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}`)))
  })
}

for (const target of dialectTargets()) {
  describe(`${target.name}: migration lock`, () => {
    let db: FreshDatabase
    let url: string
    let a: { dialect: Dialect; conn: Connection }
    let b: { dialect: Dialect; conn: Connection }

    beforeEach(async () => {
      db = await createFreshDatabase(target)
      url = target.dialect === 'sqlite' ? parseConnectionUrl(db.url).redacted.replace(/^sqlite:/, '') : db.url
      a = await open(parseConnectionUrl(db.url), { create: true })
      b = await open(parseConnectionUrl(db.url))
    })
    afterEach(async () => {
      await a.conn.close()
      await b.conn.close()
      await db.drop()
    })

    it('is free on a database nobody migrates', async () => {
      expect(await a.dialect.lock(a.conn).holder()).toBeNull()
    })

    // SQLite: see the test of its write lock below.
    if (target.dialect !== 'sqlite')
      it('a wait with a signal ends once it is aborted (INTERRUPTED, nothing taken), and still takes a lock freed meanwhile or times out', async () => {
        const lockA = a.dialect.lock(a.conn)
        const lockB = b.dialect.lock(b.conn)
        await lockA.acquire(request(0))

        // Aborted after a few slices of the wait: INTERRUPTED long before the 20 s timeout.
        const controller = new AbortController()
        const waiting = errorOf(lockB.acquire(request(20_000, controller.signal)))
        await new Promise((r) => setTimeout(r, 1200))
        controller.abort()
        const stopped = await waiting
        expect(stopped.code).toBe('INTERRUPTED')
        expect(stopped.message).toMatch(
          /^stopped on request after waiting \d+ ms for the migration lock, before the migration lock was taken: nothing was run$/,
        )
        await lockA.release()
        expect(await lockA.holder()).toBeNull()
        expect(await lockB.holder()).toBeNull()

        // Not aborted: freed in the middle of the wait, it is taken.
        await lockA.acquire(request(0))
        const taking = lockB.acquire(request(10_000, new AbortController().signal))
        await new Promise((r) => setTimeout(r, 1200))
        await lockA.release()
        await taking
        expect(await lockA.holder()).toMatchObject({ session: expect.any(Number) })
        await lockB.release()

        // Never freed: LOCK_TIMEOUT once the whole timeout has passed.
        await lockA.acquire(request(0))
        const started = Date.now()
        const timedOut = await errorOf(lockB.acquire(request(1500, new AbortController().signal)))
        expect(timedOut.code).toBe('LOCK_TIMEOUT')
        expect(timedOut.message).toMatch(/^waited 1500 ms for the migration lock, held by /)
        expect(Date.now() - started).toBeGreaterThanOrEqual(1400)
        await lockA.release()
      })

    if (target.dialect !== 'sqlite')
      it('tryAcquire takes a free lock without waiting, and answers false for a held one in one round trip, asking nothing about its holder', async () => {
        const lockA = a.dialect.lock(a.conn)
        const lockB = b.dialect.lock(b.conn)
        expect(await lockA.tryAcquire(request(0))).toBe(true)
        expect(await lockB.holder()).toMatchObject({ session: expect.any(Number) })
        // Whatever timeout the request carries: no wait. (On MySQL the connection's first lock
        // call also asks the server's flavor, once.)
        expect(await lockB.tryAcquire(request(600_000))).toBe(false)
        const before = b.conn.roundTrips
        expect(await lockB.tryAcquire(request(600_000))).toBe(false)
        expect(b.conn.roundTrips - before).toBe(1)
        expect(await lockA.holder()).toBeNull()
        await lockA.release()
        expect(await lockB.tryAcquire(request(0))).toBe(true)
        expect(await lockA.holder()).toMatchObject({ session: expect.any(Number) })
        await lockB.release()
      })

    if (target.dialect === 'postgres') {
      it('refuses a second holder at once with --lock-timeout 0, naming the first', async () => {
        await a.dialect.lock(a.conn).acquire(request(0))
        const refused = await errorOf(b.dialect.lock(b.conn).acquire(request(0)))
        expect(refused.code).toBe('LOCKED')
        expect(refused.message).toContain('plumbline on web-1 (pid 4242) since 2025-07-11T10:00:00Z')
        const holder = await b.dialect.lock(b.conn).holder()
        expect(holder).toMatchObject({ host: 'web-1', pid: 4242, since: '2025-07-11T10:00:00Z' })
        expect(holder?.session).toEqual(expect.any(Number))
      })

      it('waits up to the timeout, then fails with LOCK_TIMEOUT', async () => {
        await a.dialect.lock(a.conn).acquire(request(0))
        const started = Date.now()
        const refused = await errorOf(b.dialect.lock(b.conn).acquire(request(300)))
        expect(refused.code).toBe('LOCK_TIMEOUT')
        expect(Date.now() - started).toBeGreaterThanOrEqual(250)
      })

      it('is taken by the waiter once the holder releases it', async () => {
        const lockA = a.dialect.lock(a.conn)
        await lockA.acquire(request(0))
        const waiting = b.dialect.lock(b.conn).acquire(request(10_000))
        await new Promise((r) => setTimeout(r, 100))
        await lockA.release()
        await waiting
        expect(await a.dialect.lock(a.conn).holder()).toMatchObject({ host: 'web-1' })
      })
    } else if (target.dialect === 'mysql') {
      it('refuses a second holder at once with --lock-timeout 0, naming its connection', async () => {
        await a.dialect.lock(a.conn).acquire(request(0))
        const refused = await errorOf(b.dialect.lock(b.conn).acquire(request(0)))
        expect(refused.code).toBe('LOCKED')
        expect(refused.message).toMatch(/held by MySQL connection \d+ of \S+ from \S+, idle for \d+ s/)
        expect(await b.dialect.lock(b.conn).holder()).toMatchObject({
          host: null,
          session: expect.any(Number),
        })
      })

      it('names the holder by host, pid and time while it runs a statement', async () => {
        await a.dialect.lock(a.conn).acquire(request(0))
        const running = a.conn.query('SELECT SLEEP(1)')
        await new Promise((r) => setTimeout(r, 200))
        const refused = await errorOf(b.dialect.lock(b.conn).acquire(request(0)))
        expect(refused.message).toContain('plumbline on web-1 (pid 4242) since 2025-07-11T10:00:00Z')
        expect(await b.dialect.lock(b.conn).holder()).toMatchObject({
          host: 'web-1',
          pid: 4242,
          since: '2025-07-11T10:00:00Z',
          description: expect.stringContaining('running SELECT SLEEP(1)'),
        })
        await running
      })

      it('waits up to the timeout, then fails with LOCK_TIMEOUT', async () => {
        await a.dialect.lock(a.conn).acquire(request(0))
        const started = Date.now()
        const refused = await errorOf(b.dialect.lock(b.conn).acquire(request(300)))
        expect(refused.code).toBe('LOCK_TIMEOUT')
        expect(Date.now() - started).toBeGreaterThanOrEqual(250)
      })

      it('is taken by the waiter once the holder releases it, and no longer announced by the holder', async () => {
        const lockA = a.dialect.lock(a.conn)
        await lockA.acquire(request(0))
        const waiting = b.dialect.lock(b.conn).acquire(request(10_000))
        await new Promise((r) => setTimeout(r, 100))
        await lockA.release()
        await waiting
        expect(await a.dialect.lock(a.conn).holder()).toMatchObject({ session: expect.any(Number) })
        expect(await b.dialect.lock(b.conn).holder()).toBeNull()
        const [statement] = await b.conn.query<{ info: string }>(
          'SELECT INFO AS info FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()',
        )
        expect(statement?.info).toMatch(
          /^\/\* plumbline host=web-1 pid=4242 since=2025-07-11T10:00:00Z \*\/ SELECT INFO/,
        )
        await b.dialect.lock(b.conn).release()
        const [after] = await b.conn.query<{ info: string }>(
          'SELECT INFO AS info FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()',
        )
        expect(after?.info).toMatch(/^SELECT INFO/)
      })
    } else {
      it('reports a writer holding the database, and nothing once it is done', async () => {
        await a.conn.execute('BEGIN IMMEDIATE')
        expect(await b.dialect.lock(b.conn).holder()).toMatchObject({
          description: expect.stringContaining('write lock'),
        })
        await a.conn.execute('ROLLBACK')
        expect(await b.dialect.lock(b.conn).holder()).toBeNull()
      })

      it('tryAcquire is true while another writer holds the database, and sets how long transactions wait, as acquire does', async () => {
        await a.conn.execute('BEGIN IMMEDIATE')
        expect(await b.dialect.lock(b.conn).tryAcquire(request(300))).toBe(true)
        const started = Date.now()
        const refused = await errorOf(b.conn.transaction(async () => {}))
        expect(refused.code).toBe('LOCK_TIMEOUT')
        expect(Date.now() - started).toBeGreaterThanOrEqual(250)
        await a.conn.execute('ROLLBACK')
        await b.dialect.lock(b.conn).release()
      })

      it('fails fast with a zero timeout while another writer holds the database', async () => {
        await a.conn.execute('BEGIN IMMEDIATE')
        await b.dialect.lock(b.conn).acquire(request(0))
        const refused = await errorOf(b.conn.transaction(async () => {}))
        expect(refused.message).toMatch(/locked|busy/i)
        await a.conn.execute('ROLLBACK')
      })

      // better-sqlite3 waits inside the call, where no signal handler (Ctrl-C) runs.
      it('a wait for the write lock with a signal ends once it is aborted (INTERRUPTED, nothing begun), and still takes a lock freed meanwhile or times out', async () => {
        const lockB = b.dialect.lock(b.conn)
        await a.conn.execute('BEGIN IMMEDIATE')
        const controller = new AbortController()
        await lockB.acquire(request(20_000, controller.signal))
        let started = Date.now()
        const waiting = errorOf(b.conn.transaction(() => b.conn.execute('CREATE TABLE never (id int)')))
        setTimeout(() => controller.abort(), 700)
        const stopped = await waiting
        expect(stopped.code).toBe('INTERRUPTED')
        expect(stopped.message).toMatch(/^stopped on request after waiting \d+ ms for the write lock of /)
        expect(Date.now() - started).toBeLessThan(5000)
        await lockB.release()

        // Not aborted: freed in the middle of the wait, it is taken.
        await lockB.acquire(request(20_000, new AbortController().signal))
        setTimeout(() => void a.conn.execute('ROLLBACK'), 700)
        await b.conn.transaction(() => b.conn.execute('CREATE TABLE taken (id int)'))
        expect(await b.conn.query("SELECT name FROM sqlite_schema WHERE name IN ('never', 'taken')")).toEqual(
          [{ name: 'taken' }],
        )
        await lockB.release()

        // Never freed: LOCK_TIMEOUT once the whole timeout has passed.
        await a.conn.execute('BEGIN IMMEDIATE')
        await lockB.acquire(request(1500, new AbortController().signal))
        started = Date.now()
        const timedOut = await errorOf(b.conn.transaction(async () => {}))
        expect(timedOut.code).toBe('LOCK_TIMEOUT')
        expect(timedOut.message).toMatch(
          /^waited \d+ ms for the write lock of .+, held by another connection$/,
        )
        expect(Date.now() - started).toBeGreaterThanOrEqual(1400)
        await lockB.release()
        await a.conn.execute('ROLLBACK')
      })

      // A migration without a transaction: each statement takes the write lock on its own.
      it('a statement outside a transaction waits for the write lock with the event loop turning, and is not ended by the first Ctrl-C', async () => {
        const lockB = b.dialect.lock(b.conn)
        const controller = new AbortController()
        await lockB.acquire(request(20_000, controller.signal))
        await a.conn.execute('BEGIN IMMEDIATE')
        // Both timers run only if the wait lets the event loop turn: the holder's ROLLBACK is
        // one of them, so a wait inside the driver would last the whole 20 s and fail.
        const turns: string[] = []
        setTimeout(() => {
          turns.push('abort')
          controller.abort()
        }, 300)
        setTimeout(() => {
          turns.push('rollback')
          void a.conn.execute('ROLLBACK')
        }, 700)
        const started = Date.now()
        await b.conn.execute('CREATE TABLE after_wait (id int)')
        await b.conn.query('INSERT INTO after_wait VALUES (?)', [1])
        expect(turns).toEqual(['abort', 'rollback'])
        expect(Date.now() - started).toBeLessThan(5000)
        expect(await b.conn.query('SELECT id FROM after_wait')).toEqual([{ id: 1 }])
        // Several statements in one text run as one call, as without a signal; so does one with
        // a parameter nobody binds (NULL).
        await b.conn.execute('CREATE TABLE several_1 (id int); CREATE TABLE several_2 (id int)')
        expect(
          await b.conn.query("SELECT count(*) AS n FROM sqlite_schema WHERE name LIKE 'several%'"),
        ).toEqual([{ n: 2 }])
        await b.conn.execute('INSERT INTO several_1 VALUES (?)')
        expect(await b.conn.query('SELECT id FROM several_1')).toEqual([{ id: null }])
        await lockB.release()

        // Never freed: LOCK_TIMEOUT once the whole timeout has passed, and nothing written.
        await lockB.acquire(request(800, new AbortController().signal))
        await a.conn.execute('BEGIN IMMEDIATE')
        const timedOut = await errorOf(b.conn.query('INSERT INTO after_wait VALUES (?)', [2]))
        expect(timedOut.code).toBe('LOCK_TIMEOUT')
        expect(timedOut.message).toMatch(
          /^waited \d+ ms for the write lock of .+, held by another connection$/,
        )
        await a.conn.execute('ROLLBACK')
        await lockB.release()
        expect(await b.conn.query('SELECT id FROM after_wait')).toEqual([{ id: 1 }])
      })

      it('migrate with a signal, queued behind another writer, stops once it is aborted: nothing begun, nothing written', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'plumbline-lock-'))
        try {
          writeFileSync(join(dir, '0001_t.sql'), 'CREATE TABLE t (id int PRIMARY KEY);\n')
          await a.conn.execute('BEGIN IMMEDIATE')
          const controller = new AbortController()
          const started = Date.now()
          setTimeout(() => controller.abort(), 700)
          const result = await migrate({ url: db.url, dir, signal: controller.signal, lockTimeoutMs: 20_000 })
          expect(Date.now() - started).toBeLessThan(5000)
          expect(result).toMatchObject({ ok: false, applied: [], error: { code: 'INTERRUPTED' } })
          expect(result.error?.message).toMatch(/^stopped on request before step 1 of \d+$/)
          await a.conn.execute('ROLLBACK')
          expect(await a.conn.query('SELECT name FROM sqlite_schema')).toEqual([])

          // Once the writer is gone, the same call applies it.
          const applied = await migrate({ url: db.url, dir, signal: new AbortController().signal })
          expect(applied).toMatchObject({ ok: true, applied: [{ revision: '0001_t', status: 'applied' }] })
        } finally {
          rmSync(dir, { recursive: true, force: true })
        }
      })
    }

    it('is never left behind by a holder killed with SIGKILL', async () => {
      const child = await startHolder(url)
      expect(await b.dialect.lock(b.conn).holder()).not.toBeNull()
      child.kill('SIGKILL')
      await new Promise((r) => child.once('exit', r))
      // PostgreSQL: the server ended the dead session and its lock; a leftover lock would time out here.
      await b.dialect.lock(b.conn).acquire(request(5000))
      if (target.dialect === 'postgres') {
        expect(await a.dialect.lock(a.conn).holder()).toMatchObject({ host: 'web-1', pid: 4242 })
      } else if (target.dialect === 'mysql') {
        // MySQL: the server ended the dead session and released its GET_LOCK; b holds it now.
        expect(await a.dialect.lock(a.conn).holder()).toMatchObject({ session: expect.any(Number) })
      } else {
        // SQLite: the OS dropped the file lock and the half-done write was rolled back.
        expect(await b.dialect.lock(b.conn).holder()).toBeNull()
        await b.conn.transaction(async () => {})
        expect(await b.conn.query("SELECT name FROM sqlite_schema WHERE name = 'half_done'")).toEqual([])
      }
    })
  })
}
