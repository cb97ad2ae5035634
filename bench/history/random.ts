/** A seeded source of randomness: the same seed gives the same sequence on every machine. */
export interface Random {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number
  chance(probability: number): boolean
  pick<T>(items: ReadonlyArray<T>): T
  /** A new array with the items in a random order (Fisher–Yates). */
  shuffle<T>(items: ReadonlyArray<T>): T[]
}

/**
 * mulberry32 over a 32-bit state: small, fast and good enough to make schemas look varied;
 * `Math.random` is never used, so a history is reproducible from its seed alone.
 *
 * @example
 * const random = createRandom(42)
 * random.pick(['a', 'b']) // always the same for seed 42
 */
export function createRandom(seed: number | string): Random {
  let state = typeof seed === 'number' ? seed >>> 0 : hashString(seed)
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1))
  return {
    next,
    int,
    chance: (probability) => next() < probability,
    pick: <T>(items: ReadonlyArray<T>): T => {
      if (items.length === 0) throw new Error('random.pick: nothing to pick from')
      return items[int(0, items.length - 1)] as T
    },
    shuffle: <T>(items: ReadonlyArray<T>): T[] => {
      const out = [...items]
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(0, i)
        ;[out[i], out[j]] = [out[j] as T, out[i] as T]
      }
      return out
    },
  }
}

/** FNV-1a: turns a string seed into the 32-bit starting state. */
function hashString(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}
