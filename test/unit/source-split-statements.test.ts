import { describe, expect, it } from 'vitest'
import type { DialectName } from '../../src/config/connection-url.js'
import { splitStatements } from '../../src/source/split-statements.js'

const sqls = (sql: string, dialect: DialectName): string[] => splitStatements(sql, dialect).map((s) => s.sql)

function splitError(sql: string, dialect: DialectName): { code: string; message: string; line: unknown } {
  try {
    splitStatements(sql, dialect, { source: 'm.sql' })
  } catch (error) {
    const e = error as { code: string; message: string; details?: { line?: unknown } }
    return { code: e.code, message: e.message, line: e.details?.line }
  }
  throw new Error('expected splitStatements to throw')
}

const ALL: ReadonlyArray<DialectName> = ['sqlite', 'postgres', 'mysql']

describe('splitStatements: what every dialect shares', () => {
  for (const dialect of ALL) {
    describe(dialect, () => {
      it('splits on semicolons and leaves each statement without its terminator', () => {
        expect(sqls('CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n', dialect)).toEqual([
          'CREATE TABLE a (id int)',
          'CREATE TABLE b (id int)',
        ])
      })

      it('keeps a last statement that has no semicolon', () => {
        expect(sqls('SELECT 1;\nSELECT 2', dialect)).toEqual(['SELECT 1', 'SELECT 2'])
      })

      it('drops empty statements and statements made only of comments', () => {
        expect(sqls(';;\n  ;\n-- nothing here\n;\n/* nor here */;\nSELECT 1;;', dialect)).toEqual([
          'SELECT 1',
        ])
      })

      it('returns nothing for a script of comments and blank lines', () => {
        expect(sqls('\n-- only a comment\n\n/* and another */\n', dialect)).toEqual([])
      })

      it("keeps semicolons inside single-quoted strings, with '' escapes", () => {
        expect(sqls("INSERT INTO t VALUES ('it''s; here', ';');\nSELECT ';'';'", dialect)).toEqual([
          "INSERT INTO t VALUES ('it''s; here', ';')",
          "SELECT ';'';'",
        ])
      })

      it('keeps semicolons inside double quotes, with "" escapes', () => {
        expect(sqls('CREATE TABLE "a;""b" (x int); SELECT 1', dialect)).toEqual([
          'CREATE TABLE "a;""b" (x int)',
          'SELECT 1',
        ])
      })

      it('ignores semicolons in line and block comments', () => {
        expect(sqls('SELECT 1 -- not; the end\n, 2 /* nor; this */ ;\nSELECT 3', dialect)).toEqual([
          'SELECT 1 -- not; the end\n, 2',
          'SELECT 3',
        ])
      })

      it('leaves the comments before and after a statement out of its text', () => {
        expect(sqls('-- creates a\n/* really */\nCREATE TABLE a (id int); -- done\n', dialect)).toEqual([
          'CREATE TABLE a (id int)',
        ])
      })

      it('gives each statement the 1-based line of its first token, after leading comments', () => {
        const statements = splitStatements('-- header\n\nSELECT 1;\n\n  /* x */ SELECT\n  2;', dialect)
        expect(statements).toEqual([
          { sql: 'SELECT 1', line: 3 },
          { sql: 'SELECT\n  2', line: 5 },
        ])
      })

      it('returns frozen statements', () => {
        const statements = splitStatements('SELECT 1; SELECT 2', dialect)
        expect(Object.isFrozen(statements)).toBe(true)
        expect(Object.isFrozen(statements[0])).toBe(true)
      })

      it('names the file and the line of a string that never ends', () => {
        expect(splitError("SELECT 1;\nSELECT 'open;\nSELECT 2;", dialect)).toMatchObject({
          code: 'MIGRATION_SQL_INVALID',
          line: 2,
          message: expect.stringMatching(/^m\.sql:2: the string that begins here never ends/),
        })
      })

      it('splits a transaction written out in the script into its statements', () => {
        expect(sqls('BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;', dialect)).toEqual([
          'BEGIN',
          'CREATE TABLE a (id int)',
          'COMMIT',
        ])
      })
    })
  }
})

