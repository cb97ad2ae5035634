import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseConnectionUrl } from '../../src/config/connection-url.js'
import type { Connection } from '../../src/dialects/dialect.js'
import { connectSqlite } from '../../src/dialects/sqlite/sqlite-connection.js'
import { introspectSqlite } from '../../src/dialects/sqlite/sqlite-introspector.js'
import { diff } from '../../src/schema/diff.js'
import { fingerprint } from '../../src/schema/fingerprint.js'
import { type ObjectKind, objectKey, type Schema } from '../../src/schema/model.js'
import { createFreshDatabase, type FreshDatabase } from '../support/database.js'
import exactness from './exactness/sqlite.js'

const target = { name: 'sqlite', dialect: 'sqlite', origin: 'better-sqlite3' } as const

async function open(db: FreshDatabase, statements: ReadonlyArray<string> = []): Promise<Connection> {
  const url = parseConnectionUrl(db.url)
  if (url.dialect !== 'sqlite') throw new Error(`not a SQLite URL: ${db.url}`)
  const conn = await connectSqlite(url, { create: true })
  for (const sql of statements) await conn.execute(sql)
  return conn
}

const keys = (schema: Schema) => schema.objects.map(objectKey)

/** The key of an object, in whatever form the model gives keys. */
const key = (kind: ObjectKind, name: string, table?: string) => objectKey({ kind, name, table })

/** Keys sorted as a schema sorts its objects. */
const sorted = (list: string[]) => list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))

/** What `diff` names, as `as key` lines: the whole answer to "what changed". */
function named(expected: Schema, actual: Schema): string[] {
  const d = diff(expected, actual)
  return [
    ...d.missing.map((o) => `missing ${objectKey(o)}`),
    ...d.extra.map((o) => `extra ${objectKey(o)}`),
    ...d.changed.map((c) => `changed ${c.key}`),
  ].sort()
}

