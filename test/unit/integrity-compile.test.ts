import { describe, expect, it } from 'vitest'
import { aggregateCall } from '../../src/integrity/aggregate-call.js'
import { bindBounds, findBoundPlaceholders } from '../../src/integrity/bind-bounds.js'
import type { ReconcileCheck, ResolvedCheck } from '../../src/integrity/check-spec.js'
import { compileReconcile } from '../../src/integrity/compile-reconcile.js'
import { compileReferences } from '../../src/integrity/compile-references.js'
import { compileRowChecks, isRowCheck, type RowCheck } from '../../src/integrity/compile-row-checks.js'
import { compileSqlCheck } from '../../src/integrity/compile-sql-check.js'
import { compileUnique } from '../../src/integrity/compile-unique.js'
import { resolveIntegrityConfig } from '../../src/integrity/integrity-config.js'
import { proveCheck } from '../../src/integrity/prove-check.js'
import { sampleRow, totalOf } from '../../src/integrity/sample-values.js'
import { type TableFacts, tableFacts } from '../../src/integrity/table-facts.js'
import { createSchema, type SchemaObject } from '../../src/schema/model.js'

const reconcile: ReconcileCheck = {
  left: { table: 'points_log', groupBy: ['user_id', 'date'], value: 'sum(points)' },
  right: {
    table: 'daily_stats',
    groupBy: ['user_id', 'date'],
    value: 'sum(points)',
    where: 'date < CURRENT_DATE',
  },
  missing: 'zero',
  keys: ['user_id', 'date'],
}

function resolved(checks: Record<string, unknown>): ResolvedCheck[] {
  return [...resolveIntegrityConfig({ checks: checks as never }).checks.values()]
}

describe('integrity compile: backfill bounds', () => {
  it('binds :from and :to as parameters, once each on PostgreSQL', () => {
    expect(
      bindBounds('DELETE FROM t WHERE id > :from AND id <= :to AND parent_id > :from', 'postgres', 10, 20),
    ).toEqual({
      sql: 'DELETE FROM t WHERE id > $1 AND id <= $2 AND parent_id > $1',
      params: [10, 20],
    })
    expect(
      bindBounds('DELETE FROM t WHERE id > :from AND id <= :to AND parent_id > :from', 'mysql', 10, 20),
    ).toEqual({
      sql: 'DELETE FROM t WHERE id > ? AND id <= ? AND parent_id > ?',
      params: [10, 20, 10],
    })
  })

  it('leaves strings, quoted identifiers, comments and PostgreSQL casts alone', () => {
    const sql = `UPDATE t SET note = ':to', ":from" = 1, d = '2025-07-01'::date -- :to
WHERE id > :FROM AND id <= :to /* :from */`
    expect(findBoundPlaceholders(sql, 'postgres').map((p) => p.name)).toEqual(['from', 'to'])
    expect(
      bindBounds(sql, 'postgres', 1, 2).sql,
    ).toBe(`UPDATE t SET note = ':to', ":from" = 1, d = '2025-07-01'::date -- :to
WHERE id > $1 AND id <= $2 /* :from */`)
    expect(findBoundPlaceholders("SELECT x::to FROM t WHERE a = 'b'", 'postgres')).toEqual([])
  })
})