describe('splitStatements: SQLite', () => {
  it('keeps semicolons inside backticks and [brackets]', () => {
    expect(sqls('CREATE TABLE [a;b] (`c;``d` int, [e;f] text); SELECT 1', 'sqlite')).toEqual([
      'CREATE TABLE [a;b] (`c;``d` int, [e;f] text)',
      'SELECT 1',
    ])
  })

  it('takes a backslash in a string literally', () => {
    expect(sqls("SELECT 'a\\'; SELECT 2", 'sqlite')).toEqual(["SELECT 'a\\'", 'SELECT 2'])
  })

  it('keeps a trigger body with semicolons in one statement', () => {
    const script = [
      'CREATE TRIGGER audit_insert AFTER INSERT ON users',
      'BEGIN',
      "  INSERT INTO audit (msg) VALUES ('inserted; ' || NEW.id);",
      '  UPDATE counters SET n = n + 1;',
      'END;',
      'CREATE TABLE after_trigger (id int);',
    ].join('\n')
    expect(splitStatements(script, 'sqlite')).toEqual([
      { sql: script.slice(0, script.indexOf('END;') + 3), line: 1 },
      { sql: 'CREATE TABLE after_trigger (id int)', line: 6 },
    ])
  })

  it('counts CASE … END inside a trigger body, so its END does not close the body', () => {
    const trigger =
      'CREATE TRIGGER t_case BEFORE UPDATE ON t BEGIN\n' +
      "  UPDATE t SET label = CASE WHEN NEW.n > 1 THEN 'many' ELSE 'one' END;\n" +
      "  SELECT CASE NEW.n WHEN 0 THEN RAISE(ABORT, 'zero; no') END;\n" +
      'END'
    expect(sqls(`${trigger};\nSELECT 1;`, 'sqlite')).toEqual([trigger, 'SELECT 1'])
  })

  it('closes a CASE in the WHEN clause before the body begins', () => {
    const trigger =
      'CREATE TEMP TRIGGER t_when AFTER INSERT ON t WHEN CASE WHEN NEW.n > 0 THEN 1 ELSE 0 END\n' +
      'BEGIN INSERT INTO log VALUES (NEW.n); END'
    expect(sqls(`${trigger};SELECT 2`, 'sqlite')).toEqual([trigger, 'SELECT 2'])
  })

  it('reads NEW.end and t.begin in a trigger body as columns, not keywords', () => {
    const trigger = 'CREATE TRIGGER t_cols AFTER INSERT ON t BEGIN UPDATE t SET x = NEW.end + t.begin; END'
    expect(sqls(`${trigger}; SELECT 3`, 'sqlite')).toEqual([trigger, 'SELECT 3'])
  })

  it('treats BEGIN and END outside CREATE TRIGGER as the statements they are', () => {
    expect(sqls('CREATE TABLE t (begin int, end int); BEGIN; END;', 'sqlite')).toEqual([
      'CREATE TABLE t (begin int, end int)',
      'BEGIN',
      'END',
    ])
  })

  it('reports a trigger whose END is missing at its BEGIN', () => {
    expect(
      splitError(
        'SELECT 1;\nCREATE TRIGGER t AFTER INSERT ON x\nBEGIN\n  DELETE FROM y;\nSELECT 2;',
        'sqlite',
      ),
    ).toMatchObject({
      code: 'MIGRATION_SQL_INVALID',
      line: 3,
    })
  })

  it('lets a block comment that never ends run to the end of the script, as SQLite does', () => {
    expect(sqls('SELECT 1; /* open; SELECT 2;', 'sqlite')).toEqual(['SELECT 1'])
  })

  it('does not nest block comments', () => {
    expect(sqls('/* a /* b */ SELECT 1; SELECT 2 */', 'sqlite')).toEqual(['SELECT 1', 'SELECT 2 */'])
  })

  it('reads -- directly after a value as a comment', () => {
    expect(sqls('SELECT 1--1; SELECT 2\nSELECT 3', 'sqlite')).toEqual(['SELECT 1--1; SELECT 2\nSELECT 3'])
  })
})

