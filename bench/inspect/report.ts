import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import type { Machine } from './machine.js'
import type { MemoryFigures } from './measure-memory.js'
import type { Hotspots } from './profile.js'
import type { Timing } from './timing.js'

/** The figures of one dialect. */
export interface InspectResult {
  readonly dialect: 'sqlite' | 'postgres' | 'mysql'
  readonly server: string
  readonly counts: Readonly<Record<string, number>>
  readonly objects: number
  readonly roundTrips: number
  readonly introspect: Timing
  readonly raw: Timing
  readonly ratio: number
  readonly target: number
  readonly memory: MemoryFigures
  readonly hot?: Hotspots
}

export interface InspectRun {
  readonly date: Date
  readonly machine: Machine
  readonly seed: number
  readonly migrations: number
  readonly warmup: number
  readonly runs: number
  readonly results: ReadonlyArray<InspectResult>
}

const ms = (t: number) => `${t.toFixed(1)} ms`
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`

function schemaLine(r: InspectResult): string {
  const kinds = ['table', 'column', 'index', 'foreign_key', 'view', 'trigger', 'function', 'sequence', 'type']
  const plural = (k: string) => (k === 'index' ? 'indexes' : `${k.replace('_', ' ')}s`)
  const parts = kinds.filter((k) => r.counts[k] !== undefined).map((k) => `${r.counts[k]} ${plural(k)}`)
  return `- ${r.dialect}: ${r.objects} objects — ${parts.join(', ')}`
}

function hotTables(r: InspectResult): string[] {
  if (r.hot === undefined) return []
  const share = (f: { share: number }) => `${(f.share * 100).toFixed(1)} %`
  return [
    '',
    `${r.dialect}: self time per introspection (V8 sampling profiler, 100 µs), by file:`,
    '',
    '| file | self | share |',
    '|---|---:|---:|',
    ...r.hot.files.map((f) => `| \`${f.file}\` | ${ms(f.selfMs)} | ${share(f)} |`),
    '',
    'and by function:',
    '',
    '| function | file | self | share |',
    '|---|---|---:|---:|',
    ...r.hot.functions.map((f) => `| \`${f.fn}\` | \`${f.file}\` | ${ms(f.selfMs)} | ${share(f)} |`),
  ]
}

/** The `## inspect` section of BENCHMARKS.md. */
export function renderInspectSection(run: InspectRun): string {
  const { machine } = run
  const lines = [
    '## inspect',
    '',
    `\`introspect()\` of the schema built by the generated ${run.migrations}-migration history`,
    `(\`bench/history\`, seed ${run.seed}), against its baseline measured in the same run: the catalog`,
    'statements recorded from one introspection, sent again back to back over the same database with',
    'the bare driver (better-sqlite3, node-postgres). Medians of',
    `${run.runs} alternating runs after ${run.warmup} warm-ups. Memory is measured in a separate`,
    'process that only connects and introspects: heap in use at its highest',
    '(sampled at every round trip and at the end) over the collected heap before, the heap one returned',
    'schema keeps alive, and RSS growth from before the first introspection to the process peak (the',
    'peak includes the TypeScript loader the benchmarks run under). The script exits 1 when a ratio',
    'exceeds its target.',
    '',
    'Run with `npm run bench:inspect` (`node --import ./bench/register.mjs bench/inspect.ts`).',
    '',
    `- date: ${run.date.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- machine: \`${machine.system}\`, ${machine.cpu}, ${machine.cores} cores, load average ${machine.load.toFixed(2)} at start`,
    `- node: ${machine.node}`,
    `- servers: ${run.results.map((r) => r.server).join('; ')}`,
    '',
    '| dialect | round trips | `introspect()` | raw catalog queries | ratio | target | heap peak (base) | schema retained | RSS growth (peak) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...run.results.map((r) =>
      [
        '',
        r.dialect,
        r.roundTrips,
        ms(r.introspect.median),
        ms(r.raw.median),
        `${r.ratio.toFixed(2)}×${r.ratio > r.target ? ' ✗' : ''}`,
        `≤ ${r.target}×`,
        `${mb(r.memory.heapPeak)} (${mb(r.memory.heapBase)})`,
        mb(r.memory.heapRetained),
        `${mb(Math.max(0, r.memory.rssPeak - r.memory.rssBefore))} (${mb(r.memory.rssPeak)})`,
        '',
      ]
        .join(' | ')
        .trim(),
    ),
    '',
    'Schema measured:',
    '',
    ...run.results.map(schemaLine),
  ]
  const hot = run.results.flatMap(hotTables)
  if (hot.length > 0) lines.push('', '### inspect: where the time goes (ratio above target)', ...hot)
  return `${lines.join('\n')}\n`
}

/** Replaces the `## inspect` section of the file (or appends it), leaving other sections alone. */
export function writeSection(file: string, section: string): void {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n'
  const start = current.search(/^## inspect$/m)
  if (start === -1) {
    writeFileSync(file, `${current.trimEnd()}\n\n${section}`)
    return
  }
  const rest = current.slice(start + 1).search(/^## /m)
  const end = rest === -1 ? current.length : start + 1 + rest
  writeFileSync(file, `${current.slice(0, start)}${section}${rest === -1 ? '' : `\n${current.slice(end)}`}`)
}
