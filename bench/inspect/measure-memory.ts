import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Memory of one introspection, in bytes, measured in a process that does nothing else. */
export interface MemoryFigures {
  /**
   * RSS after connecting, before the first introspection. It includes the TypeScript loader
   * the benchmarks run under (about 90 MB), so the growth to the peak is the telling figure.
   */
  readonly rssBefore: number
  /** Peak RSS of the whole process (getrusage `ru_maxrss`). */
  readonly rssPeak: number
  /** Heap in use after a full collection, before the measured introspection. */
  readonly heapBase: number
  /** Highest heap use seen at each round trip and at the end of the measured introspection. */
  readonly heapPeak: number
  /** Heap a returned schema keeps alive (after a full collection, averaged over three held). */
  readonly heapRetained: number
}

/** Runs memory-probe.ts in a fresh Node process against the database at `url`. */
export function measureMemory(url: string): MemoryFigures {
  const register = new URL('../register.mjs', import.meta.url).href
  const probe = fileURLToPath(new URL('./memory-probe.ts', import.meta.url))
  const output = execFileSync(process.execPath, ['--expose-gc', `--import=${register}`, probe, url], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return JSON.parse(output.trim().split('\n').at(-1)!) as MemoryFigures
}
