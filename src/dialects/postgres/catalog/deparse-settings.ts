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
 * A setting of plumbline's own, set with `SET LOCAL` semantics by {@link SAVE_DEPARSE_SETTINGS}:
 * the next statement still sees it only when both run in one transaction block. Asking the
 * server this way holds for every protocol and driver, where comparing timestamps would not
 * (the extended protocol restarts the statement clock after the transaction began).
 */
const BLOCK_PROBE = 'plumbline.introspection_in_block'

/**
 * Returns the session's current values of the settings (`v0`…) and leaves the probe behind.
 */
export const SAVE_DEPARSE_SETTINGS = `SELECT pg_catalog.set_config('${BLOCK_PROBE}', 'on', true) AS probe, ${DEPARSE_SETTINGS.map(
  ([name], i) => `pg_catalog.current_setting('${name}') AS v${i}`,
).join(', ')}`

/**
 * Sets the fixed values and returns `in_block`. Inside a transaction block they are set with
 * `SET LOCAL` semantics: a session-level change there would outlive the transaction and turn a
 * caller's earlier `SET LOCAL`, meant to last until COMMIT, into the session's value. Outside a
 * block they are set for the session, so that the following catalog queries, each its own
 * transaction, see them. The subquery with `OFFSET 0` is evaluated before the outer target list.
 */
export const FIX_DEPARSE_SETTINGS = `SELECT ${DEPARSE_SETTINGS.map(
  ([name, value], i) => `pg_catalog.set_config('${name}', '${value}', block.in_block) AS set${i}`,
).join(
  ', ',
)}, block.in_block FROM (SELECT coalesce(pg_catalog.current_setting('${BLOCK_PROBE}', true), '') = 'on'
  AS in_block OFFSET 0) AS block`

/**
 * Puts back the saved values: `$1`…`$n` in the order of the settings, then `in_block` as
 * {@link FIX_DEPARSE_SETTINGS} returned it.
 */
export const RESTORE_DEPARSE_SETTINGS = `SELECT ${DEPARSE_SETTINGS.map(
  ([name], i) => `pg_catalog.set_config('${name}', $${i + 1}, $${DEPARSE_SETTINGS.length + 1}::boolean)`,
).join(', ')}, pg_catalog.set_config('${BLOCK_PROBE}', '', true)`

/** The parameters for {@link RESTORE_DEPARSE_SETTINGS}. */
export function restoreParameters(saved: Readonly<Record<string, unknown>>, inBlock: boolean): unknown[] {
  return [...DEPARSE_SETTINGS.map((_, i) => String(saved[`v${i}`])), inBlock]
}
