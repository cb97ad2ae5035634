import { createHash } from 'node:crypto'
import { isPlumblineError } from '../errors/plumbline-error.js'
import { DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE, type ResolvedBackfill } from './backfill-spec.js'
import { findBoundPlaceholders } from './bind-bounds.js'
import { ENTRY_NAME, SpecReader } from './spec-reader.js'

const KEYS = ['table', 'key', 'batchSize', 'run', 'verify', 'pauseMs', 'description'] as const

/**
 * Validates one entry of the config's `backfills`. `checkNames` are the configured checks, so a
 * `verify` naming an unknown check fails at load rather than after the last batch.
 * Throws `BACKFILL_INVALID` naming the backfill and the key at fault.
 */
export function resolveBackfill(
  name: string,
  raw: unknown,
  checkNames: ReadonlySet<string>,
): ResolvedBackfill {
  const r = new SpecReader('BACKFILL_INVALID', `backfill ${JSON.stringify(name)}`)
  if (!ENTRY_NAME.test(name)) {
    r.fail(
      '',
      'has a name that is not usable on a command line',
      'use letters, digits and . _ : - (e.g. points-log-from-daily-stats)',
    )
  }
  const entry = r.object(raw, '', KEYS, ['table', 'key', 'run'])
  const table = r.table(entry.table, 'table')
  const key = r.identifier(entry.key, 'key')
  const statements =
    typeof entry.run === 'string' ? [r.text(entry.run, 'run')] : [...r.texts(entry.run, 'run')]
  statements.forEach((sql, i) => {
    const at = statements.length === 1 && typeof entry.run === 'string' ? 'run' : `run[${i}]`
    const names = placeholderNames(r, sql, at)
    if (!names.has('from') || !names.has('to')) {
      r.fail(
        at,
        `must use both :from and :to (it uses ${[...names].map((n) => `:${n}`).join(' and ') || 'neither'})`,
        `restrict every batch to its key range: WHERE ${key} > :from AND ${key} <= :to`,
      )
    }
  })
  const verify = entry.verify === undefined ? [] : [...r.texts(entry.verify, 'verify')]
  const unknown = verify.find((v) => !checkNames.has(v))
  if (unknown !== undefined) {
    r.fail(
      'verify',
      `names the check ${JSON.stringify(unknown)}, which is not defined`,
      'define it under `checks`, or fix the name',
    )
  }
  const description = entry.description === undefined ? undefined : r.text(entry.description, 'description')
  return Object.freeze({
    name,
    table,
    key,
    batchSize: r.integer(entry.batchSize, 'batchSize', 1, MAX_BATCH_SIZE, DEFAULT_BATCH_SIZE),
    statements: Object.freeze(statements),
    verify: Object.freeze(verify),
    pauseMs: r.integer(entry.pauseMs, 'pauseMs', 0, 60_000, 0),
    ...(description === undefined ? {} : { description }),
    specHash: backfillSpecHash(table, key, statements),
  })
}

/** The hash a checkpoint is resumed under: what decides the rows each batch writes. */
export function backfillSpecHash(table: string, key: string, statements: ReadonlyArray<string>): string {
  return createHash('sha256').update(JSON.stringify({ table, key, statements })).digest('hex')
}

function placeholderNames(r: SpecReader, sql: string, at: string): ReadonlySet<string> {
  try {
    // The dialect is not known at load; SQLite's lexical rules are the common ground of the three.
    return new Set(findBoundPlaceholders(sql, 'sqlite').map((p) => p.name))
  } catch (error) {
    return r.fail(at, `does not parse: ${isPlumblineError(error) ? error.message : String(error)}`)
  }
}
