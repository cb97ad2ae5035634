import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { loadMigrations } from '../../src/source/load-migrations.js'
import type { Migration, SqlMigration } from '../../src/source/migration.js'
import { unreadableFileError } from '../../src/source/read-migration-file.js'

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))

const scratch: string[] = []
function folder(files: Readonly<Record<string, string | Uint8Array>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'plumbline-source-'))
  scratch.push(dir)
  for (const [name, contents] of Object.entries(files)) writeFileSync(join(dir, name), contents)
  return dir
}
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true })
})

async function failure(promise: Promise<unknown>): Promise<{
  code: string
  message: string
  hint?: string
  details?: Record<string, unknown>
}> {
  try {
    await promise
  } catch (error) {
    return error as { code: string; message: string; hint?: string; details?: Record<string, unknown> }
  }
  throw new Error('expected loadMigrations to fail')
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex')
const byId = (migrations: ReadonlyArray<Migration>, id: string): Migration =>
  migrations.find((m) => m.id === id)!

describe('loadMigrations: a folder of every format', () => {
  const dir = fixture('source-habits')
  const load = () => loadMigrations(dir, { dialect: 'postgres' })

  it('reads .sql, .up.sql/.down.sql pairs and code modules, in version order', async () => {
    const migrations = await load()
    expect(migrations.map((m) => [m.id, m.kind])).toEqual([
      ['0001_init', 'sql'],
      ['0002_performance_indexes', 'sql'],
      ['0003_points_log', 'sql'],
      ['0004_backfill_points', 'code'],
      ['0005_users_timezone', 'sql'],
    ])
  })

  it('ignores README.md, .DS_Store, plumbline.lock.json and _shared.mjs', async () => {
    const paths = (await load()).flatMap((m) => [m.path, m.kind === 'sql' ? m.downPath : undefined])
    expect(paths.filter((p) => p !== undefined).map((p) => p!.slice(dir.length + 1))).toEqual([
      '0001_init.sql',
      '0002_performance_indexes.sql',
      '0003_points_log.up.sql',
      '0003_points_log.down.sql',
      '0004_backfill_points.mjs',
      '0005_users_timezone.sql',
    ])
  })

  it('splits 0001_init.sql into its up and down sections, with lines of the file', async () => {
    const init = byId(await load(), '0001_init') as SqlMigration
    expect(init.up.statements.map((s) => [s.line, s.sql.split('\n')[0]])).toEqual([
      [3, 'CREATE TABLE users ('],
      [8, 'CREATE TABLE goals ('],
    ])
    expect(init.down?.statements).toEqual([
      { sql: 'DROP TABLE goals', line: 15 },
      { sql: 'DROP TABLE users', line: 16 },
    ])
    expect(init.up.sql.startsWith('CREATE TABLE users (')).toBe(true)
    expect(init.down?.sql).toBe('DROP TABLE goals;\nDROP TABLE users;')
  })

  it('reads a file without markers as all up and no down', async () => {
    const timezone = byId(await load(), '0005_users_timezone') as SqlMigration
    expect(timezone.up.statements).toEqual([
      { sql: "ALTER TABLE users ADD COLUMN timezone text NOT NULL DEFAULT 'UTC'", line: 1 },
    ])
    expect(timezone.down).toBeUndefined()
  })

  it('takes no-transaction from the header comment block', async () => {
    const migrations = await load()
    expect(byId(migrations, '0002_performance_indexes')).toMatchObject({
      transaction: false,
      directives: ['no-transaction'],
    })
    expect(byId(migrations, '0001_init')).toMatchObject({ transaction: true, directives: [] })
  })

  it('pairs 0003_points_log.up.sql with its .down.sql under one id, the $$ body kept whole', async () => {
    const log = byId(await load(), '0003_points_log') as SqlMigration
    expect(log.path).toBe(join(dir, '0003_points_log.up.sql'))
    expect(log.downPath).toBe(join(dir, '0003_points_log.down.sql'))
    expect(log.up.statements.map((s) => s.line)).toEqual([1, 8, 17])
    expect(log.up.statements[1]!.sql).toContain("RAISE EXCEPTION 'points must not be negative; got %'")
    expect(log.down?.statements.map((s) => s.sql)).toEqual([
      'DROP TABLE points_log',
      'DROP FUNCTION points_log_check()',
    ])
  })

  it('records a code migration and its directives without importing it', async () => {
    const backfill = byId(await load(), '0004_backfill_points')
    expect(backfill).toMatchObject({
      kind: 'code',
      version: '0004',
      name: 'backfill_points',
      transaction: false,
      directives: ['no-transaction'],
      up: {},
    })
    expect(backfill.down).toBeUndefined()
  })

  it('gives each migration the sha256 of its file, and a pair the sha256 of its up file', async () => {
    const migrations = await load()
    expect(byId(migrations, '0001_init').checksum).toBe(sha256(join(dir, '0001_init.sql')))
    const log = byId(migrations, '0003_points_log') as SqlMigration
    expect(log.checksum).toBe(sha256(join(dir, '0003_points_log.up.sql')))
    expect(log.downChecksum).toBe(sha256(join(dir, '0003_points_log.down.sql')))
    expect(byId(migrations, '0004_backfill_points').checksum).toMatch(/^[0-9a-f]{64}$/)
  })

  it('returns frozen migrations all the way down', async () => {
    const migrations = await load()
    const init = byId(migrations, '0001_init') as SqlMigration
    expect(Object.isFrozen(migrations)).toBe(true)
    expect(Object.isFrozen(init)).toBe(true)
    expect(Object.isFrozen(init.up)).toBe(true)
    expect(Object.isFrozen(init.up.statements)).toBe(true)
    expect(Object.isFrozen(init.up.statements[0])).toBe(true)
    expect(Object.isFrozen(init.directives)).toBe(true)
  })
})

describe('loadMigrations: order', () => {
  it('orders 2_x before 10_x: versions compare as numbers, not strings', async () => {
    const migrations = await loadMigrations(fixture('source-ordering'), { dialect: 'sqlite' })
    expect(migrations.map((m) => m.id)).toEqual(['1_first', '2_second', '0003_third', '10_tenth'])
  })

  it('orders versions beyond 2^53 exactly', async () => {
    const dir = folder({
      '9007199254740993_b.sql': 'SELECT 2;',
      '9007199254740992_a.sql': 'SELECT 1;',
    })
    const migrations = await loadMigrations(dir, { dialect: 'sqlite' })
    expect(migrations.map((m) => m.version)).toEqual(['9007199254740992', '9007199254740993'])
  })
})

describe('loadMigrations: a folder that is not right', () => {
  it('rejects 001_a.sql and 001_b.ts as DUPLICATE_VERSION', async () => {
    const dir = fixture('source-duplicate-version')
    const error = await failure(loadMigrations(dir, { dialect: 'sqlite' }))
    expect(error.code).toBe('DUPLICATE_VERSION')
    expect(error.message).toContain('001_b.ts')
    expect(error.message).toContain('001_a.sql')
    expect(error.hint).toBeTruthy()
    expect(error.details?.files).toEqual([join(dir, '001_a.sql'), join(dir, '001_b.ts')])
  })

  it('rejects 2_a.sql and 0002_b.up.sql as DUPLICATE_VERSION: 0002 is 2', async () => {
    const error = await failure(loadMigrations(fixture('source-duplicate-padding'), { dialect: 'sqlite' }))
    expect(error).toMatchObject({ code: 'DUPLICATE_VERSION', details: { version: '2' } })
  })

  it('rejects a .sql file and a pair of the same id as DUPLICATE_VERSION', async () => {
    const dir = folder({ '0001_a.sql': 'SELECT 1;', '0001_a.up.sql': 'SELECT 1;' })
    expect((await failure(loadMigrations(dir, { dialect: 'sqlite' }))).code).toBe('DUPLICATE_VERSION')
  })

  for (const [fixtureName, file, reason] of [
    ['source-bad-name-letters', 'abc_x.sql', /starts with its version/],
    ['source-bad-name-dash', '001-x.sql', /followed by "_", not "-"/],
    ['source-bad-name-empty', '001_.sql', /nothing follows/],
  ] as const) {
    it(`rejects ${file} as MIGRATION_NAME_INVALID, naming the file`, async () => {
      const dir = fixture(fixtureName)
      const error = await failure(loadMigrations(dir, { dialect: 'sqlite' }))
      expect(error.code).toBe('MIGRATION_NAME_INVALID')
      expect(error.message).toMatch(reason)
      expect(error.details?.file).toBe(join(dir, file))
      expect(error.hint).toContain('_')
    })
  }

  it.each([
    ['0001_init.SQL', /lower case/],
    ['0001_init.cjs', /CommonJS/],
    ['0001_add.users.sql', /may hold only letters/],
    ['0001_x.d.ts', /may hold only letters/],
    ['seed.sql', /starts with its version/],
  ])('rejects %s as MIGRATION_NAME_INVALID rather than skip it', async (name, reason) => {
    const error = await failure(loadMigrations(folder({ [name]: 'SELECT 1;' }), { dialect: 'sqlite' }))
    expect(error.code).toBe('MIGRATION_NAME_INVALID')
    expect(error.message).toMatch(reason)
  })

  it('rejects a folder named like a migration (one folder per migration is not this layout)', async () => {
    const dir = folder({ '0001_init.sql': 'SELECT 1;' })
    mkdirSync(join(dir, '0002_users'))
    writeFileSync(join(dir, '0002_users', 'migration.sql'), 'SELECT 2;')
    expect(await failure(loadMigrations(dir, { dialect: 'sqlite' }))).toMatchObject({
      code: 'MIGRATION_NAME_INVALID',
      details: { file: join(dir, '0002_users') },
    })
  })

  it('ignores other folders', async () => {
    const dir = folder({ '0001_init.sql': 'SELECT 1;' })
    mkdirSync(join(dir, 'seeds'))
    writeFileSync(join(dir, 'seeds', 'users.sql'), 'SELECT 2;')
    expect((await loadMigrations(dir, { dialect: 'sqlite' })).map((m) => m.id)).toEqual(['0001_init'])
  })

  it('rejects 0002_drop_a.down.sql without its .up.sql as MIGRATION_DOWN_WITHOUT_UP', async () => {
    const dir = fixture('source-down-without-up')
    const error = await failure(loadMigrations(dir, { dialect: 'sqlite' }))
    expect(error).toMatchObject({
      code: 'MIGRATION_DOWN_WITHOUT_UP',
      details: { file: join(dir, '0002_drop_a.down.sql') },
    })
    expect(error.message).toContain('0002_drop_a.up.sql')
  })

  it('rejects an unknown directive, naming the file and line', async () => {
    const dir = fixture('source-unknown-directive')
    const error = await failure(loadMigrations(dir, { dialect: 'postgres' }))
    expect(error).toMatchObject({
      code: 'MIGRATION_DIRECTIVE_UNKNOWN',
      details: { file: join(dir, '0001_big_index.sql'), line: 2 },
    })
    expect(error.message).toMatch(
      /0001_big_index\.sql:2: "-- plumbline:no-transactions" is not a plumbline directive/,
    )
    expect(error.hint).toContain('plumbline:no-transaction')
  })

  it('rejects a section marker that appears twice', async () => {
    const error = await failure(loadMigrations(fixture('source-section-twice'), { dialect: 'sqlite' }))
    expect(error).toMatchObject({ code: 'MIGRATION_SECTION_DUPLICATE', details: { line: 5, firstLine: 1 } })
  })

  it('rejects an up section without statements', async () => {
    const error = await failure(loadMigrations(fixture('source-empty-up'), { dialect: 'sqlite' }))
    expect(error).toMatchObject({ code: 'MIGRATION_UP_EMPTY', details: { line: 1 } })
  })

  it('rejects an empty file as an empty up section', async () => {
    const error = await failure(
      loadMigrations(folder({ '0001_x.sql': '\n-- nothing yet\n' }), { dialect: 'sqlite' }),
    )
    expect(error.code).toBe('MIGRATION_UP_EMPTY')
  })
})

describe('loadMigrations: an empty or missing folder', () => {
  it('reports a folder without migrations as NO_MIGRATIONS', async () => {
    const error = await failure(loadMigrations(fixture('source-empty'), { dialect: 'sqlite' }))
    expect(error.code).toBe('NO_MIGRATIONS')
    expect(error.hint).toContain('plumbline new')
  })

  it('returns no migrations for an empty folder when the caller allows it', async () => {
    const migrations = await loadMigrations(fixture('source-empty'), { dialect: 'sqlite', allowEmpty: true })
    expect(migrations).toEqual([])
    expect(Object.isFrozen(migrations)).toBe(true)
  })

  it('reports a missing folder as MIGRATIONS_DIR_MISSING, even when empty is allowed', async () => {
    const missing = join(fixture('source-empty'), 'nowhere')
    const error = await failure(loadMigrations(missing, { dialect: 'sqlite', allowEmpty: true }))
    expect(error).toMatchObject({ code: 'MIGRATIONS_DIR_MISSING', details: { dir: missing } })
  })

  it('reports a file given as the folder as MIGRATIONS_DIR_MISSING', async () => {
    const file = join(fixture('source-ordering'), '1_first.sql')
    expect((await failure(loadMigrations(file, { dialect: 'sqlite' }))).code).toBe('MIGRATIONS_DIR_MISSING')
  })
})

describe('loadMigrations: files that cannot be read', () => {
  it('names a migration file that cannot be read (a broken link) as MIGRATION_UNREADABLE', async () => {
    const dir = folder({ '0001_init.sql': 'SELECT 1;' })
    symlinkSync(join(dir, 'gone.sql'), join(dir, '0002_linked.sql'))
    const error = await failure(loadMigrations(dir, { dialect: 'sqlite' }))
    expect(error).toMatchObject({
      code: 'MIGRATION_UNREADABLE',
      details: { file: join(dir, '0002_linked.sql'), errno: 'ENOENT' },
    })
  })

  it('explains permission denied (EACCES) with the chmod that fixes it', () => {
    const cause = Object.assign(new Error("EACCES: permission denied, open 'm/0001_a.sql'"), {
      code: 'EACCES',
    })
    const error = unreadableFileError('m/0001_a.sql', cause)
    expect(error).toMatchObject({
      code: 'MIGRATION_UNREADABLE',
      details: { file: 'm/0001_a.sql', errno: 'EACCES' },
    })
    expect(error.message).toBe('m/0001_a.sql: cannot read: permission denied')
    expect(error.hint).toContain('chmod a+r m/0001_a.sql')
    expect(error.cause).toBe(cause)
  })

  it('rejects a file that is not UTF-8', async () => {
    const latin1 = Uint8Array.from([
      ...Buffer.from("INSERT INTO t VALUES ('caf"),
      0xe9,
      ...Buffer.from("');"),
    ])
    const error = await failure(loadMigrations(folder({ '0001_x.sql': latin1 }), { dialect: 'sqlite' }))
    expect(error.code).toBe('MIGRATION_UNREADABLE')
    expect(error.message).toContain('not valid UTF-8')
  })

  it('reads past a byte-order mark, which the checksum still covers', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('SELECT 1;\n')])
    const dir = folder({ '0001_x.sql': bytes })
    const [migration] = (await loadMigrations(dir, { dialect: 'sqlite' })) as SqlMigration[]
    expect(migration!.up.statements).toEqual([{ sql: 'SELECT 1', line: 1 }])
    expect(migration!.checksum).toBe(createHash('sha256').update(bytes).digest('hex'))
  })
})
