import type { Machine } from '../inspect/machine.js'
import type { Hotspots } from '../inspect/profile.js'
import type { BenchDialect } from './fresh-database.js'
import type { UpMemory } from './measure-up-memory.js'
import type { UpRun } from './plumbline-up.js'
import type { SetupCosts } from './setup-costs.js'
import { duration, megabytes, type Summary, summarize } from './stats.js'

/** A baseline's timings. */
export interface BaselineResult {
  readonly name: string
  readonly binding: boolean
  readonly timing: Summary
}

/** The figures of one dialect. */
export interface ApplyResult {
  readonly dialect: BenchDialect
  readonly server: string
  /** Which history was applied, when it is not the generated one of `bench/history`. */
  readonly history: string
  readonly migrations: number
  readonly up: Summary
  /** The run whose time was the median: its statements are shown. */
  readonly medianRun: UpRun
  /**
   * The run verification's share is taken from: the median run, or where the dialect sends a
   * migration's verification read with its statements, one more run that sends it alone.
   */
  readonly verificationRun: UpRun
  /** The parts of the setup that grow with the history, measured apart. */
  readonly setup: SetupCosts
  readonly baselines: ReadonlyArray<BaselineResult>
  /**
   * `up` over the binding baseline: the median of each run's ratio to the baseline run beside it,
   * and the lowest and highest of those; and the most it may be (undefined: reported only).
   */
  readonly ratio: number
  readonly ratioRange: readonly [number, number]
  readonly ratioTarget?: number
  readonly noop: { readonly roundTrips: number; readonly timing: Summary }
  readonly noopTarget?: { readonly roundTrips: number; readonly ms: number }
  readonly memory: UpMemory
  readonly memoryTarget: number
  readonly hot?: Hotspots
  /** Each timed run's main-thread busy time (see `UpRun.busyMs`). */
  readonly busy: ReadonlyArray<number>
  /**
   * PostgreSQL: the calls one `up` made on its connection, replayed by a bare driver connection
   * on fresh databases, alternating with the binding baseline (ratio as for `up`).
   */
  readonly replay?: {
    readonly calls: number
    readonly timing: Summary
    readonly ratio: number
    readonly ratioRange: readonly [number, number]
  }
}

/** What one run of the script measured. */
export interface ApplyRun {
  readonly date: Date
  readonly machine: Machine
  readonly seed: number
  readonly results: ReadonlyArray<ApplyResult>
  readonly misses: ReadonlyArray<string>
}

const DIALECT_NAMES: Record<ApplyResult['dialect'], string> = {
  sqlite: 'SQLite',
  postgres: 'PostgreSQL',
  mysql: 'MySQL',
}

const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(0)} %`
const range = (s: Summary) => `${duration(s.median)} (${duration(s.min)}–${duration(s.max)})`
const row = (cells: ReadonlyArray<string | number>) => `| ${cells.join(' | ')} |`

function mark(ok: boolean): string {
  return ok ? '' : ' ✗'
}

/** Whether each target of a result is met, as the lines that say which is not. */
export function missesOf(r: ApplyResult): string[] {
  const misses: string[] = []
  if (r.ratioTarget !== undefined && r.ratio > r.ratioTarget)
    misses.push(`${r.dialect}: up costs ${r.ratio.toFixed(2)}× its baseline, target ≤ ${r.ratioTarget}×`)
  if (r.noopTarget && r.noop.roundTrips > r.noopTarget.roundTrips)
    misses.push(
      `${r.dialect}: no-op up takes ${r.noop.roundTrips} round trips, target ≤ ${r.noopTarget.roundTrips}`,
    )
  if (r.noopTarget && r.noop.timing.median > r.noopTarget.ms)
    misses.push(
      `${r.dialect}: no-op up takes ${duration(r.noop.timing.median)}, target ≤ ${r.noopTarget.ms} ms`,
    )
  if (r.memory.rssPeak > r.memoryTarget)
    misses.push(
      `${r.dialect}: up peaks at ${megabytes(r.memory.rssPeak)} RSS, target < ${megabytes(r.memoryTarget)}`,
    )
  return misses
}

function statementTable(r: ApplyResult): string[] {
  return [
    '',
    `${r.dialect}: where the median \`up\` (${duration(r.medianRun.ms)}) spent its time, by statement`,
    `(time from sending to result). Before the first migration ran, ${duration(r.medianRun.setupMs)} went to reading the`,
    `folder, the history file, observing and planning; measured apart, reading the folder takes ${duration(r.setup.folderMs)},`,
    `reading \`plumbline.history.json\` (its deltas replayed once) ${duration(r.setup.historyMs)}, and pre-flight of`,
    `every migration ${duration(r.setup.preflightMs)}:`,
    '',
    '| statements | count | time | share of `up` |',
    '|---|---:|---:|---:|',
    ...r.medianRun.statements.map(([cls, t]) =>
      row([cls, t.count, duration(t.ms), pct(t.ms, r.medianRun.ms)]),
    ),
  ]
}

