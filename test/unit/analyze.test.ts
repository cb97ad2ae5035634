import { describe, expect, it } from 'vitest'
import type { History } from '../../src/history/history-model.js'
import { computeDelta } from '../../src/history/revision-delta.js'
import { fingerprint } from '../../src/schema/fingerprint.js'
import { createSchema, type Schema, type SchemaObject } from '../../src/schema/model.js'
import { analyze } from '../../src/state/analyze.js'
import type { MigrationInfo, Observation } from '../../src/state/observation.js'
import type { TrackingDefect, TrackingObservation, TrackingRow } from '../../src/tracking/tracking-model.js'

const table = (name: string): SchemaObject => ({ kind: 'table', name, definition: '' })
const column = (t: string, name: string, definition: string): SchemaObject => ({
  kind: 'column',
  table: t,
  name,
  definition,
})
const index = (name: string, t: string, cols: string): SchemaObject => ({
  kind: 'index',
  name,
  table: t,
  definition: `CREATE INDEX ${name} ON ${t} (${cols})`,
})

// 0001 creates users; 0002 adds two indexes and makes email NOT NULL; 0003 adds points_log and
// drops idx_users_created; 0004 is a data-only migration (no schema change).
const r1 = [
  table('users'),
  column('users', 'id', 'INTEGER'),
  column('users', 'email', 'TEXT'),
  column('users', 'created', 'TEXT'),
]
const r2 = [
  ...r1.filter((o) => o.name !== 'email'),
  column('users', 'email', 'TEXT NOT NULL'),
  index('idx_users_email', 'users', 'email'),
  index('idx_users_created', 'users', 'created'),
]
const r3 = [
  ...r2.filter((o) => o.name !== 'idx_users_created'),
  table('points_log'),
  column('points_log', 'points', 'INTEGER'),
  index('idx_points_log_points', 'points_log', 'points'),
]
const SCHEMAS: Schema[] = [r1, r2, r3, r3].map((objects) => createSchema('sqlite', objects))
const IDS = ['0001_init', '0002_indexes', '0003_points_log', '0004_backfill_points']
const sum = (n: number) => n.toString(16).padStart(64, '0')

const MIGRATIONS: MigrationInfo[] = IDS.map((id, i) => ({
  id,
  version: id.slice(0, 4),
  checksum: sum(i + 1),
  normalizedChecksum: sum(i + 101),
  transaction: true,
  path: `migrations/${id}.sql`,
}))

const initial = createSchema('sqlite', [])
const HISTORY: History = {
  dialect: 'sqlite',
  initial,
  revisions: SCHEMAS.map((schema, i) => ({
    id: IDS[i]!,
    checksum: sum(i + 1),
    normalizedChecksum: sum(i + 101),
    fingerprint: fingerprint(schema),
    delta: computeDelta(i === 0 ? initial : SCHEMAS[i - 1]!, schema),
    schema,
  })),
}

function row(n: number, overrides: Partial<TrackingRow> = {}): TrackingRow {
  return {
    revision: IDS[n - 1]!,
    checksum: sum(n),
    normalizedChecksum: sum(n + 100),
    status: 'applied',
    appliedAt: `2025-07-0${n}T10:00:00.000Z`,
    startedAt: null,
    appliedBy: 'deploy@web-1',
    host: 'web-1',
    pid: 10,
    durationMs: 5,
    statementsTotal: 3,
    statementsDone: 3,
    error: null,
    errorStatement: null,
    schemaFingerprint: null,
    catalogFingerprint: null,
    plumblineVersion: '0.1.0',
    ...overrides,
  }
}

function tracking(rows: TrackingRow[] | null, defects: TrackingDefect[] = []): TrackingObservation {
  if (rows === null) return { exists: false, columns: [], rows: [], defects: [], raw: [] }
  return { exists: true, columns: [], rows, defects, raw: rows.map((r) => ({ revision: r.revision })) }
}