describe('integrity compile: one statement per check', () => {
  it('reconciles on PostgreSQL with a FULL JOIN of the two aggregates and IS DISTINCT FROM', () => {
    const { sql, params } = compileReconcile('postgres', reconcile, 5, new Map())
    expect(sql).toContain('FROM l FULL JOIN r ON l.k1 = r.k1 AND l.k2 = r.k2')
    expect(sql).toContain('lv IS DISTINCT FROM rv OR lv IS NULL')
    expect(sql).toContain('WHERE (date < CURRENT_DATE)')
    expect(sql).toMatch(
      /SELECT bad\.\*, COUNT\(\*\) OVER \(\) AS plumbline_total FROM bad ORDER BY .* LIMIT 5$/,
    )
    expect(sql).not.toContain('UNION')
    expect(params).toEqual([])
  })

  it('reconciles on SQLite and MySQL with UNION ALL and GROUP BY, never a join', () => {
    const sqlite = compileReconcile('sqlite', reconcile, 5, new Map()).sql
    expect(sqlite).toContain('UNION ALL')
    expect(sqlite).not.toMatch(/JOIN/)
    expect(sqlite).toContain('lv IS NOT rv OR lv IS NULL')
    const mysql = compileReconcile('mysql', { ...reconcile, tolerance: 0.01 }, 0, new Map())
    expect(mysql.sql).toContain('UNION ALL')
    expect(mysql.sql).not.toMatch(/JOIN/)
    expect(mysql.sql).toContain('`user_id`')
    expect(mysql.sql).toContain('lv IS NULL OR rv IS NULL OR ABS(lv - rv) > ?')
    expect(mysql.params).toEqual([0.01])
    expect(mysql.sql).toMatch(/LIMIT 1$/)
    expect(compileReconcile('mysql', reconcile, 5, new Map()).sql).toContain('NOT (lv <=> rv) OR lv IS NULL')
  })

  it('appends the rows of both sides on MySQL when each value is one aggregate call, and aggregates first otherwise', () => {
    const rows = compileReconcile('mysql', reconcile, 5, new Map()).sql
    expect(rows).toContain('(points) AS lv, NULL AS rv, 1 AS lp, NULL AS rp')
    expect(rows).toContain('SUM(lv) AS lv, SUM(rv) AS rv, COUNT(lp) AS lp, COUNT(rp) AS rp')
    const composite = { ...reconcile, left: { ...reconcile.left, value: 'sum(points) - sum(bonus)' } }
    const aggregated = compileReconcile('mysql', composite, 5, new Map()).sql
    expect(aggregated).toContain('sum(points) - sum(bonus) AS lv, NULL AS rv, 1 AS lp, 0 AS rp')
    expect(aggregated).toContain('MAX(lv) AS lv')
    expect(compileReconcile('sqlite', reconcile, 5, new Map()).sql).toContain(
      'sum(points) AS lv, NULL AS rv, 1 AS lp, 0 AS rp',
    )
  })

  it('keeps NULL-keyed sides apart only when the schema allows NULL keys', () => {
    const column = (name: string, notNull: boolean) =>
      [name, { name, type: 'integer', notNull, position: 1 }] as const
    const table = (name: string, notNull: boolean): TableFacts => ({
      name,
      columns: new Map([column('user_id', notNull), column('date', notNull)]),
      primaryKey: undefined,
      unique: [],
      foreignKeys: [],
    })
    const strict = new Map([
      ['points_log', table('points_log', true)],
      ['daily_stats', table('daily_stats', true)],
    ])
    expect(compileReconcile('sqlite', reconcile, 5, strict).sql).toContain('GROUP BY k1, k2\n')
    const loose = new Map([...strict, ['daily_stats', table('daily_stats', false)]])
    expect(compileReconcile('sqlite', reconcile, 5, loose).sql).toContain(
      'GROUP BY k1, k2, CASE WHEN k1 IS NULL OR k2 IS NULL THEN lp ELSE 0 END',
    )
  })

  it("makes an absent group a violation by itself with missing: 'fail'", () => {
    const { sql } = compileReconcile('postgres', { ...reconcile, missing: 'fail' }, 5, new Map())
    expect(sql).toContain('lp IS NULL OR rp IS NULL')
    expect(sql).toContain('l.v AS lv')
  })

  it('finds orphans with NOT EXISTS, skipping NULL references', () => {
    const [check] = resolved({
      r: {
        references: {
          from: { table: 'diary_entry', columns: ['user_id'] },
          to: { table: 'users', columns: ['id'] },
        },
      },
    })
    const { sql } = compileReferences(
      'sqlite',
      (check as Extract<ResolvedCheck, { kind: 'references' }>).spec,
      5,
      new Map(),
    )
    expect(sql).toContain('c."user_id" IS NOT NULL')
    expect(sql).toContain('NOT EXISTS (SELECT 1 FROM "users" p WHERE p."id" = c."user_id")')
    expect(sql).not.toMatch(/NOT IN/)
  })

  it('finds duplicates by GROUP BY, leaving out NULL keys', () => {
    const { sql } = compileUnique('postgres', { table: 'app.users', columns: ['email'] }, 5, new Map())
    expect(sql).toContain('FROM "app"."users"')
    expect(sql).toContain('WHERE "email" IS NOT NULL')
    expect(sql).toContain('HAVING COUNT(*) > 1')
  })

  it('wraps an sql check as a derived table, so it may start with WITH', () => {
    expect(compileSqlCheck('WITH x AS (SELECT 1 AS a) SELECT a FROM x', 3).sql).toBe(
      'SELECT bad.*, COUNT(*) OVER () AS plumbline_total FROM (\nWITH x AS (SELECT 1 AS a) SELECT a FROM x\n) bad LIMIT 3',
    )
  })
})

