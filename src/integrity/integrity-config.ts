import { PlumblineError } from '../errors/plumbline-error.js'
import type { BackfillsConfig, ResolvedBackfill } from './backfill-spec.js'
import type { ChecksConfig, ResolvedCheck } from './check-spec.js'
import { resolveBackfill } from './resolve-backfill.js'
import { resolveCheck } from './resolve-check.js'

/** The integrity part of a config file: `checks` and `backfills` as written (contract §9). */
export interface IntegrityConfigInput {
  readonly checks?: ChecksConfig | Readonly<Record<string, unknown>>
  readonly backfills?: BackfillsConfig | Readonly<Record<string, unknown>>
}

/** Checks and backfills validated, by name, in the config's order. */
export interface IntegrityConfig {
  readonly checks: ReadonlyMap<string, ResolvedCheck>
  readonly backfills: ReadonlyMap<string, ResolvedBackfill>
}

/**
 * Validates the config's `checks` and `backfills`. Throws `CHECK_INVALID` or `BACKFILL_INVALID`
 * (exit 2) naming the entry and the key; nothing runs against a half-valid config.
 *
 * @example
 * const { checks } = resolveIntegrityConfig(loaded.config)
 * checks.get('emails-unique')?.kind // 'unique'
 */
export function resolveIntegrityConfig(config: IntegrityConfigInput): IntegrityConfig {
  const checks = new Map<string, ResolvedCheck>()
  for (const [name, raw] of entries(config.checks, 'checks')) checks.set(name, resolveCheck(name, raw))
  const names = new Set(checks.keys())
  const backfills = new Map<string, ResolvedBackfill>()
  for (const [name, raw] of entries(config.backfills, 'backfills'))
    backfills.set(name, resolveBackfill(name, raw, names))
  return Object.freeze({ checks, backfills })
}

function entries(value: unknown, key: 'checks' | 'backfills'): Array<[string, unknown]> {
  if (value === undefined) return []
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PlumblineError({
      code: key === 'checks' ? 'CHECK_INVALID' : 'BACKFILL_INVALID',
      message: `"${key}" must be an object keyed by name`,
      hint: `${key}: { 'my-${key === 'checks' ? 'check' : 'backfill'}': { … } }`,
    })
  }
  return Object.entries(value)
}

/**
 * The checks named, in the order given, or every check when `names` is empty. Throws
 * `CHECK_UNKNOWN` for a name the config does not define, listing the ones it does.
 */
export function selectChecks(
  config: IntegrityConfig,
  names: ReadonlyArray<string>,
): ReadonlyArray<ResolvedCheck> {
  if (names.length === 0) return [...config.checks.values()]
  const unknown = names.filter((n) => !config.checks.has(n))
  if (unknown.length > 0) {
    const known = [...config.checks.keys()]
    throw new PlumblineError({
      code: 'CHECK_UNKNOWN',
      message: `no check named ${unknown.map((n) => JSON.stringify(n)).join(', ')} in the config`,
      hint:
        known.length === 0
          ? 'the config defines no checks; add them under `checks`'
          : `defined checks: ${known.join(', ')}`,
      details: { unknown },
    })
  }
  return [...new Set(names)].map((n) => config.checks.get(n)!)
}
