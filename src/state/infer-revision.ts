import type { History } from '../history/history-model.js'
import { objectKey, type Schema, type SchemaObject } from '../schema/model.js'
import type { Inference } from './diagnosis.js'

/**
 * Which revision the live schema is really at: the one whose expected schema it matches with the
 * fewest missing, changed or surplus managed objects (objects some revision creates); among
 * equals, the fewest unmanaged extras; among those, the latest. Objects that no revision ever
 * creates are unmanaged and do not spoil an exact match. `revision: null` means the state before
 * the first migration.
 *
 * Each revision's score is the score of the one before, corrected for the objects its delta
 * touches: a full diff against each of hundreds of expected schemas would cost the schema's size
 * once per revision, where the walk costs it once.
 */
export function inferRevision(history: History, live: Schema): Inference {
  const liveByKey = new Map<string, SchemaObject>()
  for (const o of live.objects) liveByKey.set(objectKey(o), o)
  const managed = managedKeys(history)
  const expected = new Map<string, SchemaObject>()
  for (const o of history.initial.objects) expected.set(objectKey(o), o)

  let missing = 0
  let changed = 0
  let surplus = 0
  let unmanaged = 0
  /** Adds (`sign` 1) or takes back (-1) what one key contributes to the score. */
  const account = (key: string, sign: 1 | -1) => {
    const want = expected.get(key)
    const have = liveByKey.get(key)
    if (want !== undefined) {
      if (have === undefined) missing += sign
      else if (have.definition !== want.definition) changed += sign
    } else if (have !== undefined) {
      if (managed.has(key)) surplus += sign
      else unmanaged += sign
    }
  }
  for (const key of expected.keys()) account(key, 1)
  for (const key of liveByKey.keys()) if (!expected.has(key)) account(key, 1)

  const scores: Score[] = [{ revision: null, distance: missing + changed + surplus, extra: unmanaged }]
  for (const revision of history.revisions) {
    const { delta } = revision
    const touched = new Set<string>()
    for (const o of delta.dropped) touched.add(objectKey(o))
    for (const { after } of delta.changed) touched.add(objectKey(after))
    for (const o of delta.created) touched.add(objectKey(o))
    for (const key of touched) account(key, -1)
    // The same order as applyDelta: drops, then changes, then creations.
    for (const o of delta.dropped) expected.delete(objectKey(o))
    for (const { after } of delta.changed) expected.set(objectKey(after), after)
    for (const o of delta.created) expected.set(objectKey(o), o)
    for (const key of touched) account(key, 1)
    scores.push({ revision: revision.id, distance: missing + changed + surplus, extra: unmanaged })
  }

  let best = scores[0]!
  for (const score of scores) {
    if (score.distance < best.distance || (score.distance === best.distance && score.extra <= best.extra)) {
      best = score
    }
  }
  const winner = best
  const alsoExact =
    winner.distance === 0
      ? scores
          .filter((s) => s.distance === 0 && s.extra === winner.extra && s.revision !== winner.revision)
          .map((s) => s.revision)
      : []
  return Object.freeze({
    revision: winner.revision,
    exact: winner.distance === 0,
    distance: winner.distance,
    alsoExact,
  })
}

interface Score {
  readonly revision: string | null
  readonly distance: number
  readonly extra: number
}

/**
 * Keys of every object some revision's expected schema holds. A revision's schema holds only what
 * the one before held and what its delta creates or changes, so the first schema and the later
 * deltas name them all.
 */
function managedKeys(history: History): ReadonlySet<string> {
  const managed = new Set<string>()
  const [first, ...rest] = history.revisions
  if (first === undefined) return managed
  for (const o of first.schema.objects) managed.add(objectKey(o))
  for (const { delta } of rest) {
    for (const o of delta.created) managed.add(objectKey(o))
    for (const { after } of delta.changed) managed.add(objectKey(after))
  }
  return managed
}
