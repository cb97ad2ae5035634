import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { migrate, status } from '../../src/api/operations.js'
import { parseConnectionUrl } from '../../src/config/connection-url.js'
import type { Connection } from '../../src/dialects/dialect.js'
import { open } from '../../src/dialects/registry.js'
import type { ChecksConfig } from '../../src/integrity/check-spec.js'
import { createFreshDatabase, dialectTargets, type FreshDatabase } from '../support/database.js'

const CHECKS: ChecksConfig = { 'emails-unique': { unique: { table: 'users', columns: ['email'] } } }

for (const target of dialectTargets()) {
  describe(`${target.name}: checks as migration conditions`, () => {
    let db: FreshDatabase
    let conn: Connection
    let dir: string

    beforeEach(async () => {
      db = await createFreshDatabase(target)
      conn = (await open(parseConnectionUrl(db.url), { create: true })).conn
      dir = mkdtempSync(join(tmpdir(), 'plumbline-conditions-'))
      cpSync(
        fileURLToPath(new URL(`../fixtures/apply-conditions/${target.dialect}/`, import.meta.url)),
        dir,
        {
          recursive: true,
        },
      )
    })
    afterEach(async () => {
      await conn.close()
      await db.drop()
      rmSync(dir, { recursive: true, force: true })
    })

    const users = async () => (await conn.query<{ n: number }>('SELECT count(*) AS n FROM users'))[0]?.n

    it('stops a migration whose check-after fails, naming the check', async () => {
      expect((await migrate({ url: db.url, dir, checks: CHECKS, to: '0001_users' })).ok).toBe(true)
      const result = await migrate({ url: db.url, dir, checks: CHECKS })
      expect(result.ok).toBe(false)
      expect(result.error?.code).toBe('CHECK_FAILED')
      expect(result.error?.message).toContain('emails-unique found 1 violations')
      const line = (await status({ url: db.url, dir, checks: CHECKS })).migrations.find(
        (m) => m.id === '0002_import_users',
      )
      if (target.dialect === 'mysql') {
        // The insert committed with its journal entry; the migration is recorded partial, not applied.
        expect(result.error?.message).toContain('its statements stay')
        expect(line?.status).not.toBe('applied')
      } else {
        // Rolled back with the migration: simply pending again, not a row changed.
        expect(result.error?.message).toContain('was rolled back')
        expect(Number(await users())).toBe(0)
        expect(line?.status).toBe('pending')
      }
    })

    it('refuses to start a migration whose check-before fails, and runs nothing', async () => {
      expect((await migrate({ url: db.url, dir, checks: CHECKS, to: '0001_users' })).ok).toBe(true)
      await conn.execute("INSERT INTO users (id, email) VALUES (1, 'x@example.com'), (2, 'x@example.com')")
      const copy = mkdtempSync(join(tmpdir(), 'plumbline-conditions-before-'))
      cpSync(dir, copy, { recursive: true, filter: (p) => !p.includes('0002_') })
      const refused = await migrate({ url: db.url, dir: copy, checks: CHECKS })
      expect(refused.error?.code).toBe('CHECK_FAILED')
      expect(refused.error?.message).toContain('was not started')
      expect(Number(await users())).toBe(2)
    })

    it('applies a migration whose conditions hold', async () => {
      const copy = mkdtempSync(join(tmpdir(), 'plumbline-conditions-ok-'))
      cpSync(dir, copy, { recursive: true, filter: (p) => !p.includes('0002_') })
      const result = await migrate({ url: db.url, dir: copy, checks: CHECKS })
      expect(result.error).toBeUndefined()
      expect(result.applied.map((a) => a.revision)).toEqual(['0001_users', '0003_more'])
      expect(Number(await users())).toBe(1)
      rmSync(copy, { recursive: true, force: true })
    })

    it('refuses a migration naming a check the config does not define, before connecting', async () => {
      const result = await migrate({ url: db.url, dir, checks: {} }).catch((e: unknown) => e)
      expect((result as { code?: string }).code).toBe('CHECK_UNKNOWN')
    })
  })
}
