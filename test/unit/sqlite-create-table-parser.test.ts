import { describe, expect, it } from 'vitest'
import { parseCreateTable } from '../../src/dialects/sqlite/sqlite-create-table-parser.js'

describe('parseCreateTable', () => {
  it('reads what the pragmas leave out of a column', () => {
    const table = parseCreateTable(`CREATE TABLE users (
      email TEXT NOT NULL ON CONFLICT REPLACE COLLATE "nocase",
      total INT GENERATED ALWAYS AS ((points * 100)) STORED,
      half AS (points / 2),
      points INTEGER DEFAULT (-1) CHECK (points <> 0)
    )`)
    expect(table.columns).toEqual([
      { name: 'email', notNullConflict: 'REPLACE', collation: 'NOCASE', generated: null },
      {
        name: 'total',
        notNullConflict: null,
        collation: null,
        generated: { expression: 'points * 100', stored: true },
      },
      {
        name: 'half',
        notNullConflict: null,
        collation: null,
        generated: { expression: 'points / 2', stored: false },
      },
      { name: 'points', notNullConflict: null, collation: null, generated: null },
    ])
    expect(table.constraints).toEqual([{ kind: 'check', name: null, expression: 'points != 0' }])
  })

  it('steps over type names of several words and with arguments', () => {
    const table = parseCreateTable(
      'CREATE TABLE t (a UNSIGNED BIG INT NOT NULL, b VARCHAR ( 10 , 2 ) COLLATE rtrim, c, d "my type" UNIQUE)',
    )
    expect(table.columns.map((c) => [c.name, c.collation])).toEqual([
      ['a', null],
      ['b', 'RTRIM'],
      ['c', null],
      ['d', null],
    ])
    expect(table.constraints).toMatchObject([{ kind: 'unique', columns: ['d'] }])
  })

  it('reads column and table keys, with names, order, collation, conflict and AUTOINCREMENT', () => {
    const column = parseCreateTable(
      'CREATE TABLE t (id INTEGER CONSTRAINT pk PRIMARY KEY DESC ON CONFLICT FAIL AUTOINCREMENT)',
    )
    expect(column.constraints).toEqual([
      {
        kind: 'primary_key',
        name: 'pk',
        columns: ['id DESC'],
        columnNames: ['id'],
        conflict: 'FAIL',
        autoincrement: true,
      },
    ])
    const table = parseCreateTable(
      'CREATE TABLE t (a, b, PRIMARY KEY ("a" COLLATE NoCase ASC, b DESC) ON CONFLICT ABORT UNIQUE (b) CONSTRAINT u UNIQUE ([a]))',
    )
    expect(table.constraints).toEqual([
      {
        kind: 'primary_key',
        name: null,
        columns: ['a COLLATE NOCASE', 'b DESC'],
        columnNames: ['a', 'b'],
        conflict: null,
        autoincrement: false,
      },
      {
        kind: 'unique',
        name: null,
        columns: ['b'],
        columnNames: ['b'],
        conflict: null,
        autoincrement: false,
      },
      { kind: 'unique', name: 'u', columns: ['a'], columnNames: ['a'], conflict: null, autoincrement: false },
    ])
  })

  it('reads foreign keys from columns and the table, in the order they are written', () => {
    const table = parseCreateTable(`CREATE TABLE t (
      a INT REFERENCES "p" ON DELETE CASCADE ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED,
      b INT CONSTRAINT fk_b REFERENCES q(id) MATCH FULL NOT DEFERRABLE INITIALLY DEFERRED,
      c INT,
      FOREIGN KEY (c, b) REFERENCES r (x, y) ON DELETE NO ACTION ON INSERT SET DEFAULT DEFERRABLE INITIALLY IMMEDIATE
    )`)
    expect(table.constraints).toEqual([
      {
        kind: 'foreign_key',
        name: null,
        columns: ['a'],
        table: 'p',
        referencedColumns: [],
        onDelete: 'CASCADE',
        onUpdate: 'SET NULL',
        match: null,
        deferred: true,
      },
      {
        kind: 'foreign_key',
        name: 'fk_b',
        columns: ['b'],
        table: 'q',
        referencedColumns: ['id'],
        onDelete: 'NO ACTION',
        onUpdate: 'NO ACTION',
        match: 'FULL',
        deferred: false,
      },
      {
        kind: 'foreign_key',
        name: null,
        columns: ['c', 'b'],
        table: 'r',
        referencedColumns: ['x', 'y'],
        onDelete: 'NO ACTION',
        onUpdate: 'NO ACTION',
        match: null,
        deferred: false,
      },
    ])
  })

  it('reads checks with and without names, and a table check with a conflict clause', () => {
    const table = parseCreateTable(
      "CREATE TABLE t (a, CONSTRAINT positive CHECK (a > 0), CHECK ((a < 10)) ON CONFLICT IGNORE, CHECK (a <> 'x'))",
    )
    expect(table.constraints).toEqual([
      { kind: 'check', name: 'positive', expression: 'a > 0' },
      { kind: 'check', name: null, expression: 'a < 10' },
      { kind: 'check', name: null, expression: "a != 'x'" },
    ])
  })

  it('reads table options in any order and case', () => {
    expect(parseCreateTable('CREATE TABLE t (a INT PRIMARY KEY) strict, without rowid')).toMatchObject({
      withoutRowid: true,
      strict: true,
    })
    expect(parseCreateTable('CREATE TABLE t (a)')).toMatchObject({ withoutRowid: false, strict: false })
  })

  it('reads every spelling of a table alike', () => {
    const plain = parseCreateTable(
      "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT DEFAULT 'x' CHECK (email != ''), UNIQUE (email))",
    )
    const noisy = parseCreateTable(`create temp table if not exists main."users"( -- the users
      [id]   integer primary key asc,
      \`email\` text default 'x' /* fallback */ check ( (email<>'') ) ,
      unique ( "email" asc )
    );`)
    expect(noisy).toEqual(plain)
    expect(noisy.name).toBe('users')
  })

  it('keeps a column named like a keyword apart from the keyword', () => {
    const table = parseCreateTable(
      'CREATE TABLE t ("primary" INT, key TEXT, "check" INT CHECK ("check" > 0))',
    )
    expect(table.columns.map((c) => c.name)).toEqual(['primary', 'key', 'check'])
    expect(table.constraints).toEqual([{ kind: 'check', name: null, expression: '"check" > 0' }])
  })

  it('ignores a constraint name with no constraint after it, as SQLite does', () => {
    const table = parseCreateTable(
      'CREATE TABLE t (a INTEGER CONSTRAINT lonely, b, PRIMARY KEY (a), CONSTRAINT trailing)',
    )
    expect(table.columns.map((c) => c.name)).toEqual(['a', 'b'])
    expect(table.constraints).toMatchObject([{ kind: 'primary_key', name: null, columns: ['a'] }])
  })

  it('reads a virtual table as its module and arguments', () => {
    const table = parseCreateTable("CREATE VIRTUAL TABLE docs USING FTS5(title, body, tokenize = 'porter')")
    expect(table.using).toBe("USING fts5(title, body, tokenize = 'porter')")
    expect(table.columns).toEqual([])
  })

  it('refuses text that is not a CREATE TABLE, naming the place', () => {
    expect(() => parseCreateTable('CREATE TABLE t (a INT,)')).toThrow(/unexpected "\)" \(expected a name\)/)
    expect(() => parseCreateTable('CREATE TABLE t (a) WITH ROWID')).toThrow(
      /expected WITHOUT ROWID or STRICT/,
    )
    expect(() => parseCreateTable('CREATE VIEW t AS SELECT 1')).toThrow(/expected TABLE/)
  })
})