function observe(
  live: SchemaObject[],
  rows: TrackingRow[] | null,
  extra: Partial<Observation> = {},
): Observation {
  return {
    dialect: 'sqlite',
    live: createSchema('sqlite', live),
    tracking: tracking(rows),
    lock: null,
    migrations: MIGRATIONS,
    ...extra,
  }
}

const codes = (d: ReturnType<typeof analyze>) => d.problems.map((p) => p.code)

describe('analyze: the states of a database', () => {
  it('fresh: no objects, no tracking', () => {
    const d = analyze(observe([], null), HISTORY)
    expect(d).toMatchObject({
      state: 'fresh',
      strategy: 'normal_migration',
      head: '0004_backfill_points',
      tracked: { revision: null },
    })
    expect(d.pending).toEqual(IDS)
    expect(d.problems).toEqual([])
  })

  it('healthy: tracking at head and the schema matches', () => {
    const d = analyze(observe(r3, [row(1), row(2), row(3), row(4)]), HISTORY)
    expect(d).toMatchObject({
      state: 'healthy',
      strategy: 'no_action',
      tracked: { revision: '0004_backfill_points' },
      pending: [],
    })
    expect(d.inferred).toMatchObject({ revision: '0004_backfill_points', exact: true })
  })

  it('pending: tracking behind head and the schema matches the tracked revision', () => {
    const d = analyze(observe(r2, [row(1), row(2)]), HISTORY)
    expect(d).toMatchObject({
      state: 'pending',
      strategy: 'normal_migration',
      pending: ['0003_points_log', '0004_backfill_points'],
    })
  })

  it('pending: the next revision changes data only, so its schema equals the tracked one', () => {
    const d = analyze(observe(r3, [row(1), row(2), row(3)]), HISTORY)
    expect(d).toMatchObject({
      state: 'pending',
      strategy: 'normal_migration',
      pending: ['0004_backfill_points'],
    })
    expect(d.problems).toEqual([])
  })

  it('partial: a tracked revision whose indexes never appeared (the incident’s silent migration)', () => {
    const live = [...r1.filter((o) => o.name !== 'email'), column('users', 'email', 'TEXT NOT NULL')]
    const d = analyze(observe(live, [row(1), row(2)]), HISTORY)
    expect(d).toMatchObject({
      state: 'partial',
      strategy: 'complete_partial_migration',
      tracked: { revision: '0002_indexes' },
    })
    expect(d.problems.filter((p) => p.code === 'MISSING_OBJECT')).toEqual([
      expect.objectContaining({
        revision: '0002_indexes',
        object: { kind: 'index', name: 'idx_users_created', table: 'users' },
      }),
      expect.objectContaining({
        revision: '0002_indexes',
        object: { kind: 'index', name: 'idx_users_email', table: 'users' },
      }),
    ])
    expect(d.timeline.find((l) => l.id === '0002_indexes')).toMatchObject({
      status: 'applied',
      missingObjects: 2,
      ownedObjects: 3,
    })
  })

  it('partial: tracking claims revisions whose tables are gone', () => {
    const d = analyze(observe(r1, [row(1), row(2), row(3)]), HISTORY)
    expect(d.state).toBe('partial')
    const missing = d.problems
      .filter((p) => p.code === 'MISSING_OBJECT')
      .map((p) => [p.revision, p.object?.name])
    expect(missing).toContainEqual(['0003_points_log', 'points_log'])
    expect(missing).toContainEqual(['0002_indexes', 'idx_users_email'])
    // email is still as 0001 made it: 0002's change to it is what is missing, not drift
    expect(d.problems.find((p) => p.object?.name === 'email')).toMatchObject({
      code: 'MISSING_CHANGE',
      revision: '0002_indexes',
      expected: 'TEXT NOT NULL',
      actual: 'TEXT',
    })
    expect(d.strategy).toBe('complete_partial_migration')
  })

  it('partial: a revision’s drop that never took effect', () => {
    const d = analyze(
      observe([...r3, index('idx_users_created', 'users', 'created')], [row(1), row(2), row(3)]),
      HISTORY,
    )
    expect(d.state).toBe('partial')
    expect(d.problems).toEqual([
      expect.objectContaining({ code: 'MISSING_CHANGE', revision: '0003_points_log' }),
    ])
  })

  it('untracked_schema at head: the whole schema, no tracking table', () => {
    const d = analyze(observe(r3, null), HISTORY)
    expect(d).toMatchObject({ state: 'untracked_schema', strategy: 'initialize_tracking', pending: [] })
    expect(d.inferred).toMatchObject({
      revision: '0004_backfill_points',
      exact: true,
      alsoExact: ['0003_points_log'],
    })
    expect(codes(d)).toEqual(['UNTRACKED_SCHEMA', 'AMBIGUOUS_REVISION'])
  })

  it('untracked_schema at an older revision: the rest is pending', () => {
    const d = analyze(observe(r2, null), HISTORY)
    expect(d).toMatchObject({ state: 'untracked_schema', strategy: 'initialize_tracking' })
    expect(d.inferred).toMatchObject({ revision: '0002_indexes', exact: true })
    expect(d.pending).toEqual(['0003_points_log', '0004_backfill_points'])
  })

  it('untracked_schema with missing objects: the nearest revision, and exactly what differs', () => {
    const d = analyze(
      observe(
        r2.filter((o) => o.name !== 'idx_users_email'),
        null,
      ),
      HISTORY,
    )
    expect(d.state).toBe('untracked_schema')
    expect(d.inferred).toMatchObject({ revision: '0002_indexes', exact: false, distance: 1 })
    expect(d.problems.find((p) => p.code === 'MISSING_OBJECT')?.object?.name).toBe('idx_users_email')
  })

  it('corrupted_tracking: garbage rows', () => {
    const defect: TrackingDefect = {
      code: 'GARBAGE_STATUS',
      row: 1,
      revision: '0002_indexes',
      message: 'bad status',
      raw: { status: 'done?' },
    }
    const obs = observe(r2, [row(1)])
    const d = analyze({ ...obs, tracking: tracking([row(1)], [defect]) }, HISTORY)
    expect(d).toMatchObject({ state: 'corrupted_tracking', strategy: 'repair_tracking' })
    expect(d.problems[0]).toMatchObject({
      code: 'TRACKING_DEFECT',
      evidence: { defect: 'GARBAGE_STATUS', stored: { status: 'done?' } },
    })
    expect(d.inferred).toMatchObject({ revision: '0002_indexes', exact: true })
  })

  it('corrupted_tracking: a row for a migration file that is gone', () => {
    const gone = row(1, { revision: '0002_old_name' })
    const d = analyze(observe(r2, [row(1), gone, row(2)]), HISTORY)
    expect(d.state).toBe('corrupted_tracking')
    expect(codes(d)).toContain('MISSING_FILE')
    expect(d.timeline.at(-1)).toMatchObject({ id: '0002_old_name', status: 'missing_file' })
  })

  it('corrupted_tracking: applied out of order', () => {
    const d = analyze(observe(r3, [row(1), row(3), row(4)]), HISTORY)
    expect(d.state).toBe('corrupted_tracking')
    expect(d.problems.find((p) => p.code === 'OUT_OF_ORDER')?.revision).toBe('0002_indexes')
  })

  it('a migration merged late, older than applied ones, needs renaming — never a tracking rewind', () => {
    // 0002 was never applied (its indexes and its email change are absent) but 0003 is.
    const live = [
      ...r1,
      table('points_log'),
      column('points_log', 'points', 'INTEGER'),
      index('idx_points_log_points', 'points_log', 'points'),
    ]
    const d = analyze(observe(live, [row(1), row(3)]), HISTORY)
    expect(d).toMatchObject({ state: 'corrupted_tracking', strategy: 'manual' })
    expect(d.problems.find((p) => p.code === 'OUT_OF_ORDER')?.message).toMatch(
      /give it a version after 0004_backfill_points/,
    )
  })

  it('corrupted_tracking: the schema is ahead of what tracking says', () => {
    const d = analyze(observe(r3, [row(1)]), HISTORY)
    expect(d).toMatchObject({ state: 'corrupted_tracking', strategy: 'repair_tracking' })
    expect(codes(d)).toEqual(['TRACKING_BEHIND_SCHEMA'])
  })

  it('unknown_revision: the database is ahead of this code', () => {
    const future = row(1, { revision: '0009_future' })
    const d = analyze(observe(r3, [row(1), row(2), row(3), row(4), future]), HISTORY)
    expect(d).toMatchObject({ state: 'unknown_revision', strategy: 'manual' })
  })

  it('checksum_mismatch: a real edit needs a human; a cosmetic one is repaired', () => {
    const real = analyze(
      observe(r2, [row(1), row(2, { checksum: sum(99), normalizedChecksum: sum(98) })]),
      HISTORY,
    )
    expect(real).toMatchObject({ state: 'checksum_mismatch', strategy: 'manual' })
    expect(real.problems[0]).toMatchObject({ code: 'CHECKSUM_MISMATCH', revision: '0002_indexes' })
    const cosmetic = analyze(observe(r2, [row(1), row(2, { checksum: sum(99) })]), HISTORY)
    expect(cosmetic).toMatchObject({ state: 'checksum_mismatch', strategy: 'repair_tracking' })
    expect(cosmetic.problems[0]).toMatchObject({ code: 'COSMETIC_EDIT', severity: 'warning' })
  })

  it('failed: a recorded attempt that ended failed, partial, or was interrupted', () => {
    for (const status of ['failed', 'partial', 'running'] as const) {
      const d = analyze(observe(r1, [row(1), row(2, { status, statementsDone: 1 })]), HISTORY)
      expect(d).toMatchObject({ state: 'failed', strategy: 'resume_failed' })
    }
  })

  it('locked: another live process holds the lock', () => {
    const lock = {
      host: 'web-2',
      pid: 77,
      since: '2025-07-11T10:00:00Z',
      session: 123,
      description: 'backend 123',
    }
    const d = analyze(observe(r2, [row(1), row(2)], { lock }), HISTORY)
    expect(d).toMatchObject({ state: 'locked', strategy: 'manual' })
    expect(d.problems[0]?.message).toContain('web-2')
  })

  it('drift: an object changed in a way no revision explains', () => {
    const live = [
      ...r2.filter((o) => o.name !== 'idx_users_email'),
      index('idx_users_email', 'users', 'email, id'),
    ]
    const d = analyze(observe(live, [row(1), row(2)]), HISTORY)
    expect(d).toMatchObject({ state: 'drift', strategy: 'manual' })
    expect(d.problems[0]).toMatchObject({
      code: 'CHANGED_OBJECT',
      expected: 'CREATE INDEX idx_users_email ON users (email)',
      actual: 'CREATE INDEX idx_users_email ON users (email, id)',
    })
  })

  it('extra unmanaged objects are warnings that leave the state healthy', () => {
    const d = analyze(
      observe([...r3, index('idx_mine', 'users', 'created')], [row(1), row(2), row(3), row(4)]),
      HISTORY,
    )
    expect(d.state).toBe('healthy')
    expect(d.problems).toEqual([
      expect.objectContaining({
        code: 'EXTRA_OBJECT',
        severity: 'warning',
        actual: 'CREATE INDEX idx_mine ON users (created)',
      }),
    ])
  })

  it('takes the most severe state when several apply', () => {
    const lock = { host: null, pid: null, since: null, session: 1, description: 'x' }
    const d = analyze(observe(r1, [row(1), row(2, { status: 'failed' })], { lock }), HISTORY)
    expect(d.state).toBe('locked')
    expect(codes(d)).toEqual(expect.arrayContaining(['LOCKED', 'FAILED_MIGRATION']))
  })

  it('refuses a history that does not describe the migrations', () => {
    expect(() => analyze({ ...observe([], null), migrations: MIGRATIONS.slice(0, 2) }, HISTORY)).toThrow(
      /history does not describe/,
    )
  })
})
