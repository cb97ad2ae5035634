import { describe, expect, it } from 'vitest'
import { isPlumblineError } from '../../src/errors/plumbline-error.js'
import { parseHistoryFile, renderHistoryFile } from '../../src/history/history-file.js'
import { historyFreshness } from '../../src/history/history-freshness.js'
import type { History } from '../../src/history/history-model.js'
import { findById, indexOfId } from '../../src/history/index-by-id.js'
import { applyDeltaInPlace, computeDelta, isEmptyDelta } from '../../src/history/revision-delta.js'
import { fingerprint } from '../../src/schema/fingerprint.js'
import { createSchema, objectKey, type SchemaObject } from '../../src/schema/model.js'
import type { Migration } from '../../src/source/migration.js'

const t = (name: string): SchemaObject => ({ kind: 'table', name, definition: '' })
const c = (table: string, name: string, definition: string): SchemaObject => ({
  kind: 'column',
  table,
  name,
  definition,
})
const i = (name: string, table: string, cols: string): SchemaObject => ({
  kind: 'index',
  name,
  table,
  definition: `CREATE INDEX ${name} ON ${table} (${cols})`,
})

const s0 = createSchema('sqlite', [])
const s1 = createSchema('sqlite', [t('users'), c('users', 'id', 'INTEGER'), c('users', 'email', 'TEXT')])
const s2 = createSchema('sqlite', [
  t('users'),
  c('users', 'id', 'INTEGER'),
  c('users', 'email', 'TEXT NOT NULL'),
  i('idx_users_email', 'users', 'email'),
])
const s3 = createSchema('sqlite', [
  t('users'),
  c('users', 'id', 'INTEGER'),
  c('users', 'email', 'TEXT NOT NULL'),
])

/** A revision of the history file as its JSON reads, for forging one. */
interface StoredRevisionText {
  fingerprint: string
  delta: { created: Array<{ definition: string }>; dropped: Array<{ definition: string }> }
}

function sum(n: number): string {
  return n.toString(16).padStart(64, '0')
}

function history(): History {
  const schemas = [s1, s2, s3]
  let previous = s0
  return {
    dialect: 'sqlite',
    initial: s0,
    revisions: schemas.map((schema, n) => {
      const delta = computeDelta(previous, schema)
      previous = schema
      return {
        id: `000${n + 1}_r`,
        checksum: sum(n + 1),
        normalizedChecksum: sum(n + 11),
        fingerprint: fingerprint(schema),
        delta,
        schema,
      }
    }),
  }
}

function migration(id: string, checksum: string, normalizedChecksum = checksum): Migration {
  return {
    kind: 'sql',
    id,
    version: id.split('_')[0]!,
    name: 'r',
    path: `/m/${id}.sql`,
    transaction: true,
    directives: [],
    checks: { before: [], after: [] },
    checksum,
    normalizedChecksum,
    up: { sql: '', statements: [] },
  }
}

describe('revision deltas', () => {
  it('name what a revision created, dropped and changed', () => {
    const d = computeDelta(s1, s2)
    expect(d.created.map((o) => o.name)).toEqual(['idx_users_email'])
    expect(d.dropped).toEqual([])
    expect(d.changed.map((x) => [x.before.definition, x.after.definition])).toEqual([
      ['TEXT', 'TEXT NOT NULL'],
    ])
    expect(computeDelta(s2, s3).dropped.map((o) => o.name)).toEqual(['idx_users_email'])
    expect(isEmptyDelta(computeDelta(s2, s2))).toBe(true)
  })

  it('rebuild every schema when applied in order', () => {
    let schema = s0
    for (const target of [s1, s2, s3, s0]) {
      const state = new Map(schema.objects.map((o) => [objectKey(o), o] as const))
      applyDeltaInPlace(state, computeDelta(schema, target))
      schema = createSchema('sqlite', state.values())
      expect(fingerprint(schema)).toBe(fingerprint(target))
    }
  })
})