describe('splitStatements: PostgreSQL', () => {
  it("keeps E'…' strings with backslash-escaped quotes whole", () => {
    expect(sqls("SELECT E'it\\'s; here', e'\\\\'; SELECT 2", 'postgres')).toEqual([
      "SELECT E'it\\'s; here', e'\\\\'",
      'SELECT 2',
    ])
  })

  it("takes a backslash in a plain '…' string literally (standard_conforming_strings)", () => {
    expect(sqls("SELECT 'a\\'; SELECT 2", 'postgres')).toEqual(["SELECT 'a\\'", 'SELECT 2'])
  })

  it('keeps $$ bodies and $tag$ bodies whole, with other dollar quotes inside', () => {
    const fn =
      'CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $body$\n' +
      'DECLARE s text := $$a; b$$;\n' +
      'BEGIN RETURN s; END;\n' +
      '$body$'
    expect(sqls(`${fn};\nDO $$ BEGIN PERFORM 1; END $$;\nSELECT 3`, 'postgres')).toEqual([
      fn,
      'DO $$ BEGIN PERFORM 1; END $$',
      'SELECT 3',
    ])
  })

  it('does not take $1 parameters for dollar quotes', () => {
    expect(
      sqls('PREPARE p (int, int) AS SELECT $1, $2; EXECUTE p(1, 2); SELECT $a$;$a$', 'postgres'),
    ).toEqual(['PREPARE p (int, int) AS SELECT $1, $2', 'EXECUTE p(1, 2)', 'SELECT $a$;$a$'])
  })

  it('does not take a $ inside an identifier for a dollar quote', () => {
    expect(sqls('CREATE TABLE x$ (a$b$c int); SELECT 2', 'postgres')).toEqual([
      'CREATE TABLE x$ (a$b$c int)',
      'SELECT 2',
    ])
  })

  it('nests block comments', () => {
    expect(sqls('/* a /* b */ SELECT 1; still a comment */ SELECT 2; SELECT 3', 'postgres')).toEqual([
      'SELECT 2',
      'SELECT 3',
    ])
  })

  it('keeps a BEGIN ATOMIC body whole, CASE … END inside it included', () => {
    const fn =
      'CREATE OR REPLACE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql\n' +
      'BEGIN ATOMIC\n' +
      '  SELECT CASE WHEN a > 0 THEN a + b ELSE b END;\n' +
      '  SELECT a + b;\n' +
      'END'
    const proc =
      'CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); END'
    expect(sqls(`${fn};\n${proc};\nSELECT add(1, 2);`, 'postgres')).toEqual([fn, proc, 'SELECT add(1, 2)'])
  })

  it('ignores CASE … END before the body and inside parentheses', () => {
    const fn =
      'CREATE FUNCTION g(x int DEFAULT (CASE WHEN true THEN 1 END)) RETURNS int LANGUAGE sql ' +
      'BEGIN ATOMIC SELECT (CASE WHEN x > 1 THEN 1 END); END'
    expect(sqls(`${fn}; SELECT 1`, 'postgres')).toEqual([fn, 'SELECT 1'])
  })

  it('reads a RETURN body with CASE … END, which has no BEGIN, as one statement', () => {
    const fn =
      'CREATE FUNCTION sign_of(x int) RETURNS int LANGUAGE sql RETURN CASE WHEN x < 0 THEN -1 ELSE 1 END'
    expect(sqls(`${fn}; SELECT sign_of(2);`, 'postgres')).toEqual([fn, 'SELECT sign_of(2)'])
  })

  it('keeps the semicolons of a rule with several actions', () => {
    const rule =
      'CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO l VALUES (1); INSERT INTO l VALUES (2))'
    expect(sqls(`${rule}; SELECT 1`, 'postgres')).toEqual([rule, 'SELECT 1'])
  })

  it('reports a parenthesis that swallowed semicolons and never closed', () => {
    expect(splitError('SELECT 1;\nSELECT (1;\nSELECT 2;', 'postgres')).toMatchObject({
      code: 'MIGRATION_SQL_INVALID',
      line: 2,
    })
  })

  it('keeps an optimizer hint in the statement it leads, and makes no statement of a lone one', () => {
    expect(sqls('/*+ SeqScan(t) */ SELECT * FROM t; /*+ nothing */;', 'postgres')).toEqual([
      '/*+ SeqScan(t) */ SELECT * FROM t',
    ])
  })

  it('names the line of a dollar quote that never ends', () => {
    expect(
      splitError(
        'SELECT 1;\n\nCREATE FUNCTION f() RETURNS int AS $fn$\nSELECT 1;\n$$ LANGUAGE sql;',
        'postgres',
      ),
    ).toMatchObject({
      code: 'MIGRATION_SQL_INVALID',
      line: 3,
      message: expect.stringContaining('dollar-quoted string $fn$'),
    })
  })

  it('names the line of a block comment that never ends', () => {
    expect(splitError('SELECT 1;\n/* open /* nested */\nSELECT 2;', 'postgres')).toMatchObject({
      code: 'MIGRATION_SQL_INVALID',
      line: 2,
    })
  })

  it('reads [ and ` as plain characters', () => {
    expect(sqls("SELECT (ARRAY[';'])[1]; SELECT 2", 'postgres')).toEqual([
      "SELECT (ARRAY[';'])[1]",
      'SELECT 2',
    ])
  })
})

