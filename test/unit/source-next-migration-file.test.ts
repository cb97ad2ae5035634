import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { loadCodeMigration } from '../../src/source/load-code-migration.js'
import { loadMigrations } from '../../src/source/load-migrations.js'
import type { CodeMigration } from '../../src/source/migration.js'
import { migrationSlug, nextMigrationFile, nextVersion } from '../../src/source/next-migration-file.js'

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))
const NOW = new Date(Date.UTC(2025, 6, 13, 8, 5, 9))

const scratch: string[] = []
function folder(names: ReadonlyArray<string> = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'plumbline-new-'))
  scratch.push(dir)
  for (const name of names) writeFileSync(join(dir, name), 'SELECT 1;\n')
  return dir
}
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('nextMigrationFile: the version', () => {
  it('starts an empty folder at 0001', async () => {
    const dir = folder()
    expect(await nextMigrationFile(dir, 'init', { now: NOW })).toMatchObject({
      path: join(dir, '0001_init.sql'),
      id: '0001_init',
      version: '0001',
    })
  })

  it('starts a folder that does not exist yet at 0001', async () => {
    const dir = join(folder(), 'migrations')
    expect((await nextMigrationFile(dir, 'init', { now: NOW })).path).toBe(join(dir, '0001_init.sql'))
  })

  it('continues a zero-padded sequence with the same width: 0006 after 0005', async () => {
    const next = await nextMigrationFile(fixture('source-habits'), 'add goals deadline', { now: NOW })
    expect(next.id).toBe('0006_add_goals_deadline')
  })

  it('continues an unpadded sequence: 11 after 10', async () => {
    const next = await nextMigrationFile(fixture('source-ordering'), 'eleventh', { now: NOW })
    expect(next.id).toBe('11_eleventh')
  })

  it('stamps a folder of timestamps with now, in UTC', async () => {
    const next = await nextMigrationFile(fixture('source-timestamps'), 'add_streaks', { now: NOW })
    expect(next.id).toBe('20250713080509_add_streaks')
  })

  it('goes one past the latest timestamp when the clock is behind it', () => {
    expect(nextVersion(['20250712101500'], new Date(Date.UTC(2025, 6, 12, 10, 15, 0)))).toBe('20250712101501')
    expect(nextVersion(['20250712101500'], new Date(Date.UTC(2024, 0, 1)))).toBe('20250712101501')
  })

  it('follows the latest migration when a folder mixes styles', () => {
    expect(nextVersion(['0001', '0002', '20250712101500'], NOW)).toBe('20250713080509')
    expect(nextVersion(['20250712101500', '99999999999999'], NOW)).toBe('100000000000000')
  })

  it('reads a 14-digit number that is no date as a sequence', () => {
    expect(nextVersion(['00000000000041'], NOW)).toBe('00000000000042')
  })

  it('ignores files that are not migrations when choosing', async () => {
    const dir = folder(['0001_a.sql', 'README.md', '0009-not-a-migration.sql', '_0042_helper.ts'])
    expect((await nextMigrationFile(dir, 'b', { now: NOW })).version).toBe('0002')
  })

  it('is pure: the same folder and the same now give the same file, and nothing is written', async () => {
    const dir = folder(['0001_a.sql'])
    const first = await nextMigrationFile(dir, 'b', { now: NOW, ts: true })
    const second = await nextMigrationFile(dir, 'b', { now: NOW, ts: true })
    expect(second).toEqual(first)
    expect(existsSync(first.path)).toBe(false)
    expect(readdirSync(dir)).toEqual(['0001_a.sql'])
  })
})

describe('nextMigrationFile: the name', () => {
  it.each([
    ['add users timezone', 'add_users_timezone'],
    ['Add-Users.Timezone!', 'add_users_timezone'],
    ['AddUsersTimezone', 'add_users_timezone'],
    ['  créer   les_tâches  ', 'creer_les_taches'],
    ['2fa codes', '2fa_codes'],
  ])('slugifies %j to %s', (name, slug) => {
    expect(migrationSlug(name)).toBe(slug)
  })

  it('rejects a name with no letter or digit as MIGRATION_NAME_INVALID', async () => {
    await expect(nextMigrationFile(folder(), '!!! ---', { now: NOW })).rejects.toMatchObject({
      code: 'MIGRATION_NAME_INVALID',
    })
  })

  it('rejects a name longer than 100 characters', async () => {
    await expect(nextMigrationFile(folder(), 'x'.repeat(101), { now: NOW })).rejects.toMatchObject({
      code: 'MIGRATION_NAME_INVALID',
    })
  })
})

describe('nextMigrationFile: the template', () => {
  it('writes a SQL file with up and down sections', async () => {
    const next = await nextMigrationFile(folder(), 'init', { now: NOW })
    expect(next.contents).toBe('-- plumbline:up\n\n\n-- plumbline:down\n\n')
  })

  it('makes a SQL file that refuses to load until its up section is written', async () => {
    const dir = folder()
    const next = await nextMigrationFile(dir, 'init', { now: NOW })
    writeFileSync(next.path, next.contents)
    await expect(loadMigrations(dir, { dialect: 'sqlite' })).rejects.toMatchObject({
      code: 'MIGRATION_UP_EMPTY',
    })
    writeFileSync(
      next.path,
      next.contents.replace('-- plumbline:up\n', '-- plumbline:up\nCREATE TABLE a (id int);\n'),
    )
    const [migration] = await loadMigrations(dir, { dialect: 'sqlite' })
    expect(migration).toMatchObject({
      id: '0001_init',
      up: { statements: [{ sql: 'CREATE TABLE a (id int)', line: 2 }] },
    })
  })

  it('writes a TypeScript module exporting up(ctx) and down(ctx) with --ts', async () => {
    const dir = folder(['0001_a.sql'])
    const next = await nextMigrationFile(dir, 'backfill', { now: NOW, ts: true })
    expect(next.path).toBe(join(dir, '0002_backfill.ts'))
    expect(next.contents).toContain('export async function up(ctx: MigrationContext): Promise<void>')
    expect(next.contents).toContain('export async function down(ctx: MigrationContext): Promise<void>')
    writeFileSync(next.path, next.contents)
    const migration = (await loadMigrations(dir, { dialect: 'sqlite' }))[1] as CodeMigration
    const loaded = await loadCodeMigration(migration)
    expect(typeof loaded.up).toBe('function')
    expect(typeof loaded.down).toBe('function')
  })
})
