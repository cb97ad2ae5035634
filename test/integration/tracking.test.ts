import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseConnectionUrl } from '../../src/config/connection-url.js'
import type { Connection } from '../../src/dialects/dialect.js'
import { postgresRevisionPrologue } from '../../src/dialects/postgres/revision-prologue.js'
import { open } from '../../src/dialects/registry.js'
import { readTracking } from '../../src/tracking/read-tracking.js'
import type { TrackingRow } from '../../src/tracking/tracking-model.js'
import {
  appendEvent,
  ensureTrackingTables,
  insertTrackingRowWithEvent,
  placeholders,
  timeParam,
  writeTrackingRow,
} from '../../src/tracking/write-tracking.js'
import { createFreshDatabase, dialectTargets, type FreshDatabase } from '../support/database.js'

const SUM_A = 'a'.repeat(64)
const SUM_B = 'b'.repeat(64)

function row(revision: string, overrides: Partial<TrackingRow> = {}): TrackingRow {
  return {
    revision,
    checksum: SUM_A,
    normalizedChecksum: SUM_B,
    status: 'applied',
    appliedAt: '2025-07-11T10:00:00.000Z',
    startedAt: '2025-07-11T09:59:59.500Z',
    appliedBy: 'deploy@web-1',
    host: 'web-1',
    pid: 4242,
    durationMs: 500,
    statementsTotal: 11,
    statementsDone: 11,
    error: null,
    errorStatement: null,
    schemaFingerprint: 'f'.repeat(64),
    catalogFingerprint: 'c'.repeat(64),
    plumblineVersion: '0.1.0',
    ...overrides,
  }
}

