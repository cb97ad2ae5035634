import type { History } from '../history/history-model.js'
import { diff } from '../schema/diff.js'
import { objectKey, type Schema } from '../schema/model.js'
import type { Inference } from './diagnosis.js'

/**
 * Which revision the live schema is really at: the one whose expected schema it matches with the
 * fewest missing, changed or surplus managed objects (objects some revision creates); among
 * equals, the fewest unmanaged extras; among those, the latest. Objects that no revision ever
 * creates are unmanaged and do not spoil an exact match. `revision: null` means the state before
 * the first migration.
 */
export function inferRevision(history: History, live: Schema): Inference {
  const managed = new Set<string>()
  for (const revision of history.revisions) for (const o of revision.schema.objects) managed.add(objectKey(o))
  const candidates: Array<{ revision: string | null; schema: Schema }> = [
    { revision: null, schema: history.initial },
    ...history.revisions.map((r) => ({ revision: r.id, schema: r.schema })),
  ]
  let best: { revision: string | null; distance: number; extra: number } | undefined
  const scores: Array<{ revision: string | null; distance: number; extra: number }> = []
  for (const candidate of candidates) {
    const d = diff(candidate.schema, live)
    const surplus = d.extra.filter((o) => managed.has(objectKey(o))).length
    const score = {
      revision: candidate.revision,
      distance: d.missing.length + d.changed.length + surplus,
      extra: d.extra.length - surplus,
    }
    scores.push(score)
    if (
      best === undefined ||
      score.distance < best.distance ||
      (score.distance === best.distance && score.extra <= best.extra)
    ) {
      best = score
    }
  }
  const winner = best!
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
