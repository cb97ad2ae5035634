import { describe, expect, it } from 'vitest'
import { parseCreateIndex } from '../../src/dialects/sqlite/sqlite-create-index-parser.js'
import { parseCreateTrigger } from '../../src/dialects/sqlite/sqlite-create-trigger-parser.js'
import { parseCreateView } from '../../src/dialects/sqlite/sqlite-create-view-parser.js'

describe('parseCreateIndex', () => {
  it('writes an executable canonical statement without noise', () => {
    const index = parseCreateIndex(
      'create unique index if not exists main."ix_goals" on [goals] ( user_id ASC, title collate nocase desc, lower( title ) ) where (status = \'active\');',
    )
    expect(index.definition).toBe(
      "CREATE UNIQUE INDEX ix_goals ON goals (user_id, title COLLATE NOCASE DESC, lower(title)) WHERE status = 'active'",
    )
    expect(index).toMatchObject({
      name: 'ix_goals',
      table: 'goals',
      unique: true,
      where: "status = 'active'",
    })
    expect(index.columns).toEqual([
      { text: 'user_id', column: 'user_id' },
      { text: 'title COLLATE NOCASE DESC', column: 'title' },
      { text: 'lower(title)', column: null },
    ])
  })

  it('gives the index the same text after its table was renamed', () => {
    expect(parseCreateIndex('CREATE INDEX i on "goals"("user_id")').definition).toBe(
      parseCreateIndex('CREATE INDEX i ON goals (user_id)').definition,
    )
  })

  it('keeps every real difference', () => {
    const base = parseCreateIndex('CREATE INDEX i ON t (a, b)').definition
    for (const other of [
      'CREATE UNIQUE INDEX i ON t (a, b)',
      'CREATE INDEX i ON t (b, a)',
      'CREATE INDEX i ON t (a, b DESC)',
      'CREATE INDEX i ON t (a, b COLLATE NOCASE)',
      'CREATE INDEX i ON t (a, b) WHERE a > 0',
      'CREATE INDEX i ON t (a, lower(b))',
    ]) {
      expect(parseCreateIndex(other).definition).not.toBe(base)
    }
  })
})

describe('parseCreateView', () => {
  it('normalises the query and keeps the column list', () => {
    const view = parseCreateView('CREATE VIEW IF NOT EXISTS "v" ( "a" , b ) as select id , "name" from [t] ;')
    expect(view.definition).toBe('CREATE VIEW v(a, b) AS SELECT id, name FROM t')
    expect(view.columns).toEqual(['a', 'b'])
  })
})

describe('parseCreateTrigger', () => {
  it('drops FOR EACH ROW and IF NOT EXISTS and writes the default BEFORE', () => {
    const trigger = parseCreateTrigger(
      'create trigger if not exists trg update of "a", b on [t] for each row when (new.a > 0) begin select 1 ; end',
    )
    expect(trigger.definition).toBe(
      'CREATE TRIGGER trg BEFORE UPDATE OF a, b ON t WHEN new.a > 0 BEGIN SELECT 1; END',
    )
    expect(trigger).toMatchObject({ name: 'trg', table: 't', timing: 'BEFORE', event: 'UPDATE OF a, b' })
  })

  it('reads INSTEAD OF triggers on views and CASE … END inside WHEN', () => {
    const trigger = parseCreateTrigger(
      'CREATE TRIGGER v_ins INSTEAD OF INSERT ON v WHEN CASE WHEN new.x THEN 1 END BEGIN INSERT INTO t VALUES (new.x); SELECT RAISE(IGNORE); END',
    )
    expect(trigger.definition).toBe(
      'CREATE TRIGGER v_ins INSTEAD OF INSERT ON v WHEN CASE WHEN new.x THEN 1 END BEGIN INSERT INTO t VALUES (new.x); SELECT RAISE(IGNORE); END',
    )
  })

  it('gives the same text after ALTER TABLE … RENAME quoted the names in it', () => {
    expect(
      parseCreateTrigger('CREATE TRIGGER t after insert on "nn" begin update "nn" set "n" = "n" + 1; end')
        .definition,
    ).toBe(
      parseCreateTrigger('CREATE TRIGGER t AFTER INSERT ON nn BEGIN UPDATE nn SET n = n + 1; END').definition,
    )
  })
})
