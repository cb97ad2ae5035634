/** A value that is one call of an aggregate that ignores NULLs: `sum(points)`, `count(DISTINCT id)`. */
export interface AggregateCall {
  /** `SUM`, `MIN`, `MAX`, `AVG` or `COUNT`. */
  readonly fn: string
  readonly distinct: boolean
  /** The argument as written; `count(*)` has `1`. */
  readonly argument: string
}

const NULL_IGNORING = new Set(['SUM', 'MIN', 'MAX', 'AVG', 'COUNT'])

/**
 * Reads `value` as one call of SUM, MIN, MAX, AVG or COUNT with one argument, or `undefined`
 * (`sum(a) - sum(b)`, `string_agg(x, ',')`, anything else). Such a call can be computed over the
 * rows of both sides appended together, the other side's rows carrying NULL: the aggregate
 * ignores them, so it sees exactly its own side's values. Quotes and parentheses in the argument
 * are respected.
 *
 * @example
 * aggregateCall('sum(points)') // → { fn: 'SUM', distinct: false, argument: 'points' }
 * aggregateCall('count(*)')    // → { fn: 'COUNT', distinct: false, argument: '1' }
 */
export function aggregateCall(value: string): AggregateCall | undefined {
  const match = /^\s*([A-Za-z_]+)\s*\(([\s\S]*)\)\s*$/.exec(value)
  if (match === null) return undefined
  const fn = match[1]!.toUpperCase()
  const inner = match[2]!
  if (!NULL_IGNORING.has(fn) || !balancedWithoutTopLevelComma(inner)) return undefined
  const distinct = /^\s*distinct\s+/i.test(inner)
  const argument = inner.replace(/^\s*distinct\s+/i, '').trim()
  if (argument === '*') return fn === 'COUNT' && !distinct ? { fn, distinct, argument: '1' } : undefined
  return argument === '' ? undefined : { fn, distinct, argument }
}

/** Parentheses balance (outside quotes) and no comma stands outside them: one argument. */
function balancedWithoutTopLevelComma(text: string): boolean {
  let depth = 0
  let quote: string | undefined
  for (const c of text) {
    if (quote !== undefined) {
      if (c === quote) quote = undefined
      continue
    }
    if (c === "'" || c === '"' || c === '`') quote = c
    else if (c === '(') depth++
    else if (c === ')' && --depth < 0) return false
    else if (c === ',' && depth === 0) return false
  }
  return depth === 0 && quote === undefined
}
