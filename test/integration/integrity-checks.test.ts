import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseConnectionUrl } from '../../src/config/connection-url.js'
import type { Connection, Dialect } from '../../src/dialects/dialect.js'
import { open } from '../../src/dialects/registry.js'
import type { CheckResult } from '../../src/integrity/check-result.js'
import type { CheckConfig } from '../../src/integrity/check-spec.js'
import { compileReconcile } from '../../src/integrity/compile-reconcile.js'
import { resolveIntegrityConfig } from '../../src/integrity/integrity-config.js'
import { openReadSnapshot } from '../../src/integrity/read-snapshot.js'
import { runChecks } from '../../src/integrity/run-checks.js'
import { createFreshDatabase, dialectTargets, type FreshDatabase } from '../support/database.js'

// items: 3 and 5 point at parents that do not exist, 4 holds NULLs everywhere, sku 'a' is
// shared by 1, 3 and 7 and sku 'c' by 5 and 6, 3 has an unknown status and a negative qty.
const ITEMS: ReadonlyArray<readonly [number, number | null, string | null, string | null, number | null]> = [
  [1, 1, 'a', 'new', 5],
  [2, 2, 'b', 'paid', 0],
  [3, 99, 'a', 'lost', -1],
  [4, null, null, null, null],
  [5, 98, 'c', 'new', 3],
  [6, 1, 'c', 'paid', 2],
  [7, 1, 'a', 'new', 1],
]

// Reconciliation: key 1 matches, 2 differs by 1, 3 has no ledger rows, NULL keys on both sides,
// and key 4 sums to NULL on both sides.
const LEDGER: ReadonlyArray<readonly [number | null, number | null]> = [
  [1, 10],
  [1, 5],
  [2, 7],
  [null, 3],
  [4, null],
]
const TOTALS: ReadonlyArray<readonly [number | null, number | null]> = [
  [1, 15],
  [2, 8],
  [3, 4],
  [null, 3],
  [4, null],
]

