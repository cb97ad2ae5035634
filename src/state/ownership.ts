import type { History } from '../history/history-model.js'
import { objectKey } from '../schema/model.js'

/** For each object key, the revision that last created or changed it: who a missing object belongs to. */
export function objectOwners(history: History): ReadonlyMap<string, string> {
  const owners = new Map<string, string>()
  for (const revision of history.revisions) {
    for (const object of revision.delta.created) owners.set(objectKey(object), revision.id)
    for (const { after } of revision.delta.changed) owners.set(objectKey(after), revision.id)
  }
  return owners
}

/** Every definition an object had, oldest first, with the revision that gave it. */
export function definitionHistory(
  history: History,
): ReadonlyMap<string, ReadonlyArray<{ revision: string; definition: string }>> {
  const versions = new Map<string, Array<{ revision: string; definition: string }>>()
  for (const revision of history.revisions) {
    for (const object of revision.delta.created) {
      const key = objectKey(object)
      versions.set(key, [
        ...(versions.get(key) ?? []),
        { revision: revision.id, definition: object.definition },
      ])
    }
    for (const { after } of revision.delta.changed) {
      const key = objectKey(after)
      versions.set(key, [
        ...(versions.get(key) ?? []),
        { revision: revision.id, definition: after.definition },
      ])
    }
  }
  return versions
}

/** For each object key, the last revision that dropped it. */
export function objectDroppers(history: History): ReadonlyMap<string, string> {
  const droppers = new Map<string, string>()
  for (const revision of history.revisions)
    for (const object of revision.delta.dropped) droppers.set(objectKey(object), revision.id)
  return droppers
}
