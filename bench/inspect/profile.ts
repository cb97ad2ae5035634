import { Session } from 'node:inspector/promises'
import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'

/** A function and the share of the sampled time spent in its own code. */
export interface HotFrame {
  readonly fn: string
  /** Path relative to the working directory, or the runtime's own label. */
  readonly file: string
  /** Self time per run, in milliseconds. */
  readonly selfMs: number
  /** Share of all samples, idle excluded. */
  readonly share: number
}

function location(url: string): string {
  if (url === '') return '(native)'
  if (!url.startsWith('file:')) return url
  return relative(process.cwd(), fileURLToPath(url))
}

/** Where the sampled time went: by function, and by file (all its functions together). */
export interface Hotspots {
  readonly functions: ReadonlyArray<HotFrame>
  readonly files: ReadonlyArray<Omit<HotFrame, 'fn'>>
}

/**
 * Runs `task` `runs` times under V8's sampling profiler (100 µs) and returns the functions and
 * files with the most self time: where the time of a slow introspection goes.
 */
export async function hotspots(task: () => Promise<unknown>, runs: number, top: number): Promise<Hotspots> {
  const session = new Session()
  session.connect()
  try {
    await session.post('Profiler.enable')
    await session.post('Profiler.setSamplingInterval', { interval: 100 })
    await session.post('Profiler.start')
    for (let i = 0; i < runs; i++) await task()
    const { profile } = await session.post('Profiler.stop')
    const perSample = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples?.length ?? 1)
    const byFrame = new Map<string, { fn: string; file: string; hits: number }>()
    let total = 0
    for (const node of profile.nodes) {
      const hits = node.hitCount ?? 0
      if (node.callFrame.functionName === '(idle)' || hits === 0) continue
      total += hits
      const fn = node.callFrame.functionName || '(anonymous)'
      const file = location(node.callFrame.url)
      const key = `${fn}\t${file}`
      const entry = byFrame.get(key) ?? { fn, file, hits: 0 }
      entry.hits += hits
      byFrame.set(key, entry)
    }
    const rank = <T extends { hits: number }>(entries: Iterable<T>) =>
      [...entries]
        .sort((a, b) => b.hits - a.hits)
        .slice(0, top)
        .map(({ hits, ...rest }) => ({
          ...rest,
          selfMs: (hits * perSample) / runs,
          share: hits / Math.max(1, total),
        }))
    const byFile = new Map<string, { file: string; hits: number }>()
    for (const { file, hits } of byFrame.values()) {
      const entry = byFile.get(file) ?? { file, hits: 0 }
      entry.hits += hits
      byFile.set(file, entry)
    }
    return { functions: rank(byFrame.values()), files: rank(byFile.values()) }
  } finally {
    session.disconnect()
  }
}