describe('splitStatements: MySQL', () => {
  it('honours backslash escapes in single- and double-quoted strings', () => {
    expect(sqls('SELECT \'it\\\'s; here\', "a\\";b"; SELECT 2', 'mysql')).toEqual([
      'SELECT \'it\\\'s; here\', "a\\";b"',
      'SELECT 2',
    ])
  })

  it('names the line of a string whose closing quote a backslash escaped', () => {
    expect(splitError("SELECT 1;\nSELECT 'C:\\path\\';\nSELECT 2;", 'mysql')).toMatchObject({ line: 2 })
  })

  it('reads # as a line comment', () => {
    expect(sqls('SELECT 1; # a; b\nSELECT 2', 'mysql')).toEqual(['SELECT 1', 'SELECT 2'])
  })

  it('reads -- as a comment only when a space follows', () => {
    expect(sqls('SELECT 1--1; SELECT 2 -- x; y\n;', 'mysql')).toEqual(['SELECT 1--1', 'SELECT 2'])
  })

  it('keeps semicolons inside backticks', () => {
    expect(sqls('CREATE TABLE `a;``b` (id int); SELECT 1', 'mysql')).toEqual([
      'CREATE TABLE `a;``b` (id int)',
      'SELECT 1',
    ])
  })

  it('splits on the delimiter a DELIMITER line sets, and never sends the line', () => {
    const script = [
      'DELIMITER //',
      'CREATE PROCEDURE p()',
      'BEGIN',
      '  SELECT 1;',
      '  SELECT 2;',
      'END //',
      'delimiter ;',
      'SELECT 3;',
    ].join('\n')
    expect(splitStatements(script, 'mysql')).toEqual([
      { sql: 'CREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND', line: 2 },
      { sql: 'SELECT 3', line: 8 },
    ])
  })

  it('finds a delimiter glued to a word: END$$', () => {
    const script =
      'DELIMITER $$\nCREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW BEGIN SET NEW.a = 1; END$$\nDELIMITER ;'
    expect(sqls(script, 'mysql')).toEqual([
      'CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW BEGIN SET NEW.a = 1; END',
    ])
  })

  it('does not read DELIMITER inside a string as a command', () => {
    expect(sqls("SELECT '\nDELIMITER //\n'; SELECT 2", 'mysql')).toEqual([
      "SELECT '\nDELIMITER //\n'",
      'SELECT 2',
    ])
  })

  it('rejects a DELIMITER line without a delimiter', () => {
    expect(splitError('SELECT 1;\nDELIMITER\nSELECT 2;', 'mysql')).toMatchObject({
      code: 'MIGRATION_SQL_INVALID',
      line: 2,
    })
  })

  it('keeps executable comments, which the server runs, as statements', () => {
    expect(sqls('/*!40101 SET NAMES utf8mb4 */;\n/*M!100100 SET x = 1 */;\n/* plain */;', 'mysql')).toEqual([
      '/*!40101 SET NAMES utf8mb4 */',
      '/*M!100100 SET x = 1 */',
    ])
  })
})
