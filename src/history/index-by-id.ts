/** Things a history or a migrations folder lists in order, each under its own id. */
interface Identified {
  readonly id: string
}

const positions = new WeakMap<ReadonlyArray<Identified>, ReadonlyMap<string, number>>()

/**
 * The position of the item with id `id` in `list`, or -1: what `list.findIndex(x => x.id === id)`
 * says, from a map built once per list. The lists of a history and of a migrations folder are
 * never changed once built, and a run looks one up per revision it applies: a scan each time
 * cost a few milliseconds per hundred revisions, for nothing.
 */
export function indexOfId(list: ReadonlyArray<Identified>, id: string): number {
  let map = positions.get(list)
  if (map === undefined || map.size !== list.length) {
    const built = new Map<string, number>()
    // The first of a duplicated id wins, as with findIndex.
    for (let i = list.length - 1; i >= 0; i--) built.set(list[i]!.id, i)
    map = built
    positions.set(list, map)
  }
  return map.get(id) ?? -1
}

/** The item with id `id` in `list`, or `undefined` (see {@link indexOfId}). */
export function findById<T extends Identified>(list: ReadonlyArray<T>, id: string): T | undefined {
  const at = indexOfId(list, id)
  return at < 0 ? undefined : list[at]
}
