import type { DialectName } from '../config/connection-url.js'
import { type AggregateCall, aggregateCall } from './aggregate-call.js'
import type { ReconcileCheck, ReconcileSide } from './check-spec.js'
import { type CompiledQuery, ordinals, sampleLimit } from './compiled-query.js'
import {
  columnOrExpression,
  distinct,
  Params,
  quoteIdentifier,
  quoteTable,
  TOTAL_COLUMN,
} from './sql-text.js'
import type { TableFacts } from './table-facts.js'

/**
 * Compiles a reconciliation into one statement whose rows are the violating groups — keys, then
 * `left` and `right` — each carrying the total count, ordered by the keys, `sample` of them.
 *
 * The shape differs by dialect because the engines differ (measurements in docs/integrity.md):
 * - PostgreSQL aggregates each side, then hash-full-joins the two aggregates.
 * - SQLite plans a FULL JOIN of two subqueries as a nested loop (minutes on 300k groups): it
 *   aggregates each side (reading the group index in order, without a sort), appends the two
 *   with UNION ALL and groups again.
 * - MySQL has no FULL JOIN, and its per-side GROUP BY costs a temporary table each: it appends
 *   the rows of both sides and groups once, when each value is one NULL-ignoring aggregate call
 *   (see {@link aggregateCall}); otherwise it aggregates each side first, as SQLite does.
 *
 * A group key that is NULL never matches (NULL = NULL is unknown), so such a group is a
 * violation of its own on each side, in every shape. When the schema says every key column is
 * NOT NULL, the appended shapes skip the grouping term that keeps NULL-keyed sides apart.
 */
export function compileReconcile(
  dialect: DialectName,
  spec: ReconcileCheck,
  sample: number,
  facts: ReadonlyMap<string, TableFacts>,
): CompiledQuery {
  const params = new Params(dialect)
  const q = (name: string) => quoteIdentifier(dialect, name)
  const n = spec.left.groupBy.length
  const keys = Array.from({ length: n }, (_, i) => `k${i + 1}`)
  const nullableKeys = !(keysNotNull(spec.left, facts) && keysNotNull(spec.right, facts))
  const left = aggregateCall(spec.left.value)
  const right = aggregateCall(spec.right.value)
  const joined =
    dialect === 'postgres'
      ? fullJoin(dialect, spec, keys)
      : dialect === 'mysql' && left !== undefined && right !== undefined
        ? unionOfRows(dialect, spec, keys, left, right, nullableKeys)
        : unionOfAggregates(dialect, spec, keys, nullableKeys)
  const violation = [
    ...keys.map((key) => `${key} IS NULL`),
    ...(spec.missing === 'fail' ? ['lp IS NULL', 'rp IS NULL'] : []),
    spec.tolerance === undefined
      ? `${distinct(dialect, 'lv', 'rv')} OR lv IS NULL`
      : `lv IS NULL OR rv IS NULL OR ABS(lv - rv) > ${params.add(spec.tolerance)}`,
  ].join(' OR ')
  const names = spec.keys ?? keys
  // NULLs first on every dialect (PostgreSQL sorts them last by default, the others first); the
  // values break ties between the two NULL-keyed groups of one key.
  const order = [...names, 'left', 'right']
    .map((name) => `CASE WHEN ${q(name)} IS NULL THEN 0 ELSE 1 END, ${q(name)}`)
    .join(', ')
  const sql = `WITH ${joined},
bad AS (
  SELECT ${keys.map((key, i) => `${key} AS ${q(names[i]!)}`).join(', ')}, lv AS ${q('left')}, rv AS ${q('right')}
  FROM j
  WHERE ${violation}
)
SELECT bad.*, COUNT(*) OVER () AS ${TOTAL_COLUMN} FROM bad ORDER BY ${order} ${sampleLimit(sample)}`
  return Object.freeze({ sql, params: params.values, types: keyTypes(spec.left, names, facts) })
}

/** Each side aggregated, then one FULL JOIN on the keys: PostgreSQL's Hash Full Join. */
function fullJoin(dialect: DialectName, spec: ReconcileCheck, keys: ReadonlyArray<string>): string {
  const side = (s: ReconcileSide) =>
    `SELECT ${selectKeys(dialect, s, keys)}, ${s.value} AS v, 1 AS p
  FROM ${quoteTable(dialect, s.table)}${where(s)}
  GROUP BY ${ordinals(keys.length)}`
  const zero = spec.missing === 'zero'
  return `l AS (
  ${side(spec.left)}
),
r AS (
  ${side(spec.right)}
),
j AS (
  SELECT ${keys.map((key) => `COALESCE(l.${key}, r.${key}) AS ${key}`).join(', ')},
    ${zero ? 'CASE WHEN l.p IS NULL THEN 0 ELSE l.v END' : 'l.v'} AS lv,
    ${zero ? 'CASE WHEN r.p IS NULL THEN 0 ELSE r.v END' : 'r.v'} AS rv,
    l.p AS lp, r.p AS rp
  FROM l FULL JOIN r ON ${keys.map((key) => `l.${key} = r.${key}`).join(' AND ')}
)`
}