for (const target of dialectTargets()) {
  describe(`${target.name}: tracking tables`, () => {
    let db: FreshDatabase
    let conn: Connection

    beforeEach(async () => {
      db = await createFreshDatabase(target)
      conn = (await open(parseConnectionUrl(db.url), { create: true })).conn
    })
    afterEach(async () => {
      await conn.close()
      await db.drop()
    })

    it('reports a database without a tracking table as such', async () => {
      const observed = await readTracking(conn)
      expect(observed).toMatchObject({ exists: false, rows: [], defects: [] })
    })

    it('reads back what it wrote, ordered by time, and a retry replaces the row', async () => {
      await ensureTrackingTables(conn)
      await ensureTrackingTables(conn) // idempotent
      await writeTrackingRow(conn, row('0002_performance_indexes', { appliedAt: '2025-07-11T10:05:00.000Z' }))
      await writeTrackingRow(conn, row('0001_init'))
      await writeTrackingRow(
        conn,
        row('0003_points_log', {
          status: 'failed',
          error: 'no such index',
          appliedAt: '2025-07-11T10:06:00.000Z',
        }),
      )
      await writeTrackingRow(
        conn,
        row('0003_points_log', { status: 'applied', appliedAt: '2025-07-11T10:07:00.000Z' }),
      )
      const observed = await readTracking(conn)
      expect(observed.defects).toEqual([])
      expect(observed.rows.map((r) => [r.revision, r.status])).toEqual([
        ['0001_init', 'applied'],
        ['0002_performance_indexes', 'applied'],
        ['0003_points_log', 'applied'],
      ])
      expect(observed.rows[0]).toEqual(row('0001_init'))
    })

    it('writes audit events with JSON details', async () => {
      await ensureTrackingTables(conn)
      await appendEvent(conn, {
        at: '2025-07-11T10:00:00.000Z',
        event: 'baseline',
        revision: '0001_init',
        actor: 'ops@laptop',
        host: 'laptop',
        pid: 1,
        details: { reason: 'schema matched 0001_init exactly' },
      })
      const events = await conn.query<{ event: string; details: string }>(
        'SELECT event, details FROM plumbline_events',
      )
      expect(events).toHaveLength(1)
      expect(JSON.parse(events[0]!.details)).toEqual({ reason: 'schema matched 0001_init exactly' })
    })

    // The literal form is PostgreSQL's alone (its simple-protocol batch).
    if (target.dialect === 'postgres')
      it('closes a revision with the same row and event as bind parameters write, prepared once and executed by name after', async () => {
        await ensureTrackingTables(conn)
        const awkward = `it's a \\ backslash, "quotes", $1, $$dollars$$, E'x', a newline\nand ünïcödé ✓`
        const tricky = (revision: string) =>
          row(revision, { appliedBy: awkward, host: awkward, error: awkward, errorStatement: awkward })
        const event = (revision: string) => ({
          at: '2025-07-11T10:00:00.000Z',
          event: 'apply',
          revision,
          actor: awkward,
          host: 'web-1',
          pid: 4242,
          details: { statements: 3, note: awkward, nested: { quote: "'", backslash: '\\' } },
        })
        await insertTrackingRowWithEvent(conn, tricky('0001_by_parameters'), event('0001_by_parameters'))
        const closed = ['0002_by_literals', '0003_by_name']
        for (const revision of closed) {
          await conn.execute('BEGIN')
          const before = conn.roundTrips
          const closing = postgresRevisionPrologue(conn, revision, { durable: true }).closing(
            tricky(revision),
            event(revision),
          )
          await conn.executeBatch!(closing.statements)
          closing.settle(true)
          expect(conn.roundTrips - before).toBe(1)
        }
        const statements = await conn.query<{ name: string }>(
          `SELECT name FROM pg_prepared_statements WHERE name LIKE 'plumbline\\_track\\_%'`,
        )
        expect(statements).toHaveLength(1)
        const observed = await readTracking(conn)
        expect(observed.defects).toEqual([])
        expect(observed.rows).toEqual([tricky('0001_by_parameters'), ...closed.map(tricky)])
        const events = await conn.query<Record<string, unknown>>(
          'SELECT at, event, revision, actor, host, pid, details FROM plumbline_events ORDER BY id',
        )
        expect(events).toHaveLength(3)
        for (const [i, revision] of closed.entries()) {
          expect({ ...events[i + 1], revision: '0001_by_parameters' }).toEqual(events[0])
          expect(JSON.parse(String(events[i + 1]!.details))).toEqual(event(revision).details)
        }
      })

    it('reports garbage rows with evidence instead of crashing', async () => {
      await ensureTrackingTables(conn)
      await writeTrackingRow(conn, row('0001_init'))
      const d = conn.dialect
      const insert = `INSERT INTO plumbline_migrations (revision, checksum, status, applied_at) VALUES (${placeholders(d, 4)})`
      await conn.query(insert, ['0002_x', SUM_A, 'done?', timeParam(d, '2025-07-11T10:00:00.000Z')])
      await conn.query(insert, [
        '0003_y',
        'not-a-checksum',
        'applied',
        timeParam(d, '2025-07-11T10:00:00.000Z'),
      ])
      await conn.query(insert, ['', SUM_A, 'applied', timeParam(d, '2025-07-11T10:00:00.000Z')])
      const observed = await readTracking(conn)
      expect(observed.rows.map((r) => r.revision)).toEqual(['0001_init'])
      // In the order the table gives its rows: insertion order on a heap, key order on InnoDB.
      expect(observed.defects.map((x) => [x.code, x.revision]).sort()).toEqual([
        ['GARBAGE_CHECKSUM', '0003_y'],
        ['GARBAGE_STATUS', '0002_x'],
        ['NULL_REVISION', ''],
      ])
      expect(observed.defects.find((x) => x.code === 'GARBAGE_STATUS')?.raw?.status).toBe('done?')
      expect(observed.raw).toHaveLength(4)
    })

    it('reports duplicate revisions and NULLs in a hand-made table', async () => {
      const time = conn.dialect === 'postgres' ? 'timestamptz' : 'TEXT'
      await conn.execute(
        `CREATE TABLE plumbline_migrations (revision TEXT, checksum TEXT, status TEXT, applied_at ${time})`,
      )
      const d = conn.dialect
      const insert = `INSERT INTO plumbline_migrations (revision, checksum, status, applied_at) VALUES (${placeholders(d, 4)})`
      const at = timeParam(d, '2025-07-11T10:00:00.000Z')
      await conn.query(insert, ['0001_init', SUM_A, 'applied', at])
      await conn.query(insert, ['0001_init', SUM_A, 'applied', at])
      await conn.query(insert, [null, null, null, at])
      await conn.query(insert, ['0002_x', SUM_A, 'applied', null])
      const observed = await readTracking(conn)
      expect(observed.rows.map((r) => r.revision)).toEqual(['0001_init'])
      const codes = observed.defects.map((x) => x.code)
      expect(codes).toContain('DUPLICATE_REVISION')
      expect(codes).toContain('NULL_REVISION')
      expect(codes).toContain('GARBAGE_STATUS')
      expect(codes).toContain('GARBAGE_TIME')
    })

    it('reports a tracking table with missing columns and keeps its rows as evidence', async () => {
      await conn.execute('CREATE TABLE plumbline_migrations (revision TEXT)')
      await conn.query(
        `INSERT INTO plumbline_migrations (revision) VALUES (${placeholders(conn.dialect, 1)})`,
        ['0001_init'],
      )
      const observed = await readTracking(conn)
      expect(observed.exists).toBe(true)
      expect(observed.rows).toEqual([])
      expect(observed.defects[0]).toMatchObject({
        code: 'MISSING_COLUMNS',
        column: 'checksum,status,applied_at',
      })
      expect(observed.raw).toEqual([{ revision: '0001_init' }])
    })
  })
}
