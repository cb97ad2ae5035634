import type { History } from '../history/history-model.js'
import { applyDelta } from '../history/revision-delta.js'
import { describeObject, objectKey, type Schema } from '../schema/model.js'

/** A pending revision that cannot fit the live schema, and the object that shows it. */
export interface Misfit {
  readonly revision: string
  readonly message: string
}

/**
 * Checks, before anything runs, that each pending revision's delta fits the schema it will meet:
 * what it creates must not exist, what it drops or changes must exist as it expects. The live
 * schema is carried forward through the deltas, so the fifth pending migration is checked
 * against what the first four will leave.
 */
export function preflight(
  history: History,
  live: Schema,
  pending: ReadonlyArray<string>,
): ReadonlyArray<Misfit> {
  const misfits: Misfit[] = []
  let simulated = live
  for (const id of pending) {
    const revision = history.revisions.find((r) => r.id === id)!
    const byKey = new Map(simulated.objects.map((o) => [objectKey(o), o] as const))
    for (const o of revision.delta.created) {
      const existing = byKey.get(objectKey(o))
      if (existing === undefined) continue
      misfits.push({
        revision: id,
        message:
          existing.definition === o.definition
            ? `${id} creates ${describeObject(o)}, which already exists (no migration created it)`
            : `${id} creates ${describeObject(o)}, but one of that name already exists with another definition — IF NOT EXISTS would skip it silently\n      expected: ${o.definition}\n      found:    ${existing.definition}`,
      })
    }
    for (const o of revision.delta.dropped) {
      if (!byKey.has(objectKey(o)))
        misfits.push({ revision: id, message: `${id} drops ${describeObject(o)}, which does not exist` })
    }
    for (const { before } of revision.delta.changed) {
      const existing = byKey.get(objectKey(before))
      if (existing === undefined)
        misfits.push({
          revision: id,
          message: `${id} changes ${describeObject(before)}, which does not exist`,
        })
      else if (existing.definition !== before.definition) {
        misfits.push({
          revision: id,
          message: `${id} changes ${describeObject(before)}, which is not as it expects\n      expected: ${before.definition}\n      found:    ${existing.definition}`,
        })
      }
    }
    simulated = applyDelta(simulated.dialect, simulated, revision.delta)
  }
  return misfits
}
