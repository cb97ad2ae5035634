import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { DialectName } from '../../src/config/connection-url.js'
import { loadMigrations } from '../../src/source/load-migrations.js'
import type { Migration, SqlMigration } from '../../src/source/migration.js'

const scratch: string[] = []
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** Loads a folder holding `files` and returns its only migration. */
async function load(
  files: Readonly<Record<string, string>>,
  dialect: DialectName = 'postgres',
): Promise<Migration> {
  const dir = mkdtempSync(join(tmpdir(), 'plumbline-sections-'))
  scratch.push(dir)
  for (const [name, contents] of Object.entries(files)) writeFileSync(join(dir, name), contents)
  const migrations = await loadMigrations(dir, { dialect })
  expect(migrations).toHaveLength(1)
  return migrations[0]!
}

const loadSql = async (text: string, dialect: DialectName = 'postgres'): Promise<SqlMigration> =>
  (await load({ '0001_m.sql': text }, dialect)) as SqlMigration

async function failure(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; details?: Record<string, unknown> }> {
  try {
    await promise
  } catch (error) {
    return error as { code: string; message: string; details?: Record<string, unknown> }
  }
  throw new Error('expected a failure')
}

const sqlOf = (m: SqlMigration, section: 'up' | 'down') => m[section]?.statements.map((s) => s.sql)

describe('sections of a .sql migration', () => {
  it('reads what precedes -- plumbline:down as up when there is no up marker', async () => {
    const m = await loadSql('CREATE TABLE a (id int);\n-- plumbline:down\nDROP TABLE a;\n')
    expect(sqlOf(m, 'up')).toEqual(['CREATE TABLE a (id int)'])
    expect(sqlOf(m, 'down')).toEqual(['DROP TABLE a'])
  })

  it('rejects SQL above -- plumbline:up as belonging to no section', async () => {
    const error = await failure(
      loadSql('CREATE TABLE a (id int);\n-- plumbline:up\nCREATE TABLE b (id int);\n'),
    )
    expect(error).toMatchObject({ code: 'MIGRATION_SQL_OUTSIDE_SECTION', details: { line: 1 } })
  })

  it('accepts the down section before the up section', async () => {
    const m = await loadSql('-- plumbline:down\nDROP TABLE a;\n-- plumbline:up\nCREATE TABLE a (id int);\n')
    expect(sqlOf(m, 'up')).toEqual(['CREATE TABLE a (id int)'])
    expect(sqlOf(m, 'down')).toEqual(['DROP TABLE a'])
  })

  it('takes an empty down section to mean the migration cannot be undone', async () => {
    const m = await loadSql('-- plumbline:up\nCREATE TABLE a (id int);\n-- plumbline:down\n-- irreversible\n')
    expect(m.down).toBeUndefined()
  })

  it('does not take a marker inside a dollar-quoted body for a section', async () => {
    const fn = [
      '-- plumbline:up',
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$',
      '-- plumbline:down',
      'SELECT 1',
      '$$;',
    ].join('\n')
    const m = await loadSql(fn)
    expect(sqlOf(m, 'up')).toEqual([fn.slice(fn.indexOf('CREATE'), -1)])
    expect(m.down).toBeUndefined()
  })

  it('does not take a marker inside a block comment or a string for a section', async () => {
    const m = await loadSql("/*\n-- plumbline:down\n*/\nSELECT '\n-- plumbline:down\n';\n")
    expect(m.up.statements).toHaveLength(1)
    expect(m.down).toBeUndefined()
  })

  it('counts statement lines in the file, not in the section', async () => {
    const m = await loadSql('-- header\n-- plumbline:up\nSELECT 1;\n\n-- plumbline:down\n\nSELECT 2;\n')
    expect(m.up.statements).toEqual([{ sql: 'SELECT 1', line: 3 }])
    expect(m.down?.statements).toEqual([{ sql: 'SELECT 2', line: 7 }])
  })

  it('reads markers indented and in any letter case', async () => {
    const m = await loadSql('  --   PLUMBLINE:Up\nSELECT 1;\n\t-- plumbline:DOWN\nSELECT 2;')
    expect(sqlOf(m, 'up')).toEqual(['SELECT 1'])
    expect(sqlOf(m, 'down')).toEqual(['SELECT 2'])
  })

  it('keeps a statement that runs into the next marker inside its own section', async () => {
    const m = await loadSql('-- plumbline:up\nSELECT 1\n-- plumbline:down\nSELECT 2\n')
    expect(sqlOf(m, 'up')).toEqual(['SELECT 1'])
    expect(sqlOf(m, 'down')).toEqual(['SELECT 2'])
  })

  it('keeps the section text as written', async () => {
    const m = await loadSql('-- plumbline:up\n-- why\nSELECT 1; /* x */\n-- plumbline:down\nSELECT 2;\n')
    expect(m.up.sql).toBe('-- why\nSELECT 1; /* x */')
  })
})

