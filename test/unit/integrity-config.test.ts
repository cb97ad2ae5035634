import { describe, expect, it } from 'vitest'
import { isPlumblineError } from '../../src/errors/plumbline-error.js'
import type { BackfillsConfig } from '../../src/integrity/backfill-spec.js'
import type { ChecksConfig } from '../../src/integrity/check-spec.js'
import { resolveIntegrityConfig, selectChecks } from '../../src/integrity/integrity-config.js'
import { backfillSpecHash } from '../../src/integrity/resolve-backfill.js'
import { LEDGER_BACKFILLS, LEDGER_CHECKS } from '../fixtures/integrity-ledger/ledger.js'

function errorOf(fn: () => unknown): { code: string; message: string; details?: unknown } {
  try {
    fn()
  } catch (e) {
    if (isPlumblineError(e)) return { code: e.code, message: e.message, details: e.details }
    throw e
  }
  throw new Error('expected a plumbline error')
}

const checks = (value: unknown) => errorOf(() => resolveIntegrityConfig({ checks: { c: value } as never }))
const backfill = (value: unknown, knownChecks: Record<string, unknown> = {}) =>
  errorOf(() => resolveIntegrityConfig({ checks: knownChecks as never, backfills: { b: value } as never }))

describe('integrity config: types', () => {
  it('types the checks and backfills of contract §9, one kind per check (checked by tsc)', () => {
    const checks: ChecksConfig = LEDGER_CHECKS
    const backfills: BackfillsConfig = LEDGER_BACKFILLS
    const twoKinds: ChecksConfig = {
      // @ts-expect-error a check has exactly one kind
      both: {
        unique: { table: 'users', columns: ['email'] },
        notNull: { table: 'users', columns: ['email'] },
      },
    }
    const badMissing: ChecksConfig = {
      r: {
        reconcile: {
          left: { table: 'a', groupBy: ['k'], value: 'sum(v)' },
          right: { table: 'b', groupBy: ['k'], value: 'sum(v)' },
          // @ts-expect-error missing is 'zero' or 'fail'
          missing: 'skip',
        },
      },
    }
    expect(resolveIntegrityConfig({ checks, backfills }).backfills.size).toBe(2)
    expect(errorOf(() => resolveIntegrityConfig({ checks: twoKinds })).code).toBe('CHECK_INVALID')
    expect(errorOf(() => resolveIntegrityConfig({ checks: badMissing })).code).toBe('CHECK_INVALID')
  })
})

describe('integrity config: checks', () => {
  it('accepts the checks of contract §9 and fills in the defaults', () => {
    const config = resolveIntegrityConfig({ checks: LEDGER_CHECKS })
    expect([...config.checks.keys()]).toEqual(Object.keys(LEDGER_CHECKS))
    expect(config.checks.get('points-log-matches-daily-stats')).toMatchObject({
      kind: 'reconcile',
      severity: 'error',
      sample: 5,
      spec: { missing: 'zero', keys: ['user_id', 'date'] },
    })
    expect(config.checks.get('goal-status-known')).toMatchObject({
      kind: 'acceptedValues',
      spec: { nulls: 'fail' },
    })
    expect(config.checks.get('ratings-in-range')).toMatchObject({ kind: 'expect', spec: { nulls: 'fail' } })
    expect(Object.isFrozen(config.checks.get('emails-unique'))).toBe(true)
  })

  it('strips a trailing semicolon from an sql check and keeps options', () => {
    const config = resolveIntegrityConfig({
      checks: {
        future: {
          sql: 'SELECT id FROM diary_entry WHERE entry_date > CURRENT_DATE;  ',
          severity: 'warn',
          sample: 20,
        },
      },
    })
    expect(config.checks.get('future')).toMatchObject({
      kind: 'sql',
      spec: 'SELECT id FROM diary_entry WHERE entry_date > CURRENT_DATE',
      severity: 'warn',
      sample: 20,
    })
  })

  it('names the check and the key at fault (CHECK_INVALID)', () => {
    expect(checks({ unique: { table: 'users', colums: ['email'] } })).toMatchObject({
      code: 'CHECK_INVALID',
      message: 'check "c": unique.colums is not a known key',
      details: { entry: 'check "c"', key: 'unique.colums' },
    })
    expect(checks({ unique: { table: 'users', columns: [] } }).message).toBe(
      'check "c": unique.columns must be a non-empty array of column names',
    )
    expect(checks({ notNull: { table: 'users', columns: ['email', 'email'] } }).message).toBe(
      'check "c": notNull.columns names email twice',
    )
    expect(
      checks({ acceptedValues: { table: 'goals', column: 'status', values: ['a', null] } }).message,
    ).toBe('check "c": acceptedValues.values[1] must be a string, a finite number or a boolean')
    expect(checks({ expect: { table: 'goals', that: '  ' } }).message).toBe(
      'check "c": expect.that must be a non-empty string',
    )
    expect(checks({ expect: { table: 'goals; DROP TABLE x', that: 'a' } }).message).toMatch(
      /^check "c": expect.table must be a table name/,
    )
    expect(checks({ expect: { table: 'goals', that: 'a', nulls: 'ignore' } }).message).toBe(
      "check \"c\": expect.nulls must be 'fail' or 'pass'",
    )
    expect(checks({ unique: { table: 'users', columns: ['email'] }, sample: -1 }).message).toBe(
      'check "c": sample must be an integer from 0 to 1000',
    )
    expect(checks({ unique: { table: 'users', columns: ['email'] }, severity: 'info' }).message).toBe(
      "check \"c\": severity must be 'error' or 'warn'",
    )
    expect(checks({ sql: 'DELETE FROM users' }).message).toMatch(/^check "c": sql must be a query/)
  })

  it('wants exactly one kind per check', () => {
    expect(checks({ severity: 'warn' }).message).toBe('check "c": names no kind of check')
    expect(
      checks({
        unique: { table: 'users', columns: ['email'] },
        notNull: { table: 'users', columns: ['email'] },
      }).message,
    ).toBe('check "c": names 2 kinds of check (unique, notNull)')
    expect(checks('SELECT 1').message).toBe('check "c": must be an object')
  })

  it('checks a reconciliation for matching sides and usable key names', () => {
    const side = { table: 't', groupBy: ['a', 'b'], value: 'sum(x)' }
    expect(checks({ reconcile: { left: side, right: { ...side, groupBy: ['a'] } } }).message).toBe(
      'check "c": reconcile.right.groupBy has 1 keys, the left side 2',
    )
    expect(checks({ reconcile: { left: side, right: side, tolerance: -1 } }).message).toBe(
      'check "c": reconcile.tolerance must be a finite number ≥ 0',
    )
    expect(checks({ reconcile: { left: side, right: side, keys: ['left', 'b'] } }).message).toBe(
      'check "c": reconcile.keys would name two sample columns left',
    )
    const expressions = resolveIntegrityConfig({
      checks: {
        r: {
          reconcile: {
            left: { ...side, groupBy: ['a', 'date(created_at)'] },
            right: { ...side, groupBy: ['a', 'day'] },
          },
        },
      },
    })
    expect(expressions.checks.get('r')).toMatchObject({ spec: { keys: ['a', 'day'] } })
  })

  it('refuses a check name that a command line or directive could not carry', () => {
    expect(
      errorOf(() => resolveIntegrityConfig({ checks: { 'two words': { sql: 'SELECT 1' } } })).message,
    ).toMatch(/^check "two words": has a name that is not usable on a command line/)
  })

  it('selects checks by name, in the order asked, and names unknown ones (CHECK_UNKNOWN)', () => {
    const config = resolveIntegrityConfig({ checks: LEDGER_CHECKS })
    expect(
      selectChecks(config, ['emails-unique', 'ratings-in-range', 'emails-unique']).map((c) => c.name),
    ).toEqual(['emails-unique', 'ratings-in-range'])
    expect(selectChecks(config, [])).toHaveLength(Object.keys(LEDGER_CHECKS).length)
    expect(errorOf(() => selectChecks(config, ['nope', 'emails-unique']))).toMatchObject({
      code: 'CHECK_UNKNOWN',
      message: 'no check named "nope" in the config',
    })
  })
})