describe('integrity compile: aggregate calls', () => {
  it('reads one call of a NULL-ignoring aggregate, and nothing else', () => {
    expect(aggregateCall(' SUM( points ) ')).toEqual({ fn: 'SUM', distinct: false, argument: 'points' })
    expect(aggregateCall('count(*)')).toEqual({ fn: 'COUNT', distinct: false, argument: '1' })
    expect(aggregateCall('count(DISTINCT user_id)')).toEqual({
      fn: 'COUNT',
      distinct: true,
      argument: 'user_id',
    })
    expect(aggregateCall("max(CASE WHEN s = ')' THEN 1 END)")).toEqual({
      fn: 'MAX',
      distinct: false,
      argument: "CASE WHEN s = ')' THEN 1 END",
    })
    expect(aggregateCall('sum(a) - sum(b)')).toBeUndefined()
    expect(aggregateCall("string_agg(x, ',')")).toBeUndefined()
    expect(aggregateCall('sum(coalesce(a, 0))')).toEqual({
      fn: 'SUM',
      distinct: false,
      argument: 'coalesce(a, 0)',
    })
    expect(aggregateCall('count(DISTINCT *)')).toBeUndefined()
    expect(aggregateCall('points')).toBeUndefined()
  })
})

describe('integrity compile: row checks of one table share one scan', () => {
  const checks = resolved({
    rating: { expect: { table: 'diary_entry', that: 'rating BETWEEN 1 AND 5' } },
    status: { acceptedValues: { table: 'diary_entry', column: 'mood', values: ['good', 'bad'] } },
    body: { notNull: { table: 'diary_entry', columns: ['body'] } },
    scoped: { expect: { table: 'diary_entry', that: 'rating > 2', where: "mood = 'good'", nulls: 'pass' } },
    flags: { acceptedValues: { table: 'diary_entry', column: 'done', values: [true, false], nulls: 'pass' } },
  }).filter(isRowCheck) as RowCheck[]

  it('counts every check in one PostgreSQL statement with FILTER, NULL predicates failing', () => {
    const fused = compileRowChecks('postgres', 'diary_entry', checks, undefined)
    expect(fused.count.sql.match(/FROM/g)).toHaveLength(1)
    expect(fused.count.sql).toContain('count(*) FILTER (WHERE (rating BETWEEN 1 AND 5) IS NOT TRUE) AS c0')
    expect(fused.count.sql).toContain('count(*) FILTER (WHERE ("mood" IN ($1, $2)) IS NOT TRUE) AS c1')
    expect(fused.count.sql).toContain(
      `count(*) FILTER (WHERE (mood = 'good') AND ((rating > 2) IS NOT FALSE) IS NOT TRUE) AS c3`,
    )
    expect(fused.count.params).toEqual(['good', 'bad', true, false])
    expect(fused.members.map((m) => m.alias)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4'])
  })

  it('counts with SUM(CASE …) on SQLite and MySQL, which have no FILTER', () => {
    const sqlite = compileRowChecks('sqlite', 'diary_entry', checks, undefined)
    expect(sqlite.count.sql).toContain(
      'COALESCE(SUM(CASE WHEN rating BETWEEN 1 AND 5 THEN 0 ELSE 1 END), 0) AS c0',
    )
    expect(sqlite.count.params).toEqual(['good', 'bad', 1, 0])
    const mysql = compileRowChecks('mysql', 'diary_entry', checks, undefined)
    expect(mysql.count.sql).toContain('CASE WHEN `mood` IN (?, ?) THEN 0 ELSE 1 END')
    expect(mysql.count.sql).toContain('CASE WHEN `done` IS NULL OR `done` IN (?, ?) THEN 0 ELSE 1 END')
  })

  it('fetches samples key first, ordered by the primary key, with the columns the predicate reads', () => {
    const facts: TableFacts = {
      name: 'diary_entry',
      columns: new Map(
        ['id', 'user_id', 'rating', 'mood', 'body', 'done'].map((name, i) => [
          name,
          { name, type: 'integer', notNull: false, position: i + 1 },
        ]),
      ),
      primaryKey: ['id'],
      unique: [],
      foreignKeys: [],
    }
    const fused = compileRowChecks('postgres', 'diary_entry', checks, facts)
    expect(fused.members[0]!.samples.sql).toBe(
      'SELECT "id", "rating" FROM "diary_entry"\nWHERE (rating BETWEEN 1 AND 5) IS NOT TRUE ORDER BY "id" LIMIT 5',
    )
    expect(fused.members[3]!.samples.sql).toContain('SELECT "id", "rating", "mood" FROM')
  })
})

describe('integrity: proofs by constraint', () => {
  const facts = (objects: SchemaObject[], dialect: 'postgres' | 'sqlite' | 'mysql' = 'postgres') =>
    tableFacts(createSchema(dialect, objects), ['users', 'diary_entry'], dialect)
  const column = (table: string, name: string, notNull: boolean): SchemaObject => ({
    kind: 'column',
    table,
    name,
    definition: name,
    details: { type: 'integer', notNull, position: 1 },
  })
  const tables: SchemaObject[] = [
    { kind: 'table', name: 'users', definition: '' },
    { kind: 'table', name: 'diary_entry', definition: '' },
    column('users', 'id', true),
    column('users', 'email', false),
    column('diary_entry', 'user_id', true),
    column('diary_entry', 'rating', false),
  ]
  const [notNullId, notNullEmail, uniqueEmail, uniquePair, refs, expectCheck] = resolved({
    a: { notNull: { table: 'users', columns: ['id'] } },
    b: { notNull: { table: 'users', columns: ['id', 'email'] } },
    c: { unique: { table: 'users', columns: ['email'] } },
    d: { unique: { table: 'users', columns: ['email', 'id'], where: 'id > 0' } },
    e: {
      references: {
        from: { table: 'diary_entry', columns: ['user_id'] },
        to: { table: 'users', columns: ['id'] },
      },
    },
    f: { expect: { table: 'diary_entry', that: 'rating BETWEEN 1 AND 5' } },
  })

  it('proves notNull by NOT NULL columns only', () => {
    const f = facts(tables)
    expect(proveCheck(notNullId!, f)).toBe('NOT NULL column id')
    expect(proveCheck(notNullEmail!, f)).toBeUndefined()
  })

  it('proves unique by a full unique index or key on a subset of the columns, never a partial one', () => {
    const partial: SchemaObject = {
      kind: 'index',
      table: 'users',
      name: 'users_email_active',
      definition: '',
      details: { unique: true, columns: ['email'], where: 'active' },
    }
    expect(proveCheck(uniqueEmail!, facts([...tables, partial]))).toBeUndefined()
    const pk: SchemaObject = {
      kind: 'primary_key',
      table: 'users',
      name: 'users_pkey',
      definition: '',
      details: { columns: ['id'] },
    }
    expect(proveCheck(uniquePair!, facts([...tables, pk]))).toBe('primary key users_pkey')
    expect(proveCheck(uniqueEmail!, facts([...tables, pk]))).toBeUndefined()
    const mysqlIndex: SchemaObject = {
      kind: 'unique',
      table: 'users',
      name: 'email',
      definition: '',
      details: { columns: ['`email`'] },
    }
    expect(proveCheck(uniqueEmail!, facts([...tables, mysqlIndex], 'mysql'))).toBe('unique constraint email')
    const prefix: SchemaObject = { ...mysqlIndex, details: { columns: ['`email`(10)'] } }
    expect(proveCheck(uniqueEmail!, facts([...tables, prefix], 'mysql'))).toBeUndefined()
  })

  it('proves references only by a validated PostgreSQL foreign key', () => {
    const fk = (validated: boolean): SchemaObject => ({
      kind: 'foreign_key',
      table: 'diary_entry',
      name: 'diary_entry_user_id_fkey',
      definition: '',
      details: { columns: ['user_id'], references: { table: 'users', columns: ['id'] }, validated },
    })
    expect(proveCheck(refs!, facts([...tables, fk(true)]))).toBe('foreign key diary_entry_user_id_fkey')
    expect(proveCheck(refs!, facts([...tables, fk(false)]))).toBeUndefined()
    expect(proveCheck(refs!, facts([...tables, fk(true)], 'sqlite'))).toBeUndefined()
    expect(proveCheck(refs!, facts([...tables, fk(true)], 'mysql'))).toBeUndefined()
  })

  it('never proves an expect check by a CHECK constraint', () => {
    const check: SchemaObject = {
      kind: 'check',
      table: 'diary_entry',
      name: 'rating BETWEEN 1 AND 5',
      definition: 'CHECK (rating BETWEEN 1 AND 5)',
    }
    expect(proveCheck(expectCheck!, facts([...tables, check]))).toBeUndefined()
  })

  it('has no facts for a table whose unqualified name is in two schemas', () => {
    const twice = tableFacts(
      createSchema('postgres', [
        { kind: 'table', schema: 'a', name: 'users', definition: '' },
        { kind: 'table', schema: 'b', name: 'users', definition: '' },
      ]),
      ['users', 'b.users'],
      'postgres',
    )
    expect([...twice.keys()]).toEqual(['b.users'])
  })
})

describe('integrity: sample values', () => {
  it('makes driver values fit for JSON and for reading', () => {
    const row = sampleRow(
      {
        user_id: '3',
        big: '9007199254740993',
        day: new Date(2025, 6, 2),
        at: new Date(Date.UTC(2025, 6, 2, 10, 0, 0)),
        left: '25',
        right: '12.50',
        bytes: Buffer.from([1, 255]),
        note: '42',
        plumbline_total: '7',
      },
      { user_id: 'bigint', big: 'int8', day: 'date', at: 'timestamptz', note: 'text' },
      new Set(['left', 'right']),
    )
    expect(row).toEqual({
      user_id: 3,
      big: '9007199254740993',
      day: '2025-07-02',
      at: '2025-07-02T10:00:00.000Z',
      left: 25,
      right: '12.50',
      bytes: '\\x01ff',
      note: '42',
    })
    expect(totalOf([{ plumbline_total: '7' }])).toBe(7)
    expect(totalOf([])).toBe(0)
  })
})