describe('directives', () => {
  it('rejects a directive below the first SQL statement', async () => {
    const error = await failure(loadSql('CREATE TABLE a (id int);\n-- plumbline:no-transaction\n'))
    expect(error).toMatchObject({ code: 'MIGRATION_DIRECTIVE_MISPLACED', details: { line: 2 } })
  })

  it('accepts a directive after the up marker, as long as no SQL precedes it', async () => {
    const m = await loadSql(
      '-- plumbline:up\n-- plumbline:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);',
    )
    expect(m.transaction).toBe(false)
  })

  it('rejects a directive that shares its line with SQL', async () => {
    const error = await failure(loadSql('SELECT 1; -- plumbline:down\nSELECT 2;'))
    expect(error).toMatchObject({ code: 'MIGRATION_DIRECTIVE_MISPLACED', details: { line: 1 } })
  })

  it('rejects a directive line with more than the directive on it', async () => {
    const error = await failure(loadSql('-- plumbline:up now\nSELECT 1;'))
    expect(error).toMatchObject({ code: 'MIGRATION_DIRECTIVE_UNKNOWN', details: { line: 1 } })
  })

  it('rejects a plumbline: line with no directive', async () => {
    const error = await failure(loadSql('-- plumbline:\nSELECT 1;'))
    expect(error.code).toBe('MIGRATION_DIRECTIVE_UNKNOWN')
  })

  it('lists a directive once, however often it is written', async () => {
    const m = await loadSql('-- plumbline:no-transaction\n-- plumbline:no-transaction\nSELECT 1;')
    expect(m.directives).toEqual(['no-transaction'])
  })

  it('leaves plumbline: in an ordinary comment alone', async () => {
    const m = await loadSql('-- see the plumbline: docs\nSELECT 1;')
    expect(m.directives).toEqual([])
  })
})

describe('.up.sql and .down.sql pairs', () => {
  it('rejects -- plumbline:down in an .up.sql file', async () => {
    const error = await failure(
      load({ '0001_m.up.sql': 'SELECT 1;\n-- plumbline:down\nSELECT 2;', '0001_m.down.sql': 'SELECT 3;' }),
    )
    expect(error).toMatchObject({ code: 'MIGRATION_DIRECTIVE_MISPLACED', details: { line: 2 } })
  })

  it('accepts a redundant -- plumbline:up at the top of an .up.sql file', async () => {
    const m = (await load({ '0001_m.up.sql': '-- plumbline:up\nSELECT 1;' })) as SqlMigration
    expect(sqlOf(m, 'up')).toEqual(['SELECT 1'])
  })

  it('rejects directives in a .down.sql file: they belong to the whole migration', async () => {
    const error = await failure(
      load({ '0001_m.up.sql': 'SELECT 1;', '0001_m.down.sql': '-- plumbline:no-transaction\nSELECT 2;' }),
    )
    expect(error).toMatchObject({ code: 'MIGRATION_DIRECTIVE_MISPLACED', details: { line: 1 } })
    expect(error.message).toContain('0001_m.down.sql:1:')
  })

  it('takes a .down.sql without statements as no down, and still records the file', async () => {
    const m = (await load({
      '0001_m.up.sql': 'SELECT 1;',
      '0001_m.down.sql': '-- cannot be undone\n',
    })) as SqlMigration
    expect(m.down).toBeUndefined()
    expect(m.downPath).toMatch(/0001_m\.down\.sql$/)
  })

  it('counts the lines of down statements in the .down.sql file', async () => {
    const m = (await load({
      '0001_m.up.sql': 'SELECT 1;',
      '0001_m.down.sql': '\n\nDROP TABLE a;',
    })) as SqlMigration
    expect(m.down?.statements).toEqual([{ sql: 'DROP TABLE a', line: 3 }])
  })
})

describe('code migrations', () => {
  it('reads // plumbline:no-transaction below the imports', async () => {
    const m = await load({
      '0001_m.mjs':
        "import { x } from './_x.mjs'\n// plumbline:no-transaction\nexport async function up() {}\n",
    })
    expect(m).toMatchObject({ kind: 'code', transaction: false, directives: ['no-transaction'] })
  })

  it('rejects a section marker in a code migration', async () => {
    const error = await failure(load({ '0001_m.ts': '// plumbline:up\nexport async function up() {}\n' }))
    expect(error).toMatchObject({ code: 'MIGRATION_DIRECTIVE_MISPLACED', details: { line: 1 } })
  })

  it('rejects an unknown directive in a code migration', async () => {
    const error = await failure(
      load({ '0001_m.js': '\n// plumbline:transaction\nexport async function up() {}\n' }),
    )
    expect(error).toMatchObject({ code: 'MIGRATION_DIRECTIVE_UNKNOWN', details: { line: 2 } })
  })
})

describe('dialect-specific sections', () => {
  it('starts every section of a MySQL file with the ; delimiter', async () => {
    const m = await loadSql(
      [
        '-- plumbline:up',
        'DELIMITER //',
        'CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END //',
        '-- plumbline:down',
        'DROP PROCEDURE p;',
        'SELECT 1;',
      ].join('\n'),
      'mysql',
    )
    expect(sqlOf(m, 'up')).toEqual(['CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END'])
    expect(sqlOf(m, 'down')).toEqual(['DROP PROCEDURE p', 'SELECT 1'])
  })

  it('reads --plumbline:down as the marker on MySQL too, where -- needs a space to be a comment', async () => {
    const m = await loadSql('--plumbline:up\nSELECT 1;\n--plumbline:down\nSELECT 2;', 'mysql')
    expect(sqlOf(m, 'up')).toEqual(['SELECT 1'])
    expect(sqlOf(m, 'down')).toEqual(['SELECT 2'])
  })

  it('keeps a MySQL header directive written without a space out of the SQL', async () => {
    const m = await loadSql('--plumbline:no-transaction\nALTER TABLE t ADD COLUMN c int;', 'mysql')
    expect(m.transaction).toBe(false)
    expect(sqlOf(m, 'up')).toEqual(['ALTER TABLE t ADD COLUMN c int'])
  })

  it('keeps a SQLite trigger body whole inside its section', async () => {
    const trigger = 'CREATE TRIGGER t AFTER INSERT ON a BEGIN INSERT INTO b VALUES (1); DELETE FROM c; END'
    const m = await loadSql(`-- plumbline:up\n${trigger};\n-- plumbline:down\nDROP TRIGGER t;`, 'sqlite')
    expect(sqlOf(m, 'up')).toEqual([trigger])
  })
})
