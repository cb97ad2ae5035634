import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'

/** What the figures were measured on. */
export interface Machine {
  readonly system: string
  readonly cpu: string
  readonly cores: number
  readonly node: string
  /** 1-minute load average when the run began: other work on a shared machine skews figures. */
  readonly load: number
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'))
    if (line) return line.slice(line.indexOf(':') + 1).trim()
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  return cpus()[0]?.model ?? 'unknown'
}

export function describeMachine(): Machine {
  let system = 'unknown'
  try {
    system = execFileSync('uname', ['-srm'], { encoding: 'utf8' }).trim()
  } catch {
    system = `${process.platform} ${process.arch}`
  }
  return { system, cpu: cpuModel(), cores: cpus().length, node: process.version, load: loadavg()[0] ?? 0 }
}
