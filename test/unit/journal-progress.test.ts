import { describe, expect, it } from 'vitest'
import type { History } from '../../src/history/history-model.js'
import { computeDelta } from '../../src/history/revision-delta.js'
import { fingerprint } from '../../src/schema/fingerprint.js'
import { createSchema, type SchemaObject } from '../../src/schema/model.js'
import { journalProgress } from '../../src/state/journal-progress.js'

const table = (name: string, details?: Record<string, unknown>): SchemaObject => ({
  kind: 'table',
  name,
  definition: `CREATE TABLE ${name} ()`,
  ...(details ? { details } : {}),
})
const column = (t: string, name: string, definition: string): SchemaObject => ({
  kind: 'column',
  table: t,
  name,
  definition,
})
const index = (name: string, t: string): SchemaObject => ({
  kind: 'index',
  table: t,
  name,
  definition: `CREATE INDEX ${name} ON ${t} (id)`,
})

/** The states after 0…n statements of one revision, and the history that replays them. */
function revision(states: ReadonlyArray<ReadonlyArray<SchemaObject>>): {
  history: History
  at: (j: number) => ReturnType<typeof createSchema>
} {
  const schemas = states.map((objects) => createSchema('mysql', objects))
  const at = (j: number) => schemas[j]!
  const last = schemas.at(-1)!
  const history: History = {
    dialect: 'mysql',
    initial: schemas[0]!,
    revisions: [
      {
        id: '0001_r',
        checksum: '0'.repeat(64),
        normalizedChecksum: '0'.repeat(64),
        fingerprint: fingerprint(last),
        delta: computeDelta(schemas[0]!, last),
        statementDeltas: schemas.slice(1).map((s, i) => computeDelta(schemas[i]!, s)),
        schema: last,
      },
    ],
  }
  return { history, at }
}

const base = [table('users'), column('users', 'id', 'bigint')]
// 1 schema · 2 data · 3 schema · 4 schema · 5 data
const five = revision([
  base,
  [...base, table('log'), column('log', 'id', 'bigint')],
  [...base, table('log'), column('log', 'id', 'bigint')],
  [...base, table('log'), column('log', 'id', 'bigint'), index('idx_log', 'log')],
  [
    ...base,
    table('log'),
    column('log', 'id', 'bigint'),
    index('idx_log', 'log'),
    column('users', 'score', 'int'),
  ],
  [
    ...base,
    table('log'),
    column('log', 'id', 'bigint'),
    index('idx_log', 'log'),
    column('users', 'score', 'int'),
  ],
])

describe('how far a journaled run got', () => {
  it('takes the journal when the live schema shows exactly its statements', () => {
    expect(journalProgress(five.history, 0, five.at(3), 3)).toMatchObject({
      journaled: 3,
      total: 5,
      verified: 3,
      differences: [],
    })
  })

  it('counts schema statements that took effect after the last journal entry', () => {
    expect(journalProgress(five.history, 0, five.at(1), 0)?.verified).toBe(1)
    expect(journalProgress(five.history, 0, five.at(4), 3)?.verified).toBe(4)
    // Two schema statements in a row may both be ahead of the journal only on paper; the schema decides.
    expect(journalProgress(five.history, 0, five.at(4), 2)?.verified).toBe(4)
    expect(journalProgress(five.history, 0, five.at(5), 5)?.verified).toBe(5)
  })

  it('never counts a data statement beyond the journal: it commits with its journal entry', () => {
    // Statement 2 changes only data: schema at 3 with a journal of 1 means statement 2 ran
    // unrecorded, which cannot happen — the live schema contradicts the journal.
    const progress = journalProgress(five.history, 0, five.at(3), 1)
    expect(progress).toMatchObject({ verified: null, restartable: false })
    expect(progress?.differences).toEqual([
      {
        object: { kind: 'index', name: 'idx_log', table: 'log' },
        expected: null,
        actual: 'CREATE INDEX idx_log ON log (id)',
      },
    ])
  })

  it('names what the journaled statements left that is gone', () => {
    const progress = journalProgress(five.history, 0, five.at(2), 4)
    expect(progress?.verified).toBeNull()
    expect(progress?.differences.map((d) => [d.object.name, d.actual])).toEqual([
      ['idx_log', null],
      ['score', null],
    ])
    expect(journalProgress(five.history, 0, five.at(5), 6)).toMatchObject({ verified: null, differences: [] })
  })

  it('may start again only when nothing of it is there and no journaled statement changed data', () => {
    expect(journalProgress(five.history, 0, five.at(0), 1)).toMatchObject({
      verified: null,
      restartable: true,
    })
    expect(journalProgress(five.history, 0, five.at(0), 3)).toMatchObject({
      verified: null,
      restartable: false,
    })
  })

  it('decides a statement that changes an object in its details alone by those details', () => {
    const partitioned = revision([
      [table('events', { partitions: ['p1'] })],
      [table('events', { partitions: ['p1', 'p2'] })],
    ])
    expect(journalProgress(partitioned.history, 0, partitioned.at(0), 0)?.verified).toBe(0)
    expect(journalProgress(partitioned.history, 0, partitioned.at(1), 0)?.verified).toBe(1)
  })

  it('has nothing to say of a revision without statement effects', () => {
    const history: History = {
      ...five.history,
      revisions: [{ ...five.history.revisions[0]!, statementDeltas: undefined }],
    }
    expect(journalProgress(history, 0, five.at(3), 3)).toBeUndefined()
  })
})