for (const target of dialectTargets()) {
  describe(`${target.name}: integrity checks, every kind`, () => {
    let db: FreshDatabase
    let dialect: Dialect
    let conn: Connection
    const text = target.dialect === 'mysql' ? 'VARCHAR(64)' : 'TEXT'

    const run = async (checks: Record<string, CheckConfig>): Promise<CheckResult[]> => {
      const config = resolveIntegrityConfig({ checks })
      return [...(await runChecks(conn, dialect, [...config.checks.values()])).checks]
    }
    const one = async (check: CheckConfig): Promise<CheckResult> => (await run({ it: check }))[0]!
    const insert = async (table: string, rows: ReadonlyArray<ReadonlyArray<unknown>>) => {
      for (const row of rows) {
        const marks = row.map((_, i) => (target.dialect === 'postgres' ? `$${i + 1}` : '?')).join(', ')
        await conn.query(`INSERT INTO ${table} VALUES (${marks})`, row)
      }
    }

    beforeEach(async () => {
      db = await createFreshDatabase(target)
      ;({ dialect, conn } = await open(parseConnectionUrl(db.url), { create: true }))
      await conn.execute(`CREATE TABLE parents (id INTEGER PRIMARY KEY, code ${text} NOT NULL)`)
      await conn.execute(
        `CREATE TABLE items (id INTEGER PRIMARY KEY, parent_id INTEGER, sku ${text}, status ${text}, qty INTEGER)`,
      )
      await conn.execute('CREATE TABLE ledger (k INTEGER, v INTEGER)')
      await conn.execute('CREATE TABLE totals (k INTEGER, v INTEGER)')
      await insert('parents', [
        [1, 'one'],
        [2, 'two'],
      ])
      await insert('items', ITEMS)
      await insert('ledger', LEDGER)
      await insert('totals', TOTALS)
    })
    afterEach(async () => {
      await conn.close()
      await db.drop()
    })

    describe('references', () => {
      const references = {
        from: { table: 'items', columns: ['parent_id'] },
        to: { table: 'parents', columns: ['id'] },
      }

      it('reports orphans with the child key, and passes a NULL reference (it is no orphan)', async () => {
        expect(await one({ references })).toMatchObject({
          status: 'fail',
          violations: 2,
          samples: [
            { id: 3, parent_id: 99 },
            { id: 5, parent_id: 98 },
          ],
        })
      })

      it('checks only the rows its where selects', async () => {
        expect(
          await one({ references: { ...references, from: { ...references.from, where: "status = 'new'" } } }),
        ).toMatchObject({
          violations: 1,
          samples: [{ id: 5, parent_id: 98 }],
        })
      })

      if (target.dialect === 'postgres') {
        it('is proven by a validated foreign key, and not by one added NOT VALID', async () => {
          await conn.execute('DELETE FROM items WHERE id IN (3, 5)')
          await conn.execute(
            'ALTER TABLE items ADD CONSTRAINT items_parent_fk FOREIGN KEY (parent_id) REFERENCES parents (id)',
          )
          expect(await one({ references })).toMatchObject({
            status: 'pass',
            proven: true,
            provenBy: 'foreign key items_parent_fk',
          })
          await conn.execute('ALTER TABLE items DROP CONSTRAINT items_parent_fk')
          await insert('items', [[8, 77, 'z', 'new', 1]])
          await conn.execute(
            'ALTER TABLE items ADD CONSTRAINT items_parent_fk FOREIGN KEY (parent_id) REFERENCES parents (id) NOT VALID',
          )
          const result = await one({ references })
          expect(result).toMatchObject({ status: 'fail', violations: 1, samples: [{ id: 8, parent_id: 77 }] })
          expect(result.proven).toBeUndefined()
        })
      } else {
        it('does not trust a declared foreign key: rows loaded with enforcement off are orphans', async () => {
          await conn.execute(
            'CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER, FOREIGN KEY (parent_id) REFERENCES parents (id))',
          )
          // What an application connection does: SQLite enforces foreign keys only where a
          // connection turned them on, MySQL not while foreign_key_checks is 0 (a bulk load).
          await conn.execute(
            target.dialect === 'mysql' ? 'SET foreign_key_checks = 0' : 'PRAGMA foreign_keys = OFF',
          )
          await insert('child', [
            [1, 1],
            [2, 42],
          ])
          await conn.execute(
            target.dialect === 'mysql' ? 'SET foreign_key_checks = 1' : 'PRAGMA foreign_keys = ON',
          )
          const result = await one({
            references: {
              from: { table: 'child', columns: ['parent_id'] },
              to: { table: 'parents', columns: ['id'] },
            },
          })
          expect(result).toMatchObject({ status: 'fail', violations: 1, samples: [{ id: 2, parent_id: 42 }] })
        })
      }
    })

    describe('unique', () => {
      it('reports duplicated keys with their row counts, most duplicated first, ignoring NULL keys', async () => {
        expect(await one({ unique: { table: 'items', columns: ['sku'] } })).toMatchObject({
          status: 'fail',
          violations: 2,
          samples: [
            { sku: 'a', rows: 3 },
            { sku: 'c', rows: 2 },
          ],
        })
      })

      it('checks only the rows its where selects', async () => {
        expect(
          await one({ unique: { table: 'items', columns: ['sku'], where: "status = 'new'" } }),
        ).toMatchObject({
          violations: 1,
          samples: [{ sku: 'a', rows: 2 }],
        })
      })

      it('is proven by a primary key on a subset of its columns, and by a unique index', async () => {
        expect(await one({ unique: { table: 'items', columns: ['sku', 'id'] } })).toMatchObject({
          status: 'pass',
          proven: true,
          provenBy: expect.stringMatching(/^primary key /),
        })
        await conn.execute('CREATE UNIQUE INDEX parents_code ON parents (code)')
        expect(await one({ unique: { table: 'parents', columns: ['code'] } })).toMatchObject({
          proven: true,
          // MySQL models a unique index as a unique constraint.
          provenBy: expect.stringMatching(/^unique (index|constraint) parents_code$/),
        })
      })
    })

    describe('notNull, acceptedValues and expect', () => {
      it('notNull reports rows with a NULL in any column, key first', async () => {
        expect(await one({ notNull: { table: 'items', columns: ['parent_id', 'sku'] } })).toMatchObject({
          status: 'fail',
          violations: 1,
          samples: [{ id: 4, parent_id: null, sku: null }],
        })
      })

      it('notNull is proven by NOT NULL columns', async () => {
        expect(await one({ notNull: { table: 'parents', columns: ['code'] } })).toMatchObject({
          status: 'pass',
          proven: true,
          provenBy: 'NOT NULL column code',
        })
      })

      it('acceptedValues fails an unknown value and NULL, unless nulls pass', async () => {
        const values = ['new', 'paid']
        expect(await one({ acceptedValues: { table: 'items', column: 'status', values } })).toMatchObject({
          violations: 2,
          samples: [
            { id: 3, status: 'lost' },
            { id: 4, status: null },
          ],
        })
        expect(
          await one({ acceptedValues: { table: 'items', column: 'status', values, nulls: 'pass' } }),
        ).toMatchObject({
          violations: 1,
          samples: [{ id: 3, status: 'lost' }],
        })
      })

      it('acceptedValues compares numbers as numbers', async () => {
        expect(
          await one({
            acceptedValues: { table: 'items', column: 'qty', values: [0, 1, 2, 3, 5], nulls: 'pass' },
          }),
        ).toMatchObject({
          violations: 1,
          samples: [{ id: 3, qty: -1 }],
        })
      })

      it('expect fails a row where the predicate is NULL, unless nulls pass, and shows the columns it reads', async () => {
        expect(await one({ expect: { table: 'items', that: 'qty >= 0' } })).toMatchObject({
          violations: 2,
          samples: [
            { id: 3, qty: -1 },
            { id: 4, qty: null },
          ],
        })
        expect(await one({ expect: { table: 'items', that: 'qty >= 0', nulls: 'pass' } })).toMatchObject({
          violations: 1,
          samples: [{ id: 3, qty: -1 }],
        })
      })

      it('expect checks only the rows its where selects', async () => {
        expect(
          await one({ expect: { table: 'items', that: 'qty > 0', where: "status = 'new'" } }),
        ).toMatchObject({
          status: 'pass',
          violations: 0,
        })
        expect(
          await one({ expect: { table: 'items', that: 'qty > 1', where: "status = 'new'" } }),
        ).toMatchObject({
          violations: 1,
          samples: [{ id: 7, status: 'new', qty: 1 }],
        })
      })

      it('fuses the row checks of one table into one scan', async () => {
        const passing: Record<string, CheckConfig> = {
          a: { expect: { table: 'items', that: 'id > 0' } },
          b: { expect: { table: 'items', that: 'id < 100' } },
          c: {
            acceptedValues: {
              table: 'items',
              column: 'status',
              values: ['new', 'paid', 'lost'],
              nulls: 'pass',
            },
          },
        }
        const trips = async (checks: Record<string, CheckConfig>) => {
          const before = conn.roundTrips
          const results = await run(checks)
          expect(results.every((r) => r.status === 'pass' && r.proven === undefined)).toBe(true)
          return conn.roundTrips - before
        }
        await trips({ a: passing.a! }) // a first catalog read may cost the dialect a one-time query
        expect(await trips(passing)).toBe(await trips({ a: passing.a! }))
      })

      it('reports a check that cannot run as error with the server message, and still runs the others', async () => {
        const results = await run({
          broken: { expect: { table: 'items', that: 'no_such_column > 0' } },
          fine: { acceptedValues: { table: 'items', column: 'status', values: ['new', 'paid'] } },
          missing: { unique: { table: 'no_such_table', columns: ['x'] } },
          after: { sql: 'SELECT id FROM items WHERE qty > 4' },
        })
        expect(results.map((r) => [r.name, r.status, r.violations])).toEqual([
          ['broken', 'error', null],
          ['fine', 'fail', 2],
          ['missing', 'error', null],
          ['after', 'fail', 1],
        ])
        expect(results[0]!.error?.message).toMatch(/no_such_column/)
        expect(results[2]!.error?.message).toMatch(/no_such_table/)
      })
    })

    describe('sql', () => {
      it('counts the rows of the query as violations', async () => {
        expect(await one({ sql: 'SELECT id, qty FROM items WHERE qty < 1 ORDER BY id' })).toMatchObject({
          violations: 2,
          samples: [
            { id: 2, qty: 0 },
            { id: 3, qty: -1 },
          ],
        })
        expect(
          await one({ sql: 'WITH big AS (SELECT id FROM items WHERE qty > 100) SELECT id FROM big' }),
        ).toMatchObject({
          status: 'pass',
          violations: 0,
          samples: [],
        })
      })
    })

    describe('reconcile', () => {
      const left = { table: 'ledger', groupBy: ['k'], value: 'SUM(v)' }
      const right = { table: 'totals', groupBy: ['k'], value: 'SUM(v)' }

      it('reports differing, missing, NULL-keyed and NULL-valued groups; NULL keys first', async () => {
        const result = await one({ reconcile: { left, right }, sample: 10 })
        expect(result).toMatchObject({ status: 'fail', violations: 5 })
        expect(result.samples).toEqual([
          { k: null, left: 0, right: 3 },
          { k: null, left: 3, right: 0 },
          { k: 2, left: 7, right: 8 },
          { k: 3, left: 0, right: 4 },
          { k: 4, left: null, right: null },
        ])
      })

      it("shows an absent group as NULL with missing: 'fail'", async () => {
        const result = await one({ reconcile: { left, right, missing: 'fail' }, sample: 10 })
        expect(result.violations).toBe(5)
        expect(result.samples).toContainEqual({ k: 3, left: null, right: 4 })
      })

      it('accepts differences within the tolerance, and groups by expressions named by keys', async () => {
        const result = await one({
          reconcile: { left, right: { ...right, groupBy: ['k + 0'] }, tolerance: 1, keys: ['key'] },
          sample: 10,
        })
        expect(result.violations).toBe(4)
        expect(result.samples.map((s) => s.key)).toEqual([null, null, 3, 4])
      })

      it('reconciles a value that is not one aggregate call the same way', async () => {
        const composite = await one({
          reconcile: { left: { ...left, value: 'SUM(v) + COUNT(*) - COUNT(*)' }, right },
          sample: 10,
        })
        expect(composite.samples).toEqual((await one({ reconcile: { left, right }, sample: 10 })).samples)
      })

      it('reads an aggregate side with a where and another aggregate', async () => {
        const result = await one({
          reconcile: {
            left: { table: 'ledger', groupBy: ['k'], value: 'COUNT(*)', where: 'k IS NOT NULL' },
            right: { table: 'totals', groupBy: ['k'], value: 'COUNT(*)', where: 'k IN (1, 2)' },
          },
        })
        expect(result.samples).toEqual([
          { k: 1, left: 2, right: 1 },
          { k: 4, left: 1, right: 0 },
        ])
      })

      if (target.dialect === 'postgres') {
        it('is planned as a hash or merge full join of the two aggregates', async () => {
          const compiled = compileReconcile('postgres', { left, right, missing: 'zero' }, 5, new Map())
          const [plan] = await conn.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${compiled.sql}`)
          expect(JSON.stringify(plan)).toMatch(/"Join Type":"Full"/)
        })
      }
      if (target.dialect === 'sqlite') {
        it('is planned as UNION ALL and GROUP BY, never a join of the two sides', async () => {
          const compiled = compileReconcile('sqlite', { left, right, missing: 'zero' }, 5, new Map())
          const plan = (await conn.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${compiled.sql}`)).map(
            (r) => r.detail,
          )
          expect(plan.join('\n')).toMatch(/UNION ALL/)
          expect(plan.filter((d) => /^SCAN (ledger|totals)/.test(d))).toHaveLength(2)
        })
      }
    })

    describe('options', () => {
      it('reports a warn check as warn and does not count it as failed', async () => {
        const config = resolveIntegrityConfig({
          checks: { w: { unique: { table: 'items', columns: ['sku'] }, severity: 'warn' } },
        })
        const report = await runChecks(conn, dialect, [...config.checks.values()])
        expect(report).toMatchObject({ failed: 0, checks: [{ status: 'warn', violations: 2 }] })
      })

      it('limits the samples but never the count', async () => {
        expect(await one({ unique: { table: 'items', columns: ['sku'] }, sample: 1 })).toMatchObject({
          violations: 2,
          samples: [{ sku: 'a' }],
        })
        expect(await one({ unique: { table: 'items', columns: ['sku'] }, sample: 0 })).toMatchObject({
          violations: 2,
          samples: [],
        })
        expect(await one({ expect: { table: 'items', that: 'qty >= 0' }, sample: 0 })).toMatchObject({
          violations: 2,
          samples: [],
        })
      })
    })

    if (target.dialect !== 'sqlite') {
      it('reads every check of a run from one snapshot, whatever commits meanwhile', async () => {
        const other = (await open(parseConnectionUrl(db.url))).conn
        try {
          const snapshot = await openReadSnapshot(conn)
          const count = async () =>
            Number((await conn.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM items'))[0]!.n)
          expect(await count()).toBe(7)
          await other.query(
            `INSERT INTO items VALUES (${target.dialect === 'postgres' ? '$1, $2, $3, $4, $5' : '?, ?, ?, ?, ?'})`,
            [9, 1, 'n', 'new', 1],
          )
          expect(await count()).toBe(7)
          await snapshot.end()
          expect(await count()).toBe(8)
        } finally {
          await other.close()
        }
      })
    }
  })
}