/** Each side aggregated, the two appended and grouped again: one pass per table, no join. */
function unionOfAggregates(
  dialect: DialectName,
  spec: ReconcileCheck,
  keys: ReadonlyArray<string>,
  nullableKeys: boolean,
): string {
  const side = (s: ReconcileSide, isLeft: boolean) =>
    `SELECT ${selectKeys(dialect, s, keys)}, ` +
    `${isLeft ? `${s.value} AS lv, NULL AS rv, 1 AS lp, 0 AS rp` : `NULL AS lv, ${s.value} AS rv, 0 AS lp, 1 AS rp`}
  FROM ${quoteTable(dialect, s.table)}${where(s)}
  GROUP BY ${ordinals(keys.length)}`
  return `u AS (
  ${side(spec.left, true)}
  UNION ALL
  ${side(spec.right, false)}
),
g AS (
  SELECT ${keys.join(', ')}, MAX(lv) AS lv, MAX(rv) AS rv, SUM(lp) AS lp, SUM(rp) AS rp
  FROM u
  GROUP BY ${groupKeys(keys, nullableKeys, 'lp')}
),
${presence(spec, keys)}`
}

/** The rows of both sides appended, the other side's value NULL, grouped once. */
function unionOfRows(
  dialect: DialectName,
  spec: ReconcileCheck,
  keys: ReadonlyArray<string>,
  left: AggregateCall,
  right: AggregateCall,
  nullableKeys: boolean,
): string {
  const side = (s: ReconcileSide, isLeft: boolean, call: AggregateCall) =>
    `SELECT ${selectKeys(dialect, s, keys)}, ` +
    `${isLeft ? `(${call.argument}) AS lv, NULL AS rv, 1 AS lp, NULL AS rp` : `NULL AS lv, (${call.argument}) AS rv, NULL AS lp, 1 AS rp`}
  FROM ${quoteTable(dialect, s.table)}${where(s)}`
  const aggregate = (call: AggregateCall, column: string) =>
    `${call.fn}(${call.distinct ? 'DISTINCT ' : ''}${column})`
  return `u AS (
  ${side(spec.left, true, left)}
  UNION ALL
  ${side(spec.right, false, right)}
),
g AS (
  SELECT ${keys.join(', ')}, ${aggregate(left, 'lv')} AS lv, ${aggregate(right, 'rv')} AS rv, COUNT(lp) AS lp, COUNT(rp) AS rp
  FROM u
  GROUP BY ${groupKeys(keys, nullableKeys, 'COALESCE(lp, 0)')}
),
${presence(spec, keys)}`
}

/**
 * The grouping of the appended rows: by the keys, and — only when a key may be NULL — by the
 * side of a NULL-keyed row, so that NULL-keyed groups of the two sides stay apart.
 */
function groupKeys(keys: ReadonlyArray<string>, nullableKeys: boolean, side: string): string {
  if (!nullableKeys) return keys.join(', ')
  return `${keys.join(', ')}, CASE WHEN ${keys.map((key) => `${key} IS NULL`).join(' OR ')} THEN ${side} ELSE 0 END`
}

/** From grouped counts of rows per side to the joined form: values, and presence as 1 or NULL. */
function presence(spec: ReconcileCheck, keys: ReadonlyArray<string>): string {
  const zero = spec.missing === 'zero'
  return `j AS (
  SELECT ${keys.join(', ')},
    ${zero ? 'CASE WHEN lp = 0 THEN 0 ELSE lv END' : 'lv'} AS lv,
    ${zero ? 'CASE WHEN rp = 0 THEN 0 ELSE rv END' : 'rv'} AS rv,
    CASE WHEN lp > 0 THEN 1 END AS lp, CASE WHEN rp > 0 THEN 1 END AS rp
  FROM g
)`
}

function selectKeys(dialect: DialectName, side: ReconcileSide, keys: ReadonlyArray<string>): string {
  return side.groupBy.map((g, i) => `${columnOrExpression(dialect, g)} AS ${keys[i]}`).join(', ')
}

function where(side: ReconcileSide): string {
  return side.where === undefined ? '' : `\n  WHERE (${side.where})`
}

/** Whether every key of a side is a column the schema declares NOT NULL. */
function keysNotNull(side: ReconcileSide, facts: ReadonlyMap<string, TableFacts>): boolean {
  const table = facts.get(side.table)
  return side.groupBy.every((g) => table?.columns.get(g)?.notNull === true)
}

/** Declared types of key columns that are plain columns of the left table. */
function keyTypes(
  side: ReconcileSide,
  names: ReadonlyArray<string>,
  facts: ReadonlyMap<string, TableFacts>,
): Record<string, string> {
  const table = facts.get(side.table)
  const types: Record<string, string> = {}
  side.groupBy.forEach((g, i) => {
    const type = table?.columns.get(g)?.type
    if (type) types[names[i]!] = type
  })
  return types
}