describe('integrity config: backfills', () => {
  it('accepts the backfills of contract §9 with a run of one or several statements', () => {
    const config = resolveIntegrityConfig({ checks: LEDGER_CHECKS, backfills: LEDGER_BACKFILLS })
    expect(config.backfills.get('points-log-from-daily-stats')).toMatchObject({
      table: 'daily_stats',
      key: 'id',
      batchSize: 40,
      verify: ['points-log-matches-daily-stats'],
      pauseMs: 0,
    })
    expect(config.backfills.get('points-log-from-daily-stats')?.statements).toHaveLength(2)
    expect(config.backfills.get('copy-daily-totals')?.statements).toHaveLength(1)
  })

  it('wants both bounds in every statement, outside strings and comments (BACKFILL_INVALID)', () => {
    const base = { table: 'daily_stats', key: 'id' }
    expect(backfill({ ...base, run: 'UPDATE t SET x = 1 WHERE id > :from' })).toMatchObject({
      code: 'BACKFILL_INVALID',
      message: 'backfill "b": run must use both :from and :to (it uses :from)',
    })
    expect(
      backfill({ ...base, run: ["UPDATE t SET x = ':to' WHERE id > :from -- AND id <= :to"] }).message,
    ).toBe('backfill "b": run[0] must use both :from and :to (it uses :from)')
    expect(backfill({ ...base, run: 'UPDATE t SET x = 1' }).message).toBe(
      'backfill "b": run must use both :from and :to (it uses neither)',
    )
  })

  it('names a missing key, a bad batch size and an unknown verify check', () => {
    expect(backfill({ table: 'daily_stats', run: 'x :from :to' }).message).toBe(
      'backfill "b": key is missing',
    )
    expect(backfill({ table: 'daily_stats', key: 'id', run: 'x :from :to', batchSize: 0 }).message).toBe(
      'backfill "b": batchSize must be an integer from 1 to 1000000',
    )
    expect(backfill({ table: 'daily_stats', key: 'id', run: 'x :from :to', verify: ['nope'] }).message).toBe(
      'backfill "b": verify names the check "nope", which is not defined',
    )
  })

  it('hashes what decides the rows written, not the batch size or the verify checks', () => {
    const one = resolveIntegrityConfig({
      backfills: { b: { table: 't', key: 'id', run: 'x :from :to' } },
    }).backfills.get('b')!
    const two = resolveIntegrityConfig({
      checks: { c: { sql: 'SELECT 1' } },
      backfills: { b: { table: 't', key: 'id', run: 'x :from :to', batchSize: 5, verify: ['c'] } },
    }).backfills.get('b')!
    expect(one.specHash).toBe(two.specHash)
    expect(one.specHash).toBe(backfillSpecHash('t', 'id', ['x :from :to']))
    expect(backfillSpecHash('t', 'id', ['x :from :to '])).not.toBe(one.specHash)
    expect(one.specHash).toMatch(/^[0-9a-f]{64}$/)
  })
})
