import { describe, expect, it } from 'vitest'
import { diff, diffSize, isEmptyDiff } from '../../src/schema/diff.js'
import { fingerprint } from '../../src/schema/fingerprint.js'
import { createSchema, objectKey, type SchemaObject } from '../../src/schema/model.js'

const users: SchemaObject = { kind: 'table', name: 'users', definition: '' }
const email: SchemaObject = {
  kind: 'column',
  name: 'email',
  table: 'users',
  definition: 'text NOT NULL',
  details: { position: 2 },
}
const index: SchemaObject = {
  kind: 'index',
  name: 'idx_goals_user_id',
  table: 'goals',
  definition: 'CREATE INDEX idx_goals_user_id ON goals (user_id)',
}

describe('fingerprint', () => {
  it('does not depend on the order objects were read in', () => {
    expect(fingerprint(createSchema('sqlite', [users, email, index]))).toBe(
      fingerprint(createSchema('sqlite', [index, users, email])),
    )
  })

  it('ignores details such as a column’s ordinal position', () => {
    const moved = { ...email, details: { position: 7 } }
    expect(fingerprint(createSchema('sqlite', [users, moved]))).toBe(
      fingerprint(createSchema('sqlite', [users, email])),
    )
  })

  it('changes with any definition, name, kind, table or dialect', () => {
    const base = fingerprint(createSchema('sqlite', [users, email]))
    expect(fingerprint(createSchema('sqlite', [users, { ...email, definition: 'text' }]))).not.toBe(base)
    expect(fingerprint(createSchema('sqlite', [users, { ...email, name: 'mail' }]))).not.toBe(base)
    expect(fingerprint(createSchema('sqlite', [users, { ...email, table: 'people' }]))).not.toBe(base)
    expect(fingerprint(createSchema('sqlite', [users]))).not.toBe(base)
    expect(fingerprint(createSchema('postgres', [users, email]))).not.toBe(base)
  })

  it('is a lowercase sha256 hex string', () => {
    expect(fingerprint(createSchema('sqlite', []))).toMatch(/^[0-9a-f]{64}$/)
  })

  it('cannot be fooled by a definition that contains the separator', () => {
    const a = createSchema('sqlite', [{ kind: 'view', name: 'v', definition: 'x\nview:w\ty' }])
    const b = createSchema('sqlite', [
      { kind: 'view', name: 'v', definition: 'x' },
      { kind: 'view', name: 'w', definition: 'y' },
    ])
    expect(fingerprint(a)).not.toBe(fingerprint(b))
  })
})

describe('diff', () => {
  it('names missing, extra and changed objects with both definitions', () => {
    const expected = createSchema('sqlite', [users, email, index])
    const actual = createSchema('sqlite', [
      users,
      { ...email, definition: 'text' },
      {
        kind: 'index',
        name: 'idx_other',
        table: 'users',
        definition: 'CREATE INDEX idx_other ON users (email)',
      },
    ])
    const d = diff(expected, actual)
    expect(d.missing.map(objectKey)).toEqual(['index:goals.idx_goals_user_id'])
    expect(d.extra.map(objectKey)).toEqual(['index:users.idx_other'])
    expect(d.changed).toHaveLength(1)
    expect(d.changed[0]?.key).toBe('column:users.email')
    expect(d.changed[0]?.expected.definition).toBe('text NOT NULL')
    expect(d.changed[0]?.actual.definition).toBe('text')
    expect(diffSize(d)).toBe(3)
    expect(isEmptyDiff(d)).toBe(false)
  })

  it('is empty for equal schemas', () => {
    expect(
      isEmptyDiff(diff(createSchema('sqlite', [users, email]), createSchema('sqlite', [email, users]))),
    ).toBe(true)
  })

  it('keys table-scoped objects, indexes included, by their table', () => {
    expect(objectKey({ kind: 'column', schema: 'public', table: 'users', name: 'email' })).toBe(
      'column:public.users.email',
    )
    expect(objectKey({ kind: 'index', schema: 'public', table: 'goals', name: 'idx_goals_user_id' })).toBe(
      'index:public.goals.idx_goals_user_id',
    )
    expect(objectKey({ kind: 'check', table: 'goals', name: 'goals_status_check' })).toBe(
      'check:goals.goals_status_check',
    )
  })

  it('refuses a schema that models one object twice', () => {
    expect(() => createSchema('sqlite', [users, users])).toThrow(/two objects share the key table:users/)
  })
})