function hotTable(r: ApplyResult): string[] {
  if (r.hot === undefined) return []
  return [
    '',
    `${r.dialect}: self time of one \`up\` (V8 sampling profiler), by file:`,
    '',
    '| file | self | share |',
    '|---|---:|---:|',
    ...r.hot.files.map((f) => row([`\`${f.file}\``, duration(f.selfMs), `${(f.share * 100).toFixed(1)} %`])),
  ]
}

/**
 * What of a ratio is the server's work on the SQL plumbline sends: the same calls replayed with
 * nothing of plumbline in the process.
 */
function replayLines(r: ApplyResult): string[] {
  if (r.replay === undefined) return []
  const binding = r.baselines.find((b) => b.binding)!
  const busy = summarize(r.busy)
  return [
    '',
    `${r.dialect}: the SQL of one \`up\` (the ${r.replay.calls} calls it made on its connection), replayed by a bare node-postgres connection on fresh databases with nothing of plumbline running: ${range(r.replay.timing)}, ${r.replay.ratio.toFixed(2)}× ${binding.name} (${r.replay.ratioRange[0].toFixed(2)}–${r.replay.ratioRange[1].toFixed(2)}; ${r.replay.timing.runs} runs, each beside a baseline run). That much of the ratio is the server's work on what plumbline sends (the migrations' statements, the reads that verify them, the tracking writes); the rest of \`up\`'s time is plumbline's own work in the process.`,
    '',
    `${r.dialect}: that work, measured as the time the process's main thread was busy during each timed \`up\` (event-loop utilisation: plumbline and node-postgres, the rest of the time being waits for the server): ${range(busy)}, ${(busy.median / binding.timing.median).toFixed(2)}× the median ${binding.name}.`,
  ]
}