describe('the history file', () => {
  it('round-trips: the same history gives the same bytes and parses back to the same schemas', () => {
    const text = renderHistoryFile(history())
    expect(renderHistoryFile(history())).toBe(text)
    const parsed = parseHistoryFile(text, 'sqlite', 'plumbline.history.json')!
    expect(parsed.revisions.map((r) => r.fingerprint)).toEqual(history().revisions.map((r) => r.fingerprint))
    expect(parsed.revisions[1]!.schema.objects.map((o) => o.name)).toEqual(s2.objects.map((o) => o.name))
  })

  it('keeps other dialects’ histories when one is rewritten', () => {
    const pg: History = {
      ...history(),
      dialect: 'postgres',
      initial: createSchema('postgres', []),
      revisions: [],
    }
    const both = renderHistoryFile(history(), renderHistoryFile(pg))
    expect(parseHistoryFile(both, 'postgres', 'f')?.revisions).toEqual([])
    expect(parseHistoryFile(both, 'sqlite', 'f')?.revisions).toHaveLength(3)
    expect(parseHistoryFile(renderHistoryFile(history()), 'postgres', 'f')).toBeUndefined()
  })

  it('refuses a file edited by hand', () => {
    const text = renderHistoryFile(history())
    const edits = [
      text.replace(
        'CREATE INDEX idx_users_email ON users (email)',
        'CREATE INDEX idx_users_email ON users (id)',
      ),
      text.replace('"format": "plumbline-history-v1"', '"format": "other"'),
      '{ not json',
    ]
    for (const edited of edits) {
      expect(edited).not.toBe(text)
      let code = ''
      try {
        parseHistoryFile(edited, 'sqlite', 'plumbline.history.json')
      } catch (e) {
        code = isPlumblineError(e) ? e.code : 'other'
      }
      expect(code).toBe('HISTORY_FILE_INVALID')
    }
  })

  it('refuses a file whose digest was recomputed but whose deltas do not fit or rebuild its fingerprints', async () => {
    const { createHash } = await import('node:crypto')
    const forge = (edit: (revisions: StoredRevisionText[]) => void): string => {
      const stored = JSON.parse(renderHistoryFile(history()))
      edit(stored.dialects.sqlite.revisions)
      const { initial, revisions } = stored.dialects.sqlite
      stored.dialects.sqlite.digest = createHash('sha256')
        .update(JSON.stringify({ initial, revisions }))
        .digest('hex')
      return JSON.stringify(stored)
    }
    // Revision 2 creates the index on another column; revision 3 drops the one it really made.
    const created = forge((r) => {
      r[1]!.delta.created[0]!.definition = 'CREATE INDEX idx_users_email ON users (id)'
    })
    expect(() => parseHistoryFile(created, 'sqlite', 'f')).toThrow(
      /revision 0003_r has a delta that does not apply/,
    )
    // Both revisions agree on the forged index, and the head is right: revision 2's schema is
    // refused when first asked for, or at once with every revision verified.
    const both = forge((r) => {
      r[1]!.delta.created[0]!.definition = 'CREATE INDEX idx_users_email ON users (id)'
      r[2]!.delta.dropped[0]!.definition = 'CREATE INDEX idx_users_email ON users (id)'
    })
    const head = parseHistoryFile(both, 'sqlite', 'f')!
    expect(fingerprint(head.revisions[2]!.schema)).toBe(fingerprint(s3))
    expect(() => head.revisions[1]!.schema).toThrow(
      /revision 0002_r: its deltas do not rebuild the schema its fingerprint names/,
    )
    expect(() => parseHistoryFile(both, 'sqlite', 'f', { verify: 'every' })).toThrow(/revision 0002_r/)
    // An earlier revision's fingerprint: checked when its schema is first asked for, or at once.
    const print = forge((r) => {
      r[0]!.fingerprint = sum(99)
    })
    const lazy = parseHistoryFile(print, 'sqlite', 'f')!
    expect(lazy.revisions[2]!.schema.objects).toHaveLength(3)
    expect(() => lazy.revisions[0]!.schema).toThrow(/revision 0001_r: its deltas do not rebuild the schema/)
    expect(() => parseHistoryFile(print, 'sqlite', 'f', { verify: 'every' })).toThrow(
      /revision 0001_r: its deltas do not rebuild the schema/,
    )
  })

  it('builds each expected schema on demand, forward or back, equal to the replayed ones', () => {
    const schemas = [s1, s2, s3, s1, s2]
    let previous = s0
    const long: History = {
      dialect: 'sqlite',
      initial: s0,
      revisions: schemas.map((schema, n) => {
        const delta = computeDelta(previous, schema)
        previous = schema
        return {
          id: `000${n + 1}_r`,
          checksum: sum(n),
          normalizedChecksum: sum(n),
          fingerprint: fingerprint(schema),
          delta,
          schema,
        }
      }),
    }
    const text = renderHistoryFile(long)
    for (const order of [
      [0, 1, 2, 3, 4],
      [3, 1, 0, 2, 4],
      [4, 3, 2, 1, 0],
    ]) {
      const parsed = parseHistoryFile(text, 'sqlite', 'f')!
      for (const i of order) expect(fingerprint(parsed.revisions[i]!.schema)).toBe(fingerprint(schemas[i]!))
    }
  })
})

describe('freshness of a cached history', () => {
  const h = history()
  const current = h.revisions.map((r) => migration(r.id, r.checksum, r.normalizedChecksum))

  it('is fresh when ids and checksums match in order', () => {
    expect(historyFreshness(h, current)).toEqual({ fresh: true, matching: 3, reasons: [] })
  })

  it('names an added, a removed and an edited migration', () => {
    expect(historyFreshness(h, [...current, migration('0004_r', sum(4))]).reasons).toEqual([
      { kind: 'added', id: '0004_r' },
    ])
    expect(historyFreshness(h, current.slice(0, 2)).reasons).toEqual([{ kind: 'removed', id: '0003_r' }])
    const edited = [current[0]!, migration('0002_r', sum(99), sum(12)), current[2]!]
    expect(historyFreshness(h, edited)).toMatchObject({
      fresh: false,
      matching: 1,
      reasons: [{ kind: 'edited', id: '0002_r', cosmetic: true }],
    })
    const real = [current[0]!, migration('0002_r', sum(99), sum(98)), current[2]!]
    expect(historyFreshness(h, real).reasons).toEqual([{ kind: 'edited', id: '0002_r', cosmetic: false }])
  })
})

describe('looking a revision up by id', () => {
  it('answers as findIndex does: the first of a repeated id, -1 for an unknown one', () => {
    const list = [{ id: 'b' }, { id: 'a' }, { id: 'b' }]
    expect(indexOfId(list, 'b')).toBe(0)
    expect(indexOfId(list, 'a')).toBe(1)
    expect(indexOfId(list, 'z')).toBe(-1)
    expect(findById(list, 'a')).toBe(list[1])
    expect(findById(list, 'z')).toBeUndefined()
  })

  it('sees an item appended to a list it has already indexed', () => {
    const list: Array<{ id: string }> = [{ id: 'a' }]
    expect(indexOfId(list, 'c')).toBe(-1)
    list.push({ id: 'c' })
    expect(indexOfId(list, 'c')).toBe(1)
  })
})
