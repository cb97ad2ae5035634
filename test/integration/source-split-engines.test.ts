import { readFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConnectionUrl, type SqliteTarget } from '../../src/config/connection-url.js'
import type { Statement } from '../../src/source/migration.js'
import { splitStatements } from '../../src/source/split-statements.js'
import { createFreshDatabase, dialectTargets, type FreshDatabase } from '../support/database.js'

const script = (name: string): string =>
  readFileSync(new URL(`../fixtures/source-engine-scripts/${name}.sql`, import.meta.url), 'utf8')

/** Counted by hand, statement by statement (each fixture says it in its header). */
const EXPECTED_COUNT = { sqlite: 9, postgres: 12 } as const

const sqlitePath = (db: FreshDatabase): string => (parseConnectionUrl(db.url) as SqliteTarget).path

for (const target of dialectTargets()) {
  if (target.dialect === 'sqlite') {
    describe('sqlite: split statements run one by one on the engine', () => {
      const sql = script('sqlite')
      const statements = splitStatements(sql, 'sqlite')
      let piecewise: FreshDatabase
      let whole: FreshDatabase
      let db: Database.Database

      beforeAll(async () => {
        piecewise = await createFreshDatabase(target)
        whole = await createFreshDatabase(target)
        db = new Database(sqlitePath(piecewise))
        // prepare() refuses a text with more than one statement: every piece is exactly one.
        for (const s of statements) db.prepare(s.sql).run()
      })
      afterAll(async () => {
        db?.close()
        await piecewise?.drop()
        await whole?.drop()
      })

      it('finds as many statements as were counted by hand', () => {
        expect(statements.length).toBe(EXPECTED_COUNT.sqlite)
      })

      it('creates every object the script declares', () => {
        const names = db
          .prepare(
            "SELECT type || ':' || name AS o FROM sqlite_schema UNION ALL SELECT type || ':' || name FROM sqlite_temp_schema ORDER BY 1",
          )
          .pluck()
          .all()
        expect(names).toEqual([
          'index:idx_audit_msg',
          'table:audit',
          'table:semi;colon',
          'table:t_keywords',
          'trigger:trg_keywords',
          'trigger:trg_no_delete',
          'trigger:trg_note_insert',
          'view:v_end',
        ])
      })

      it('keeps trigger bodies whole: both statements of the body ran, CASE … END included', () => {
        expect(db.prepare('SELECT msg, at FROM audit').all()).toEqual([{ msg: 'inserted; small', at: 'A;' }])
        expect(() => db.prepare('DELETE FROM audit').run()).toThrow('no deletes; ever')
        db.prepare('INSERT INTO t_keywords (begin) VALUES (41)').run()
        expect(db.prepare('SELECT "end" FROM t_keywords').pluck().get()).toBe(42)
      })

      it('keeps quoted text whole', () => {
        const row = db.prepare('SELECT note, "back;tick" AS b, slash FROM "semi;colon"').get()
        expect(row).toEqual({ note: 'a', b: '/* not a comment */ -- nor this', slash: 'C:\\path\\' })
      })

      it('builds the same schema as SQLite running the whole script itself', () => {
        const other = new Database(sqlitePath(whole))
        try {
          other.exec(sql)
          const schema = (d: Database.Database) =>
            d.prepare('SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name').all()
          expect(schema(db)).toEqual(schema(other))
        } finally {
          other.close()
        }
      })
    })
  }

  if (target.dialect === 'postgres') {
    describe(`${target.name}: split statements run one by one on the engine`, () => {
      const sql = script('postgres')
      const statements = splitStatements(sql, 'postgres')
      let piecewise: FreshDatabase
      let whole: FreshDatabase
      let client: pg.Client

      const runEach = async (c: pg.Client, list: ReadonlyArray<Statement>) => {
        // A named statement goes through the extended protocol, which refuses more than one
        // command: every piece is exactly one.
        for (const [i, s] of list.entries()) await c.query({ name: `piece_${i}`, text: s.sql })
      }

      beforeAll(async () => {
        piecewise = await createFreshDatabase(target)
        whole = await createFreshDatabase(target)
        client = new pg.Client({ connectionString: piecewise.url })
        await client.connect()
        await runEach(client, statements)
      })
      afterAll(async () => {
        await client?.end()
        await piecewise?.drop()
        await whole?.drop()
      })

      it('finds as many statements as were counted by hand', () => {
        expect(statements.length).toBe(EXPECTED_COUNT.postgres)
      })

      it('proves the check: a piece holding two statements is refused', async () => {
        await expect(client.query({ name: 'two', text: 'SELECT 1; SELECT 2' })).rejects.toThrow(
          'cannot insert multiple commands into a prepared statement',
        )
      })

      it('creates every object the script declares', async () => {
        const { rows } = await client.query<{ o: string }>(SNAPSHOT)
        expect(rows.map((r) => r.o)).toEqual([
          'function:f_atomic',
          'function:f_dollar',
          'function:f_param',
          'function:f_tagged',
          'procedure:p_atomic',
          'relation:log:r',
          'relation:semi;colon:r',
          'relation:semi;colon_pkey:i',
          'relation:v_quotes:v',
          'relation:x$:r',
          'rule:r_log',
        ])
      })

      it('keeps dollar-quoted, BEGIN ATOMIC and parameterised bodies whole', async () => {
        const { rows } = await client.query(
          'SELECT f_dollar() AS d, f_tagged(1) AS t, f_atomic(2, 3) AS a, f_param(4) AS p',
        )
        expect(rows).toEqual([{ d: 'a;b', t: 2, a: 5, p: 8 }])
      })

      it('keeps the procedure body and both actions of the rule', async () => {
        const log = await client.query('SELECT n, note FROM log ORDER BY note')
        expect(log.rows).toEqual([
          { n: 2, note: 'from p_atomic; ok' },
          { n: 2, note: 'rule one' },
          { n: 2, note: 'rule two' },
        ])
      })

      it('keeps every kind of string whole', async () => {
        const row = await client.query('SELECT note, esc, raw FROM "semi;colon"')
        expect(row.rows).toEqual([{ note: 'many;', esc: "back\\slash ' quote; yes", raw: 'C:\\path\\' }])
        const view = await client.query('SELECT s, q, u FROM v_quotes')
        expect(view.rows).toEqual([{ s: ';', q: "'", u: 'data' }])
        const comment = await client.query(
          `SELECT obj_description('"semi;colon"'::regclass, 'pg_class') AS c`,
        )
        expect(comment.rows).toEqual([{ c: 'a comment; with semicolons' }])
      })

      it('builds the same catalog as PostgreSQL running the whole script itself', async () => {
        const other = new pg.Client({ connectionString: whole.url })
        await other.connect()
        try {
          await other.query(sql)
          const mine = await client.query(SNAPSHOT)
          const theirs = await other.query(SNAPSHOT)
          expect(mine.rows).toEqual(theirs.rows)
        } finally {
          await other.end()
        }
      })
    })
  }
}

const SNAPSHOT = `
  SELECT o FROM (
    SELECT 'relation:' || c.relname || ':' || c.relkind::text AS o
      FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'i', 'v')
    UNION ALL
    SELECT CASE p.prokind WHEN 'p' THEN 'procedure:' ELSE 'function:' END || p.proname
      FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
    UNION ALL
    SELECT 'rule:' || r.rulename FROM pg_rules r WHERE r.schemaname = 'public'
  ) objects
  ORDER BY o COLLATE "C"`
