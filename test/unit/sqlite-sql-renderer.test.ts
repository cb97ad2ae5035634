import { describe, expect, it } from 'vitest'
import { tokenizeSql } from '../../src/dialects/sqlite/sqlite-ddl-tokenizer.js'
import {
  canonicalIdentifier,
  renderSql,
  unwrapParentheses,
} from '../../src/dialects/sqlite/sqlite-sql-renderer.js'

const render = (sql: string) => renderSql(tokenizeSql(sql))

describe('renderSql', () => {
  it('makes whitespace, comments, keyword case and quoting style vanish', () => {
    const a = render("select  g.id,g.title\n  from [goals] as g -- active only\n where g.status='active'")
    const b = render('SELECT "g"."id", `g`.`title` FROM goals AS "g" /* ! */ WHERE g.status = \'active\'')
    expect(a).toBe("SELECT g.id, g.title FROM goals AS g WHERE g.status = 'active'")
    expect(b).toBe(a)
  })

  it('keeps what is real: string contents and case, identifier case', () => {
    expect(render("status = 'Active'")).not.toBe(render("status = 'active'"))
    expect(render('SELECT x AS Total')).toBe('SELECT x AS Total')
    expect(render('SELECT x AS total')).toBe('SELECT x AS total')
  })

  it('quotes an identifier only when it must, keywords included', () => {
    expect(render('"user id" + "order" + "users"')).toBe('"user id" + "order" + users')
  })

  it('writes == as = and <> as !=', () => {
    expect(render('a == 1 AND b <> 2')).toBe('a = 1 AND b != 2')
  })

  it('tells a unary sign from a binary one and never writes --', () => {
    expect(render('x - 1')).toBe('x - 1')
    expect(render('-1')).toBe('-1')
    expect(render('( - 1 ) * - - 2')).toBe('(-1) * - -2')
    expect(render('CASE WHEN a THEN - 1 ELSE 0 END - 1')).toBe('CASE WHEN a THEN -1 ELSE 0 END - 1')
  })

  it('writes calls without a space, keywords with one, also keyword-named functions', () => {
    expect(render('lower ( email )')).toBe('lower(email)')
    expect(render('a in(1,2)')).toBe('a IN (1, 2)')
    expect(render("replace ( body , ' ' , '' )")).toBe("REPLACE(body, ' ', '')")
    expect(render("name like ('a%')")).toBe("name LIKE ('a%')")
    expect(render("select raise ( abort , 'no' )")).toBe("SELECT RAISE(ABORT, 'no')")
  })

  it('writes collation names in upper case, as SQLite compares them', () => {
    expect(render('title collate "nocase"')).toBe('title COLLATE NOCASE')
    expect(render("title collate 'my coll'")).toBe('title COLLATE "MY COLL"')
  })

  it('writes the literals TRUE and FALSE in upper case like keywords', () => {
    expect(render('done = true OR done = False')).toBe('done = TRUE OR done = FALSE')
  })

  it('normalises blob and hexadecimal spelling', () => {
    expect(render("x'0aff' + 0X1F")).toBe("X'0AFF' + 0x1f")
  })

  it('gives the same text whether the source was already canonical or is rewritten from the start', () => {
    for (const sql of [
      "CREATE INDEX idx_goals_active ON goals (user_id, created_at) WHERE status = 'active'",
      "SELECT g.id, count(*) AS n FROM goals AS g WHERE g.status IN ('a', 'b') AND -g.n < - -1 GROUP BY g.id",
      "CREATE TRIGGER t AFTER INSERT ON p BEGIN SELECT RAISE(ABORT, 'no'); UPDATE q SET n = n + 1; END",
      "length(body) - length(REPLACE(body, ' ', '')) + 1",
      'x COLLATE NOCASE DESC, y == 1 OR z <> 2 OR w = TRUE OR v = false',
      "a->>'$.b' || X'0A' || 0x1F || 1e5",
    ]) {
      const spread = sql.replace(/ /g, '  ').replace(/' {2}'/g, "' '")
      expect(render(spread)).toBe(render(sql))
      expect(render(render(sql))).toBe(render(sql))
    }
  })

  it('produces text that reads back to the same tokens', () => {
    const sql = 'CREATE TRIGGER t AFTER UPDATE OF a ON x WHEN new.a <> old.a BEGIN UPDATE y SET n = - -n; END'
    const once = render(sql)
    expect(render(once)).toBe(once)
    const texts = (text: string) => {
      const tokens = tokenizeSql(text)
      return Array.from({ length: tokens.length }, (_, i) => tokens.keyword(i) ?? tokens.text(i))
    }
    expect(texts(once)).toEqual(texts(sql).map((t) => (t === '<>' ? '!=' : t)))
  })
})

describe('canonicalIdentifier', () => {
  it('leaves plain names bare and quotes the rest with doubled quotes', () => {
    expect(canonicalIdentifier('daily_stats')).toBe('daily_stats')
    expect(canonicalIdentifier('Users')).toBe('Users')
    expect(canonicalIdentifier('key')).toBe('"key"')
    expect(canonicalIdentifier('1st')).toBe('"1st"')
    expect(canonicalIdentifier('say "hi"')).toBe('"say ""hi"""')
  })
})

describe('unwrapParentheses', () => {
  it('removes only parentheses that wrap the whole expression', () => {
    const tokens = tokenizeSql('((a > 0))')
    expect(renderSql(tokens, ...unwrapParentheses(tokens, 0, tokens.length))).toBe('a > 0')
    const pair = tokenizeSql('(a) + (b)')
    expect(renderSql(pair, ...unwrapParentheses(pair, 0, pair.length))).toBe('(a) + (b)')
  })
})