/** The `## apply` section of BENCHMARKS.md. */
export function renderApplySection(run: ApplyRun): string {
  const { machine, results } = run
  const lines = [
    '## apply',
    '',
    'Verified `up` of a generated history from an empty database to head, against the same files run',
    'without plumbline, each file in its own transaction, measured in the same run on fresh databases',
    `(medians of ${results.map((r) => `${r.up.runs} runs on ${DIALECT_NAMES[r.dialect]}`).join(', ')}, plumbline and baselines alternating; the ratio is`,
    'the median of each run’s ratio to the binding baseline’s run beside it, with their range and',
    'the ratio of the two medians, so that a slow or fast spell of the machine weighs on both sides',
    'of a ratio). plumbline runs in this process',
    'as `up` does: it reads the migrations folder and `plumbline.history.json` (built beforehand, so',
    'nothing is replayed), observes, plans, and applies each migration in its transaction with',
    'verification (introspection of what its delta touches, the tracking row and audit event; the',
    'catalog fingerprint for the head). Verification is the time in verification introspection,',
    'the catalog fingerprint and tracking statements; on PostgreSQL, where a migration’s',
    'verification read travels in the round trip of its statements, it is measured in one more run',
    'that sends each read alone (in the timed runs and the table by statement below, the read is',
    'part of the migration statements’ time). The no-op `up` is the engine on an open',
    'session at head (what an application that migrates at start pays). Memory is the peak RSS of',
    'a separate process that runs one `up` on the transpiled sources (no TypeScript loader).',
    'After the first run plumbline’s code is compiled by the JIT, as in a process that lives on;',
    'what it reads and parses it reads and parses in every run, as a process of its own would (its',
    'caches belong to the connection). A fresh process spent about 0.1 s more on its first `up` of',
    'the SQLite history than on later ones, in memory (JIT warm-up, not measured here).',
    '',
    'Run with `npm run bench:apply` (`node --import ./bench/register.mjs bench/apply.ts`).',
    '',
    `- date: ${run.date.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- machine: \`${machine.system}\`, ${machine.cpu}, ${machine.cores} cores, load average ${machine.load.toFixed(2)} at start`,
    `- node: ${machine.node}`,
    `- servers: ${results.map((r) => r.server).join('; ')}`,
    `- histories: ${results.map((r) => `${r.dialect} ${r.history}`).join('; ')}`,
    '',
    '| dialect | migrations | plumbline `up` | binding baseline | ratio | target | other baselines |',
    '|---|---:|---:|---:|---:|---:|---|',
    ...results.map((r) => {
      const binding = r.baselines.find((b) => b.binding)!
      const others = r.baselines.filter((b) => !b.binding)
      return row([
        r.dialect,
        r.migrations,
        range(r.up),
        `${binding.name}: ${range(binding.timing)}`,
        `${r.ratio.toFixed(2)}× (${r.ratioRange[0].toFixed(2)}–${r.ratioRange[1].toFixed(2)}; of the medians ${(r.up.median / binding.timing.median).toFixed(2)}×)${mark(r.ratioTarget === undefined || r.ratio <= r.ratioTarget)}`,
        r.ratioTarget === undefined ? 'reported' : `≤ ${r.ratioTarget}×`,
        others
          .map(
            (o) => `${o.name}: ${duration(o.timing.median)} (${(r.up.median / o.timing.median).toFixed(2)}×)`,
          )
          .join('; ') || '—',
      ])
    }),
    ...results.flatMap(replayLines),
    '',
    '| dialect | verification | share of `up` | engine’s verify time | no-op `up`: round trips | no-op `up`: time | target | RSS peak (before `up`) | heap peak | target |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map((r) =>
      row([
        r.dialect,
        duration(r.verificationRun.verificationMs),
        pct(r.verificationRun.verificationMs, r.verificationRun.ms),
        duration(r.verificationRun.verifyMs),
        `${r.noop.roundTrips}${mark(!r.noopTarget || r.noop.roundTrips <= r.noopTarget.roundTrips)}`,
        `${duration(r.noop.timing.median)}${mark(!r.noopTarget || r.noop.timing.median <= r.noopTarget.ms)}`,
        r.noopTarget ? `≤ ${r.noopTarget.roundTrips}, ≤ ${r.noopTarget.ms} ms` : 'reported',
        `${megabytes(r.memory.rssPeak)}${mark(r.memory.rssPeak <= r.memoryTarget)} (${megabytes(r.memory.rssBefore)})`,
        megabytes(r.memory.heapPeak),
        `< ${megabytes(r.memoryTarget)}`,
      ]),
    ),
    ...results.flatMap(statementTable),
  ]
  const hot = results.flatMap(hotTable)
  if (hot.length > 0) lines.push('', '### apply: where the time goes (ratio above target)', ...hot)
  lines.push('', run.misses.length === 0 ? 'Every target is met.' : 'Targets missed:', '')
  for (const miss of run.misses) lines.push(`- ${miss}`)
  return `${lines.join('\n').trimEnd()}\n`
}