describe('sqlite: introspection', () => {
  const dbs: FreshDatabase[] = []
  const conns: Connection[] = []
  async function fresh(statements: ReadonlyArray<string> = []): Promise<Connection> {
    const db = await createFreshDatabase(target)
    dbs.push(db)
    const conn = await open(db, statements)
    conns.push(conn)
    return conn
  }
  beforeEach(() => {
    dbs.length = 0
    conns.length = 0
  })
  afterEach(async () => {
    for (const conn of conns) await conn.close()
    for (const db of dbs) await db.drop()
  })

  it('reads the whole schema in one statement', async () => {
    const conn = await fresh(exactness.base)
    const before = conn.roundTrips
    await introspectSqlite(conn)
    expect(conn.roundTrips - before).toBe(1)
  })

  it('gives an unchanged table the same fingerprint after the 12-step rebuild', async () => {
    const conn = await fresh(exactness.base)
    for (const sql of exactness.data) await conn.execute(sql)
    const base = await introspectSqlite(conn)
    // As SQLite's documentation lays it out: foreign keys off, rebuild in a transaction, check, on.
    await conn.execute('PRAGMA foreign_keys = OFF')
    await conn.execute(`BEGIN;
      CREATE TABLE new_goals (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'failed')),
        target_points INTEGER NOT NULL DEFAULT 10,
        created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
      );
      INSERT INTO new_goals SELECT * FROM goals;
      DROP VIEW active_goals;
      DROP TABLE goals;
      ALTER TABLE new_goals RENAME TO goals;
      CREATE INDEX idx_goals_user_id ON goals (user_id);
      CREATE INDEX idx_goals_active ON goals (user_id, created_at) WHERE status = 'active';
      CREATE UNIQUE INDEX idx_goals_user_title ON goals (user_id, title COLLATE NOCASE);
      CREATE VIEW active_goals AS SELECT g.id, g.user_id, g.title FROM goals AS g WHERE g.status = 'active';
      COMMIT`)
    expect(await conn.query('PRAGMA foreign_key_check')).toEqual([])
    await conn.execute('PRAGMA foreign_keys = ON')
    // The rename really left its mark on the stored text; the model must not show it.
    const [row] = await conn.query<{ sql: string }>("SELECT sql FROM sqlite_schema WHERE name = 'goals'")
    expect(row!.sql).toMatch(/^CREATE TABLE "goals"/)
    const rebuilt = await introspectSqlite(conn)
    expect(named(base, rebuilt)).toEqual([])
    expect(fingerprint(rebuilt)).toBe(fingerprint(base))
  })

  it('reads only the named table with what belongs to it, in one statement', async () => {
    const conn = await fresh(exactness.base)
    const all = await introspectSqlite(conn)
    const before = conn.roundTrips
    const only = await introspectSqlite(conn, { only: [{ name: 'goals' }] })
    expect(conn.roundTrips - before).toBe(1)
    const expected = all.objects.filter(
      (o) => o.table === 'goals' || (o.kind === 'table' && o.name === 'goals'),
    )
    expect(only.objects).toEqual(expected)
    expect(keys(only)).toContain(key('index', 'idx_goals_active', 'goals'))
    expect(keys(only)).not.toContain(key('view', 'active_goals'))
  })

  it('reads only a named index, view or trigger, matching names as SQLite does', async () => {
    const conn = await fresh(exactness.base)
    const only = await introspectSqlite(conn, {
      only: [{ name: 'IDX_users_email_lower' }, { name: 'user_points' }, { name: 'trg_diary_entry_stats' }],
    })
    expect(keys(only)).toEqual(
      sorted([
        key('index', 'idx_users_email_lower', 'users'),
        key('trigger', 'trg_diary_entry_stats', 'diary_entry'),
        key('view', 'user_points'),
      ]),
    )
  })

  it('finds the same objects by name whether a few names are asked for or very many', async () => {
    const conn = await fresh(exactness.base)
    const asked = [{ name: 'GOALS' }, { name: 'IDX_users_email_lower' }, { name: 'user_points' }]
    const few = await introspectSqlite(conn, { only: asked })
    expect(keys(few)).toContain(key('table', 'goals'))
    expect(keys(few)).toContain(key('index', 'idx_users_email_lower', 'users'))
    expect(keys(few)).toContain(key('view', 'user_points'))
    // Past a hundred names the list goes to the server as one JSON array instead.
    const fillers = Array.from({ length: 150 }, (_, i) => ({ name: `no_such_object_${i}` }))
    const many = await introspectSqlite(conn, { only: [...fillers, ...asked] })
    expect(many.objects).toEqual(few.objects)
  })

  it('in a transaction, reads a table’s pragmas only while its text is new, giving what one statement gives', async () => {
    // Texts no other test wrote: the process has not parsed them yet. A comment inside a CREATE
    // TABLE is kept in its stored text, so each database gets tables of its own text.
    const tagged = (tag: string) =>
      exactness.base.map((sql) => sql.replace(/^(CREATE TABLE \w+ \()/, `$1 /* ${tag} */`))
    const tables = ['users', 'goals', 'diary_entry', 'daily_stats', 'points_log']
    const only = tables.map((name) => ({ name }))
    const withoutText = (schema: Schema) =>
      schema.objects.map((o) =>
        o.kind === 'table' ? { ...o, details: { ...o.details, sql: undefined } } : o,
      )
    const run = Date.now().toString(36)
    // One statement, as a read outside a transaction is made.
    const single = await fresh(tagged(`single ${run}`))
    const once = await introspectSqlite(single, { only })
    const conn = await fresh(tagged(`split ${run}`))
    await conn.execute('BEGIN')
    const read = async (options: Parameters<typeof introspectSqlite>[1]) => {
      const before = conn.roundTrips
      const schema = await introspectSqlite(conn, { ...options, inTransaction: true })
      return { schema, statements: conn.roundTrips - before }
    }
    const first = await read({ only })
    // The objects, then the pragmas of the five tables whose text was new.
    expect(first.statements).toBe(2)
    expect(withoutText(first.schema)).toEqual(withoutText(once))
    expect(first.schema.objects.filter((o) => o.kind === 'foreign_key').length).toBeGreaterThan(0)
    const again = await read({ only })
    expect(again.statements).toBe(1)
    expect(again.schema.objects).toEqual(first.schema.objects)
    // Asked for indexes alone, it leaves the tables' objects out, and their pragmas unread.
    await conn.execute('ALTER TABLE goals ADD COLUMN note TEXT')
    const indexes = await read({ only: [{ name: 'goals' }], kinds: ['index'] })
    expect(indexes.statements).toBe(1)
    expect(new Set(indexes.schema.objects.map((o) => o.kind))).toEqual(new Set(['index']))
    expect(keys(indexes.schema)).toContain(key('index', 'idx_goals_active', 'goals'))
    // The table's new text is read with its pragmas: the added column shows.
    const altered = await read({ only: [{ name: 'goals' }] })
    expect(altered.statements).toBe(2)
    expect(keys(altered.schema)).toContain(key('column', 'note', 'goals'))
    await conn.execute('ROLLBACK')
  })

  it('answers a table stored with exactly the expected text with the expected objects, any other by reading it', async () => {
    const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
    const tagged = exactness.base.map((sql) => sql.replace(/^(CREATE TABLE \w+ \()/, `$1 /* ${run} */`))
    // What a database built by the same statements shows: the history's expectation.
    const shadow = await introspectSqlite(await fresh(tagged))
    const goals = shadow.objects.filter((o) => o.name === 'goals' || o.table === 'goals')
    const table = goals.find((o) => o.kind === 'table')!
    const column = goals.find((o) => o.kind === 'column' && o.name === 'title')!
    const tableKinds = new Set(['table', 'column', 'primary_key', 'unique', 'foreign_key', 'check'])
    const conn = await fresh(tagged)
    await conn.execute('BEGIN')
    const read = async (expected: Schema['objects']) => {
      const before = conn.roundTrips
      const schema = await introspectSqlite(conn, {
        only: [{ name: 'goals' }],
        inTransaction: true,
        expected,
      })
      return { schema, statements: conn.roundTrips - before }
    }
    // The text is the expected one: no pragma read, no parse; the table's objects are those expected.
    const same = await read([table, column])
    expect(same.statements).toBe(1)
    expect(same.schema.objects.filter((o) => tableKinds.has(o.kind))).toEqual([column, table])
    expect(keys(same.schema)).toContain(key('index', 'idx_goals_active', 'goals'))
    // Expected with another text (as after a CREATE TABLE IF NOT EXISTS that did nothing): read.
    const other = { ...table, details: { ...table.details, sql: `${table.details?.sql} ` } }
    const differs = await read([other, column])
    expect(differs.statements).toBe(2)
    expect(differs.schema.objects.filter((o) => tableKinds.has(o.kind)).length).toBeGreaterThan(2)
    expect(differs.schema.objects.filter((o) => o.table === 'goals' || o.kind === 'table')).toEqual(goals)
    await conn.execute('ROLLBACK')
  })

  it('sends nothing when asked for no object at all', async () => {
    const conn = await fresh(exactness.base)
    const before = conn.roundTrips
    expect((await introspectSqlite(conn, { only: [] })).objects).toEqual([])
    expect(conn.roundTrips).toBe(before)
  })

  it('never shows how the statements were written: spacing, comments, quoting, case, IF NOT EXISTS', async () => {
    const plain = await fresh([
      `CREATE TABLE goals (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        status TEXT NOT NULL DEFAULT 'active' CHECK (status <> 'gone'), points INTEGER DEFAULT 0 UNIQUE)`,
      "CREATE INDEX idx_goals_user ON goals (user_id, status) WHERE status = 'active'",
      "CREATE VIEW open_goals AS SELECT id, user_id FROM goals WHERE status = 'active'",
      'CREATE TRIGGER trg_goals AFTER UPDATE OF status ON goals BEGIN SELECT RAISE(IGNORE); END',
    ])
    const noisy = await fresh([
      `create table if not exists main."goals" ( -- goals of a user
        [id] integer primary key,
        \`user_id\` integer not null references "users" ( "id" ) on delete cascade ,
        status text not null default ( 'active' ) check ( ( status != 'gone' ) ),
        points integer default (0),
        unique ( points )
      );`,
      'create index if not exists "idx_goals_user" on goals( [user_id] asc, status ) where ( status == \'active\' );',
      'create view open_goals as select /* open */ id, user_id from "goals" where status=\'active\';',
      'create trigger trg_goals update of "status" on goals for each row begin select raise ( ignore ) ; end;',
    ])
    // AFTER is what the plain build says; an omitted timing is BEFORE, so align that one word.
    await noisy.execute(
      'DROP TRIGGER trg_goals; create trigger trg_goals after update of "status" on goals for each row begin select raise ( ignore ) ; end',
    )
    const a = await introspectSqlite(plain)
    const b = await introspectSqlite(noisy)
    expect(named(a, b)).toEqual([])
    expect(fingerprint(b)).toBe(fingerprint(a))
  })

  it('does not depend on column order, nor on columns added later with ALTER TABLE', async () => {
    const inline = await fresh([
      "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL DEFAULT 'x', b INTEGER)",
    ])
    const added = await fresh([
      'CREATE TABLE t (b INTEGER, id INTEGER PRIMARY KEY)',
      "ALTER TABLE t ADD COLUMN a TEXT NOT NULL DEFAULT 'x'",
    ])
    const a = await introspectSqlite(inline)
    const b = await introspectSqlite(added)
    expect(fingerprint(b)).toBe(fingerprint(a))
    const position = (s: Schema, name: string) =>
      s.objects.find((o) => o.kind === 'column' && o.name === name)?.details
    expect(position(a, 'a')).toMatchObject({ position: 2 })
    expect(position(b, 'a')).toMatchObject({ position: 3 })
  })

  it('gives renamed tables and columns what writing them fresh gives, in indexes, views and triggers too', async () => {
    const written = await fresh([
      'CREATE TABLE t (id INTEGER PRIMARY KEY, score INTEGER CHECK (score >= 0))',
      'CREATE TABLE u (id INTEGER PRIMARY KEY, t_id INTEGER REFERENCES t (id))',
      'CREATE INDEX idx_t_score ON t (score)',
      'CREATE VIEW v AS SELECT score FROM t',
      'CREATE TRIGGER trg AFTER UPDATE OF score ON t BEGIN UPDATE t SET score = 0 WHERE score < 0; END',
    ])
    const renamed = await fresh([
      'CREATE TABLE old_t (id INTEGER PRIMARY KEY, points INTEGER CHECK (points >= 0))',
      'CREATE TABLE u (id INTEGER PRIMARY KEY, t_id INTEGER REFERENCES old_t (id))',
      'CREATE INDEX idx_t_score ON old_t (points)',
      'CREATE VIEW v AS SELECT points FROM old_t',
      'CREATE TRIGGER trg AFTER UPDATE OF points ON old_t BEGIN UPDATE old_t SET points = 0 WHERE points < 0; END',
      'ALTER TABLE old_t RENAME COLUMN points TO score',
      'ALTER TABLE old_t RENAME TO t',
    ])
    // SQLite wrote the new name quoted into every statement that names the table.
    const stored = await renamed.query<{ sql: string }>(
      "SELECT sql FROM sqlite_schema WHERE name IN ('u', 'v', 'trg')",
    )
    for (const row of stored) expect(row.sql).toContain('"t"')
    const a = await introspectSqlite(written)
    const b = await introspectSqlite(renamed)
    expect(named(a, b)).toEqual([])
    expect(fingerprint(b)).toBe(fingerprint(a))
  })

  it('pairs foreign keys with their text also after ALTER TABLE ADD COLUMN … REFERENCES and a reopen', async () => {
    const inline = await fresh([
      'CREATE TABLE p (id INTEGER PRIMARY KEY)',
      'CREATE TABLE c (x INTEGER CONSTRAINT c_x REFERENCES p (id), z INTEGER REFERENCES p (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED)',
    ])
    const added = await fresh([
      'CREATE TABLE p (id INTEGER PRIMARY KEY)',
      'CREATE TABLE c (x INTEGER CONSTRAINT c_x REFERENCES p (id))',
      'ALTER TABLE c ADD COLUMN z INTEGER REFERENCES p (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED',
    ])
    const expected = await introspectSqlite(inline)
    expect(keys(expected)).toContain(key('foreign_key', 'c_x', 'c'))
    expect(fingerprint(await introspectSqlite(added))).toBe(fingerprint(expected))
    const reopened = await open(dbs.at(-1)!)
    conns.push(reopened)
    expect(fingerprint(await introspectSqlite(reopened))).toBe(fingerprint(expected))
  })

  it('names unnamed constraints by what they constrain, so adding one names only that one', async () => {
    const before = await fresh(['CREATE TABLE t (a INTEGER CHECK (a > 0), b TEXT, UNIQUE (b))'])
    const after = await fresh([
      'CREATE TABLE t (c INTEGER CHECK (c < 5), a INTEGER CHECK (a > 0), b TEXT, UNIQUE (a), UNIQUE (b))',
    ])
    expect(named(await introspectSqlite(before), await introspectSqlite(after))).toEqual(
      [
        `extra ${key('check', 'c < 5', 't')}`,
        `extra ${key('column', 'c', 't')}`,
        `extra ${key('unique', 't_a_key', 't')}`,
      ].sort(),
    )
  })

  it('models a constraint written twice once, as SQLite enforces it once', async () => {
    const conn = await fresh([
      'CREATE TABLE t (a INTEGER UNIQUE, UNIQUE (a), CHECK (a > 0), CHECK ((a > 0)))',
    ])
    expect(keys(await introspectSqlite(conn))).toEqual(
      sorted([
        key('check', 'a > 0', 't'),
        key('column', 'a', 't'),
        key('table', 't'),
        key('unique', 't_a_key', 't'),
      ]),
    )
  })

  it('leaves out plumbline’s tables, SQLite’s own, temporary objects and a virtual table’s shadow tables', async () => {
    const conn = await fresh([
      'CREATE TABLE plumbline_migrations (revision TEXT PRIMARY KEY, checksum TEXT)',
      'CREATE INDEX plumbline_migrations_checksum ON plumbline_migrations (checksum)',
      "CREATE TRIGGER plumbline_guard BEFORE DELETE ON plumbline_migrations BEGIN SELECT RAISE(ABORT, 'no'); END",
      'CREATE TABLE counters (id INTEGER PRIMARY KEY AUTOINCREMENT)',
      'INSERT INTO counters DEFAULT VALUES',
      'ANALYZE',
      "CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize = 'porter')",
      'CREATE TEMP TABLE scratch (x)',
      'CREATE TEMP TRIGGER scratch_guard AFTER INSERT ON counters BEGIN SELECT 1; END',
    ])
    const schema = await introspectSqlite(conn)
    expect(keys(schema)).toEqual(
      sorted([
        key('column', 'id', 'counters'),
        key('primary_key', 'counters_pkey', 'counters'),
        key('table', 'counters'),
        key('table', 'docs'),
      ]),
    )
    expect(schema.objects.find((o) => o.name === 'docs')?.definition).toBe(
      "VIRTUAL TABLE docs USING fts5(title, body, tokenize = 'porter')",
    )
    // Read by name (verification), a shadow table is left out too, and its virtual table is not.
    const named = await introspectSqlite(conn, {
      only: [{ name: 'docs' }, { name: 'DOCS_content' }, { name: 'docs_data' }, { name: 'counters' }],
    })
    expect(keys(named)).toEqual(keys(schema))
  })

  it('keeps a table named like a shadow table that is not one', async () => {
    const conn = await fresh([
      'CREATE VIRTUAL TABLE docs USING fts5(title, body)',
      // Named after the virtual table, with a suffix its module does not own.
      'CREATE TABLE docs_notes (id INTEGER PRIMARY KEY, note TEXT)',
      // A shadow table's suffix, but no virtual table of that name.
      'CREATE TABLE notes_content (id INTEGER PRIMARY KEY)',
    ])
    const expected = sorted([
      key('column', 'id', 'docs_notes'),
      key('column', 'note', 'docs_notes'),
      key('primary_key', 'docs_notes_pkey', 'docs_notes'),
      key('table', 'docs_notes'),
      key('column', 'id', 'notes_content'),
      key('primary_key', 'notes_content_pkey', 'notes_content'),
      key('table', 'notes_content'),
    ])
    const schema = await introspectSqlite(conn)
    expect(keys(schema)).toEqual(sorted([...expected, key('table', 'docs')]))
    // By name, the virtual table is read (to tell shadows apart) but not returned unless asked for.
    const named = await introspectSqlite(conn, {
      only: [{ name: 'docs_notes' }, { name: 'notes_content' }, { name: 'docs_config' }],
    })
    expect(keys(named)).toEqual(expected)
  })

  it('still reads a schema in which a view names a table that was dropped', async () => {
    const conn = await fresh(['CREATE TABLE a (x)', 'CREATE VIEW v AS SELECT x FROM a', 'DROP TABLE a'])
    expect(keys(await introspectSqlite(conn))).toEqual([key('view', 'v')])
  })

  it('returns frozen objects', async () => {
    const conn = await fresh(exactness.base)
    const schema = await introspectSqlite(conn)
    const column = schema.objects.find((o) => o.kind === 'column')!
    expect(Object.isFrozen(schema.objects)).toBe(true)
    expect(Object.isFrozen(column)).toBe(true)
    expect(Object.isFrozen(column.details)).toBe(true)
  })
})
