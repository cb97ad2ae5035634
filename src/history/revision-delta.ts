import { objectKey, type Schema, type SchemaObject } from '../schema/model.js'

/** What one revision did to the schema: the objects it created, dropped and changed. */
export interface RevisionDelta {
  readonly created: ReadonlyArray<SchemaObject>
  readonly dropped: ReadonlyArray<SchemaObject>
  readonly changed: ReadonlyArray<{ readonly before: SchemaObject; readonly after: SchemaObject }>
}

/** The delta that takes `before` to `after`. */
export function computeDelta(before: Schema, after: Schema): RevisionDelta {
  const beforeByKey = new Map(before.objects.map((o) => [objectKey(o), o] as const))
  const created: SchemaObject[] = []
  const changed: Array<{ before: SchemaObject; after: SchemaObject }> = []
  for (const object of after.objects) {
    const key = objectKey(object)
    const old = beforeByKey.get(key)
    if (old === undefined) created.push(object)
    else {
      if (old.definition !== object.definition || !sameDetails(old, object))
        changed.push({ before: old, after: object })
      beforeByKey.delete(key)
    }
  }
  return Object.freeze({ created, dropped: [...beforeByKey.values()], changed })
}

/** A schema held as its objects by key, changed in place by {@link applyDeltaInPlace}. */
export interface SchemaState {
  get(key: string): SchemaObject | undefined
  set(key: string, object: SchemaObject): unknown
  delete(key: string): unknown
}

/**
 * Applies a delta to `state` in place — the inverse of {@link computeDelta} — and requires it to
 * fit exactly: every object it creates absent, every object it drops or changes present as the
 * delta says it was; otherwise it throws, naming the first misfit (deltas computed from real
 * states always fit; a hand-edited one rarely does). Replaying a long history then costs the size
 * of its deltas, not the schema's size at every step. A `Map` is a state; so is an overlay that
 * records changes over a state it leaves alone.
 */
export function applyDeltaInPlace(state: SchemaState, delta: RevisionDelta): void {
  // Each key is computed once: a history's objects come from JSON, unfrozen, so uncached.
  const dropped = delta.dropped.map(objectKey)
  const changed = delta.changed.map((c) => objectKey(c.after))
  const created = delta.created.map(objectKey)
  const expectPresent = (object: SchemaObject, key: string) => {
    const found = state.get(key)
    if (found === undefined || !sameObject(found, object))
      throw new Error(`${key} is not as the delta says it was`)
  }
  for (const [i, object] of delta.dropped.entries()) expectPresent(object, dropped[i]!)
  for (const { before } of delta.changed) expectPresent(before, objectKey(before))
  for (const key of created) if (state.get(key) !== undefined) throw new Error(`${key} already exists`)
  for (const key of dropped) state.delete(key)
  for (const [i, { after }] of delta.changed.entries()) state.set(changed[i]!, after)
  for (const [i, object] of delta.created.entries()) state.set(created[i]!, object)
}

/** Same definition and details. */
export function sameObject(a: SchemaObject, b: SchemaObject): boolean {
  return a.definition === b.definition && sameDetails(a, b)
}

/** True when a delta changes nothing. */
export function isEmptyDelta(delta: RevisionDelta): boolean {
  return delta.created.length === 0 && delta.dropped.length === 0 && delta.changed.length === 0
}

function sameDetails(a: SchemaObject, b: SchemaObject): boolean {
  return JSON.stringify(a.details ?? null) === JSON.stringify(b.details ?? null)
}
