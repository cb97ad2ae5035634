import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { isPlumblineError } from '../../src/errors/plumbline-error.js'
import { loadMigrations } from '../../src/source/load-migrations.js'

const fixture = fileURLToPath(new URL('../fixtures/source-conditions/', import.meta.url))

describe('migration conditions in the source', () => {
  it('reads check-before and check-after header lines of SQL and code migrations', async () => {
    const [sql, code] = await loadMigrations(fixture, { dialect: 'sqlite' })
    expect(sql?.checks).toEqual({
      before: ['diary-entries-have-users'],
      after: ['points-log-matches-daily-stats', 'goal-status-known'],
    })
    expect(sql?.directives).toEqual([])
    expect(code?.checks).toEqual({ before: [], after: ['points-log-matches-daily-stats'] })
  })

  it('counts a changed condition as a real change in the normalised checksum', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-conditions-'))
    const body = '-- plumbline:up\nCREATE TABLE t (id INTEGER);\n'
    writeFileSync(join(dir, '0001_a.sql'), `-- plumbline:check-after one\n${body}`)
    const [first] = await loadMigrations(dir, { dialect: 'sqlite' })
    writeFileSync(join(dir, '0001_a.sql'), `-- plumbline:check-after two\n${body}`)
    const [second] = await loadMigrations(dir, { dialect: 'sqlite' })
    expect(second?.normalizedChecksum).not.toBe(first?.normalizedChecksum)
  })

  it('refuses a condition below the SQL, where it would seem to apply and would not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-conditions-'))
    writeFileSync(join(dir, '0001_a.sql'), 'CREATE TABLE t (id INTEGER);\n-- plumbline:check-after one\n')
    const error = await loadMigrations(dir, { dialect: 'sqlite' }).catch((e: unknown) => e)
    expect(isPlumblineError(error) && error.code).toBe('MIGRATION_DIRECTIVE_MISPLACED')
  })
})
