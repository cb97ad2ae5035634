import type { Diagnosis } from './diagnosis.js'

/**
 * The migrations a diagnosis finds merged with a version older than ones applied — never
 * recorded, none of their effects in the database (or, changing no schema, none to show) — when
 * nothing else is wrong with it but their missing effects; otherwise none. What `up
 * --out-of-order` applies.
 */
export function lateMerged(diagnosis: Diagnosis): ReadonlyArray<string> {
  if (diagnosis.state !== 'corrupted_tracking') return []
  const late = diagnosis.problems
    .filter((p) => p.code === 'OUT_OF_ORDER' && p.evidence?.lateMerge === true)
    .map((p) => p.revision as string)
  const explained = diagnosis.problems.every(
    (p) =>
      p.severity !== 'error' ||
      (late.includes(p.revision as string) &&
        ['OUT_OF_ORDER', 'MISSING_OBJECT', 'MISSING_CHANGE'].includes(p.code)),
  )
  return explained ? late : []
}

/**
 * The migrations merged late that `up --out-of-order` is the next step for: {@link lateMerged},
 * unless one of them changes no schema — whether that one ran is for a human to say (its problem
 * gives both ways).
 */
export function outOfOrderFix(diagnosis: Diagnosis): ReadonlyArray<string> {
  const late = lateMerged(diagnosis)
  if (late.length === 0 || diagnosis.problems.some((p) => p.evidence?.schemaNeutral === true)) return []
  return late
}
