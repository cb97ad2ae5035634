import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Memory of one `up`, in bytes, measured in a process that does nothing else. */
export interface UpMemory {
  /** RSS once the code and the driver are loaded, before `up`. */
  readonly rssBefore: number
  /** Peak RSS of the whole process (getrusage `ru_maxrss`). */
  readonly rssPeak: number
  /** Highest heap use sampled every 5 ms during `up`. */
  readonly heapPeak: number
}

/** Runs memory-probe.mjs on the compiled sources in `build` against the empty database at `url`. */
export function measureUpMemory(build: string, url: string, dir: string): UpMemory {
  const probe = fileURLToPath(new URL('./memory-probe.mjs', import.meta.url))
  const output = execFileSync(process.execPath, [probe, build, url, dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return JSON.parse(output.trim().split('\n').at(-1)!) as UpMemory
}
