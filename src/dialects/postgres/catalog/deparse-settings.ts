/**
 * Session settings that change how the server spells definitions, and the values introspection
 * fixes them to. Without this, two databases with equal schemas read through differently
 * configured sessions (a role's or database's own `search_path`, another server's TimeZone)
 * would model differently:
 *
 * - `search_path` decides which names `pg_get_*` and `format_type` qualify. Empty: every name
 *   outside `pg_catalog` is qualified, whichever schema the session prefers.
 * - `quote_all_identifiers` would quote every identifier.
 * - `DateStyle`, `IntervalStyle`, `TimeZone`, `extra_float_digits` and `bytea_output` spell the
 *   constants in defaults, checks, partition bounds and view bodies (`'2025-06-01 10:00:00+00'`).
 */
export const DEPARSE_SETTINGS: ReadonlyArray<readonly [name: string, value: string]> = Object.freeze([
  ['search_path', ''],
  ['quote_all_identifiers', 'off'],
  ['DateStyle', 'ISO, MDY'],
  ['IntervalStyle', 'postgres'],
  ['TimeZone', 'UTC'],
  ['extra_float_digits', '1'],
  ['bytea_output', 'hex'],
] as const)

/**
 * Planner settings for the same span. A prepared catalog statement is run with its generic plan:
 * a custom plan would be planned anew on every run, and planning the catalog statement costs more
 * than running it for the few relations a verification reads. The catalogs are read from memory:
 * priced as pages read from disk, a lookup of a few names by index cost the planner more than a
 * scan of all of `pg_class`, and the generic plans scanned it (a third of a verification's time
 * on a 300-migration schema).
 */
export const PLANNER_SETTINGS: ReadonlyArray<readonly [name: string, value: string]> = Object.freeze([
  ['plan_cache_mode', 'force_generic_plan'],
  ['random_page_cost', '1.1'],
] as const)

const FIXED_SETTINGS = [...DEPARSE_SETTINGS, ...PLANNER_SETTINGS]

/**
 * A setting of plumbline's own, set with `SET LOCAL` semantics by {@link SAVE_DEPARSE_SETTINGS}:
 * a later statement still sees it only when both run in one transaction block. Asking the
 * server this way holds for every protocol and driver, where comparing timestamps would not
 * (the extended protocol restarts the statement clock after the transaction began).
 */
const BLOCK_PROBE = 'plumbline.introspection_in_block'

/** Whether the statement runs in the transaction block {@link SAVE_DEPARSE_SETTINGS} ran in. */
const IN_BLOCK = `(SELECT coalesce(pg_catalog.current_setting('${BLOCK_PROBE}', true), '') = 'on'
  AS in_block OFFSET 0) AS block`

/**
 * Returns the session's current values of the settings (`v0`…) and leaves the probe behind.
 */
export const SAVE_DEPARSE_SETTINGS = `SELECT pg_catalog.set_config('${BLOCK_PROBE}', 'on', true) AS probe, ${FIXED_SETTINGS.map(
  ([name], i) => `pg_catalog.current_setting('${name}') AS v${i}`,
).join(', ')}`

/**
 * Sets the fixed values; it returns nothing the caller needs, so it may share a round trip with
 * the statements that follow it. Inside a transaction block they are set with `SET LOCAL`
 * semantics: a session-level change there would outlive the transaction and turn a caller's
 * earlier `SET LOCAL`, meant to last until COMMIT, into the session's value. Outside a block they
 * are set for the session, so that the following catalog statements, each its own transaction,
 * see them. The subquery with `OFFSET 0` is evaluated before the outer target list.
 */
export const FIX_DEPARSE_SETTINGS = `SELECT ${FIXED_SETTINGS.map(
  ([name, value], i) => `pg_catalog.set_config('${name}', '${value}', block.in_block) AS set${i}`,
).join(', ')} FROM ${IN_BLOCK}`

/**
 * Puts back the saved values, `$1`…`$n` in the order of the settings, the way
 * {@link FIX_DEPARSE_SETTINGS} set them (the probe still tells a transaction block), and clears
 * the probe.
 */
export const RESTORE_DEPARSE_SETTINGS = `SELECT ${FIXED_SETTINGS.map(
  ([name], i) => `pg_catalog.set_config('${name}', $${i + 1}, block.in_block)`,
).join(', ')}, pg_catalog.set_config('${BLOCK_PROBE}', '', true) FROM ${IN_BLOCK}`

/** The parameters for {@link RESTORE_DEPARSE_SETTINGS}: the values {@link SAVE_DEPARSE_SETTINGS} returned. */
export function restoreParameters(saved: Readonly<Record<string, unknown>>): unknown[] {
  return FIXED_SETTINGS.map((_, i) => String(saved[`v${i}`]))
}

/**
 * The settings saved on the server, fixed, and put back from what was saved, all with `SET LOCAL`
 * semantics: statements that share one round trip with a catalog statement (see
 * `introspectPostgres`). Outside a transaction block they run as one implicit transaction, which
 * ends with them; inside one, the values put back are the ones in effect before, and the
 * session's own come back at its end, as they would have.
 */
export const SAVE_SETTINGS_ON_SERVER = `SELECT ${FIXED_SETTINGS.map(
  ([name], i) => `pg_catalog.set_config('plumbline.saved_${i}', pg_catalog.current_setting('${name}'), true)`,
).join(', ')}`

export const FIX_SETTINGS_LOCALLY = `SELECT ${FIXED_SETTINGS.map(
  ([name, value]) => `pg_catalog.set_config('${name}', '${value}', true)`,
).join(', ')}`

export const RESTORE_SETTINGS_FROM_SERVER = `SELECT ${FIXED_SETTINGS.map(
  ([name], i) => `pg_catalog.set_config('${name}', pg_catalog.current_setting('plumbline.saved_${i}'), true)`,
).join(', ')}`
