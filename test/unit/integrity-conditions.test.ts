import { describe, expect, it } from 'vitest'
import { isPlumblineError } from '../../src/errors/plumbline-error.js'
import { resolveIntegrityConfig } from '../../src/integrity/integrity-config.js'
import {
  assertConditionsDefined,
  collectMigrationChecks,
  parseCheckDirective,
  readCodeMigrationChecks,
} from '../../src/integrity/migration-conditions.js'

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn()
  } catch (e) {
    if (isPlumblineError(e)) return { code: e.code, message: e.message }
    throw e
  }
  throw new Error('expected a plumbline error')
}

describe('checks as migration conditions: declaring them', () => {
  it('reads check-before and check-after directives in SQL and code, names split by spaces or commas', () => {
    expect(
      parseCheckDirective('-- plumbline:check-after points-log-matches-daily-stats', '0004_x.sql', 1),
    ).toEqual({
      phase: 'after',
      names: ['points-log-matches-daily-stats'],
    })
    expect(parseCheckDirective('  // plumbline:Check-Before a, b  c', '0004_x.ts', 3)).toEqual({
      phase: 'before',
      names: ['a', 'b', 'c'],
    })
    expect(parseCheckDirective('-- plumbline:no-transaction', '0004_x.sql', 1)).toBeUndefined()
    expect(parseCheckDirective('-- plumbline:check-afterwards x', '0004_x.sql', 1)).toBeUndefined()
  })

  it('points at the file and line of a condition directive that names no check', () => {
    expect(errorOf(() => parseCheckDirective('-- plumbline:check-after', '0004_x.sql', 2))).toEqual({
      code: 'MIGRATION_DIRECTIVE_UNKNOWN',
      message: '0004_x.sql:2: "-- plumbline:check-after" names no check',
    })
    expect(
      errorOf(() => parseCheckDirective('-- plumbline:check-after ok (no)', '0004_x.sql', 2)).message,
    ).toBe('0004_x.sql:2: "-- plumbline:check-after ok (no)" names "(no)", which is not a check name')
  })

  it('gathers directives into one list per phase, each name once', () => {
    expect(
      collectMigrationChecks([
        { phase: 'before', names: ['a'] },
        { phase: 'after', names: ['b', 'a'] },
        { phase: 'before', names: ['a', 'c'] },
      ]),
    ).toEqual({ before: ['a', 'c'], after: ['b', 'a'] })
  })

  it("reads a code migration's checks export, and refuses another shape", () => {
    expect(readCodeMigrationChecks({ up() {}, checks: { after: ['emails-unique'] } }, '0005_x.ts')).toEqual({
      before: [],
      after: ['emails-unique'],
    })
    expect(readCodeMigrationChecks({ up() {} }, '0005_x.ts')).toEqual({ before: [], after: [] })
    expect(errorOf(() => readCodeMigrationChecks({ checks: ['a'] }, '0005_x.ts'))).toEqual({
      code: 'MIGRATION_CODE_INVALID',
      message: "0005_x.ts: the module's `checks` export is not an object",
    })
    expect(errorOf(() => readCodeMigrationChecks({ checks: { during: [] } }, '0005_x.ts')).message).toMatch(
      /unknown key "during"/,
    )
    expect(errorOf(() => readCodeMigrationChecks({ checks: { after: 'a' } }, '0005_x.ts')).message).toMatch(
      /\.after is not an array of check names/,
    )
  })

  it('names a migration that requires a check the config does not define (CHECK_UNKNOWN)', () => {
    const config = resolveIntegrityConfig({ checks: { known: { sql: 'SELECT 1' } } })
    expect(() => assertConditionsDefined('0004_x', { before: ['known'], after: [] }, config)).not.toThrow()
    expect(
      errorOf(() => assertConditionsDefined('0004_x', { before: ['known'], after: ['nope'] }, config)),
    ).toEqual({
      code: 'CHECK_UNKNOWN',
      message: 'migration 0004_x names a check the config does not define: nope',
    })
  })
})
