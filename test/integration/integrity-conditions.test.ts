import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseConnectionUrl } from '../../src/config/connection-url.js'
import type { Connection, Dialect } from '../../src/dialects/dialect.js'
import { open } from '../../src/dialects/registry.js'
import { isPlumblineError } from '../../src/errors/plumbline-error.js'
import { type IntegrityConfig, resolveIntegrityConfig } from '../../src/integrity/integrity-config.js'
import { conditionError, runChecksFor } from '../../src/integrity/migration-conditions.js'
import { createLedger, LEDGER_CHECKS } from '../fixtures/integrity-ledger/ledger.js'
import { createFreshDatabase, dialectTargets, type FreshDatabase } from '../support/database.js'

const count = async (conn: Connection, table: string) =>
  Number((await conn.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table}`))[0]!.n)

for (const target of dialectTargets()) {
  describe(`${target.name}: integrity — checks as migration conditions`, () => {
    let db: FreshDatabase
    let dialect: Dialect
    let conn: Connection
    let config: IntegrityConfig

    beforeEach(async () => {
      db = await createFreshDatabase(target)
      ;({ dialect, conn } = await open(parseConnectionUrl(db.url), { create: true }))
      await createLedger(conn)
      config = resolveIntegrityConfig({
        checks: {
          ...LEDGER_CHECKS,
          'no-orphan-points': {
            references: {
              from: { table: 'points_log', columns: ['user_id'] },
              to: { table: 'users', columns: ['id'] },
            },
          },
          'points-positive': { expect: { table: 'points_log', that: 'points > 0' }, severity: 'warn' },
          broken: { expect: { table: 'points_log', that: 'no_such_column = 1' } },
        },
      })
    })
    afterEach(async () => {
      await conn.close()
      await db.drop()
    })

    it('says stop when a check required before the migration fails', async () => {
      const outcome = await runChecksFor(
        conn,
        dialect,
        config,
        ['points-log-matches-daily-stats'],
        'before',
        {
          inTransaction: false,
        },
      )
      expect(outcome).toMatchObject({
        phase: 'before',
        action: 'stop',
        failing: ['points-log-matches-daily-stats'],
      })
      const error = conditionError('0004_points_rollup', outcome)
      expect(error.code).toBe('CHECK_FAILED')
      expect(error.message).toBe(
        'migration 0004_points_rollup was not started: a check it requires before it failed: ' +
          'points-log-matches-daily-stats found 6 violations',
      )
    })

    it('says continue when the checks pass or only warn', async () => {
      await conn.execute('UPDATE points_log SET points = 0 WHERE id = 1')
      const outcome = await runChecksFor(
        conn,
        dialect,
        config,
        ['emails-unique', 'points-positive'],
        'before',
        {
          inTransaction: false,
        },
      )
      expect(outcome.action).toBe('continue')
      expect(outcome.report.checks.map((c) => c.status)).toEqual(['pass', 'warn'])
    })

    it("reads the migration's uncommitted changes after it, and its failure rolls the migration back", async () => {
      const usersBefore = await count(conn, 'users')
      let outcome: Awaited<ReturnType<typeof runChecksFor>> | undefined
      let thrown: unknown
      try {
        await conn.transaction(async () => {
          if (target.dialect === 'sqlite') await conn.execute('PRAGMA defer_foreign_keys = ON')
          if (target.dialect === 'mysql') await conn.execute('SET foreign_key_checks = 0')
          // A migration that drops a user but leaves that user's points behind.
          if (target.dialect === 'postgres')
            await conn.query('ALTER TABLE points_log DROP CONSTRAINT points_log_user_id_fkey')
          await conn.query('DELETE FROM diary_entry WHERE user_id = 2')
          await conn.query('DELETE FROM daily_stats WHERE user_id = 2')
          await conn.query('DELETE FROM goals WHERE user_id = 2')
          await conn.query('DELETE FROM users WHERE id = 2')
          outcome = await runChecksFor(conn, dialect, config, ['no-orphan-points'], 'after')
          if (outcome.action !== 'continue') throw conditionError('0005_drop_user', outcome)
        })
      } catch (error) {
        thrown = error
      } finally {
        if (target.dialect === 'mysql') await conn.execute('SET foreign_key_checks = 1')
      }
      expect(outcome).toMatchObject({ action: 'rollback', failing: ['no-orphan-points'] })
      expect(outcome?.report.checks[0]).toMatchObject({ status: 'fail', violations: expect.any(Number) })
      expect(isPlumblineError(thrown) && thrown.code).toBe('CHECK_FAILED')
      expect(isPlumblineError(thrown) && thrown.message).toMatch(/^migration 0005_drop_user was rolled back/)
      expect(await count(conn, 'users')).toBe(usersBefore)
    })

    it("leaves the caller's transaction usable when a check cannot run", async () => {
      await conn.transaction(async () => {
        await conn.query(
          "INSERT INTO goals (user_id, title, status, week_start, week_end) VALUES (1, 'extra', 'active', '2025-07-07', '2025-07-13')",
        )
        const outcome = await runChecksFor(conn, dialect, config, ['broken', 'goal-status-known'], 'after')
        expect(outcome).toMatchObject({ action: 'rollback', failing: ['broken'] })
        expect(outcome.report.checks.map((c) => c.status)).toEqual(['error', 'pass'])
        // PostgreSQL aborts a transaction on any error; the check ran under a savepoint.
        expect(await count(conn, 'goals')).toBe(25)
      })
      expect(await count(conn, 'goals')).toBe(25)
    })

    it('refuses a name the config does not define', async () => {
      let code: string | undefined
      try {
        await runChecksFor(conn, dialect, config, ['no-such-check'], 'before')
      } catch (error) {
        code = isPlumblineError(error) ? error.code : undefined
      }
      expect(code).toBe('CHECK_UNKNOWN')
    })
  })
}
