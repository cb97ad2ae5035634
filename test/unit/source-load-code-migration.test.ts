import { execFileSync } from 'node:child_process'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadCodeMigration } from '../../src/source/load-code-migration.js'
import { loadMigrations } from '../../src/source/load-migrations.js'
import type { CodeMigration, Migration } from '../../src/source/migration.js'
import type { MigrationContext } from '../../src/source/migration-context.js'

const dir = fileURLToPath(new URL('../fixtures/source-code', import.meta.url))

/** A context that records what a migration asks to run; no database is involved in loading. */
function recordingContext(): { ctx: MigrationContext; executed: string[] } {
  const executed: string[] = []
  const ctx: MigrationContext = {
    dialect: 'sqlite',
    execute: async (sql) => void executed.push(sql),
    query: async (sql) => {
      executed.push(sql)
      return []
    },
    sql: async (strings) => {
      executed.push(strings.join('?'))
      return []
    },
  }
  return { ctx, executed }
}

describe('loadCodeMigration', () => {
  let migrations: ReadonlyArray<Migration>
  const byId = (id: string) => migrations.find((m) => m.id === id) as CodeMigration

  beforeAll(async () => {
    migrations = await loadMigrations(dir, { dialect: 'sqlite' })
  })

  it('records every module of the folder as a code migration, without importing any', () => {
    expect(migrations.map((m) => [m.id, m.kind])).toEqual([
      ['0001_named', 'code'],
      ['0002_default', 'code'],
      ['0003_typed', 'code'],
      ['0004_no_up', 'code'],
      ['0005_throws', 'code'],
    ])
  })

  it('imports named up and down from an .mjs module', async () => {
    const loaded = await loadCodeMigration(byId('0001_named'))
    const { ctx, executed } = recordingContext()
    await loaded.up(ctx)
    await loaded.down!(ctx)
    expect(executed).toEqual(['CREATE TABLE named (id int)', 'DROP TABLE named'])
    expect(Object.isFrozen(loaded)).toBe(true)
  })

  it('imports up from a default-exported object of a .js module, with no down', async () => {
    const loaded = await loadCodeMigration(byId('0002_default'))
    const { ctx, executed } = recordingContext()
    await loaded.up(ctx)
    expect(executed).toEqual(['CREATE TABLE from_default (id int)'])
    expect(loaded.down).toBeUndefined()
  })

  it('imports a .ts module where the runtime can load TypeScript', async () => {
    const loaded = await loadCodeMigration(byId('0003_typed'))
    const { ctx, executed } = recordingContext()
    await loaded.up(ctx)
    expect(executed).toEqual(['CREATE TABLE typed (id int)'])
  })

  it('rejects a module that exports no up function as MIGRATION_CODE_INVALID', async () => {
    await expect(loadCodeMigration(byId('0004_no_up'))).rejects.toMatchObject({
      code: 'MIGRATION_CODE_INVALID',
      details: { file: byId('0004_no_up').path },
    })
  })

  it('reports a module that throws as it loads as MIGRATION_CODE_LOAD_FAILED, with the cause', async () => {
    const error = await loadCodeMigration(byId('0005_throws')).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'MIGRATION_CODE_LOAD_FAILED' })
    expect((error as Error).message).toContain('this migration module fails as it loads')
    expect((error as Error).cause).toBeInstanceOf(Error)
  })

  it('rejects a down export that is not a function', async () => {
    const importModule = async () => ({ up: async () => {}, down: 'DROP TABLE x' })
    await expect(loadCodeMigration(byId('0001_named'), { importModule })).rejects.toMatchObject({
      code: 'MIGRATION_CODE_INVALID',
    })
  })

  it('hands the plugged-in loader the absolute path of the module', async () => {
    const seen: string[] = []
    const importModule = async (path: string) => {
      seen.push(path)
      return import(pathToFileURL(path).href)
    }
    await loadCodeMigration(byId('0001_named'), { importModule })
    expect(seen).toEqual([`${dir}/0001_named.mjs`])
  })

  it('explains how to run TypeScript when Node refuses a .ts migration', async () => {
    // What Node itself answers when asked to import the .ts file without type stripping.
    const flags = process.allowedNodeEnvironmentFlags.has('--no-experimental-strip-types')
      ? ['--no-experimental-strip-types']
      : []
    const script =
      'import(process.argv[1]).then(() => console.log("{}"), (e) => console.log(JSON.stringify({ code: e.code, message: e.message })))'
    const typed = byId('0003_typed')
    const nodeAnswer = JSON.parse(
      execFileSync(
        process.execPath,
        [...flags, '--input-type=module', '-e', script, pathToFileURL(typed.path).href],
        {
          encoding: 'utf8',
        },
      ),
    ) as { code: string; message: string }
    expect(nodeAnswer.code).toBe('ERR_UNKNOWN_FILE_EXTENSION')

    const importModule = () =>
      Promise.reject(Object.assign(new TypeError(nodeAnswer.message), { code: nodeAnswer.code }))
    const error = (await loadCodeMigration(typed, { importModule }).catch((e: unknown) => e)) as {
      code: string
      hint: string
      message: string
    }
    expect(error.code).toBe('MIGRATION_CODE_LOAD_FAILED')
    expect(error.message).toContain('0003_typed.ts')
    expect(error.hint).toContain('Node ≥ 22.6')
    expect(error.hint).toContain('jiti')
  })

  it('does not blame TypeScript support for a .js module that fails', async () => {
    const importModule = () =>
      Promise.reject(Object.assign(new Error('boom'), { code: 'ERR_MODULE_NOT_FOUND' }))
    const error = (await loadCodeMigration(byId('0001_named'), { importModule }).catch(
      (e: unknown) => e,
    )) as {
      hint: string
    }
    expect(error.hint).not.toContain('jiti')
  })
})
