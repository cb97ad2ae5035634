import type { BenchDialect } from '../apply/fresh-database.js'
import { duration, type Summary } from '../apply/stats.js'
import type { Machine } from '../inspect/machine.js'
import type { Hotspots } from '../inspect/profile.js'
import type { DiagnosePhases, UntrackedFinding } from './untracked.js'

/** A timed call and the statements it sent (when they could be counted). */
export interface Measured {
  readonly timing: Summary
  readonly roundTrips?: number
}

/** The figures of one dialect. */
export interface DiagnoseResult {
  readonly dialect: BenchDialect
  readonly server: string
  readonly history: string
  readonly migrations: number
  readonly start: {
    readonly api: Measured
    readonly list: Measured
    readonly connect: Measured
    readonly check: Measured
    /** The bare driver connecting, sending `SELECT 1` and closing: what any start that connects pays. */
    readonly floor: Measured
  }
  readonly startTarget?: { readonly roundTrips: number; readonly ms: number }
  readonly kysely?: { readonly cold: Measured; readonly warm: Measured }
  readonly untracked: {
    readonly api: Measured
    readonly finding: UntrackedFinding
    readonly phases: DiagnosePhases
  }
  readonly untrackedTarget?: number
  readonly hot?: Hotspots
}

/** What one run of the script measured. */
export interface DiagnoseRun {
  readonly date: Date
  readonly machine: Machine
  readonly runs: number
  readonly results: ReadonlyArray<DiagnoseResult>
  readonly misses: ReadonlyArray<string>
}

const row = (cells: ReadonlyArray<string | number>) => `| ${cells.join(' | ')} |`
const range = (s: Summary) => `${duration(s.median)} (${duration(s.min)}–${duration(s.max)})`
const trips = (m: Measured) => (m.roundTrips === undefined ? '—' : String(m.roundTrips))

/** Each missed target of a result, in words. */
export function missesOf(r: DiagnoseResult): string[] {
  const misses: string[] = []
  const t = r.startTarget
  if (t && r.start.api.roundTrips !== undefined && r.start.api.roundTrips > t.roundTrips)
    misses.push(
      `${r.dialect}: ensureHealthy() sends ${r.start.api.roundTrips} statements, target ${t.roundTrips}`,
    )
  if (t && r.start.api.timing.median > t.ms)
    misses.push(
      `${r.dialect}: ensureHealthy() takes ${duration(r.start.api.timing.median)}, target ≤ ${t.ms} ms`,
    )
  if (r.untrackedTarget !== undefined && r.untracked.api.timing.median > r.untrackedTarget)
    misses.push(
      `${r.dialect}: diagnose of an untracked database takes ${duration(r.untracked.api.timing.median)}, target < ${duration(r.untrackedTarget)}`,
    )
  const f = r.untracked.finding
  if (f.state !== 'untracked_schema' || !f.exact)
    misses.push(
      `${r.dialect}: the untracked database was diagnosed ${f.state}, inferred ${f.inferred} (exact: ${f.exact})`,
    )
  return misses
}

function phaseTable(r: DiagnoseResult): string[] {
  const p = r.untracked.phases
  const total = p.openMs + p.historyMs + p.diagnoseMs
  const statementMs = p.statements.reduce((sum, [, t]) => sum + t.ms, 0)
  return [
    '',
    `${r.dialect}: one diagnosis of the untracked database, phase by phase (${duration(total)}):`,
    '',
    '| phase | time |',
    '|---|---:|',
    row(['connect and read the migrations folder', duration(p.openMs)]),
    row(['read `plumbline.history.json` (its deltas replayed once)', duration(p.historyMs)]),
    row(['observe, analyze (with inference), plan', duration(p.diagnoseMs)]),
    // A diagnosis runs no migration: what the ledger files as migration statements are its own reads.
    ...p.statements.map(([cls, t]) =>
      row([
        `… of which ${cls === 'migration statements' ? 'other statements' : cls} (${t.count})`,
        duration(t.ms),
      ]),
    ),
    row([
      '… of which the rest (analyze, plan, the model)',
      duration(Math.max(0, p.diagnoseMs - statementMs)),
    ]),
  ]
}

function hotTable(r: DiagnoseResult): string[] {
  if (r.hot === undefined) return []
  return [
    '',
    `${r.dialect}: self time of one diagnosis (V8 sampling profiler), by file:`,
    '',
    '| file | self | share |',
    '|---|---:|---:|',
    ...r.hot.files.map((f) => row([`\`${f.file}\``, duration(f.selfMs), `${(f.share * 100).toFixed(1)} %`])),
  ]
}

/** The `## diagnose` section of BENCHMARKS.md. */
export function renderDiagnoseSection(run: DiagnoseRun): string {
  const { machine, results } = run
  const lines = [
    '## diagnose',
    '',
    'Two things a deployment pays for on a database built by the generated history. At application',
    'start, `ensureHealthy()` on a healthy database at head, as an application calls it (it lists',
    'the migrations folder’s ids and checksums, connects, and sends one statement), split into its',
    'parts, and — on PostgreSQL — against Kysely’s',
    '`migrateToLatest()` with nothing to do on a database Kysely migrated with the same migrations,',
    'measured in the same run: a new instance as at a start, and the instance that migrated (pool',
    'connected); Kysely is handed its migrations from memory, so its figures hold no file reading.',
    'Statements are counted at the driver. The last column is the floor of any start that',
    'connects: the bare driver (better-sqlite3, node-postgres, mysql2) opening a connection,',
    'sending `SELECT 1` and closing it, with none of plumbline. Then a full `diagnose()` of the same schema',
    'with its tracking tables dropped, with the history file (nothing replayed): it must infer the',
    `revision from the schema alone. Medians of ${run.runs} runs (the start: ${run.runs * 5}).`,
    '',
    'Run with `npm run bench:diagnose` (`node --import ./bench/register.mjs bench/diagnose.ts`).',
    '',
    `- date: ${run.date.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- machine: \`${machine.system}\`, ${machine.cpu}, ${machine.cores} cores, load average ${machine.load.toFixed(2)} at start`,
    `- node: ${machine.node}`,
    `- servers: ${results.map((r) => r.server).join('; ')}`,
    `- histories: ${results.map((r) => `${r.dialect} ${r.history}`).join('; ')}`,
    '',
    '| dialect | `ensureHealthy()` | statements | target | list the folder | connect and close | the check (open session) | statements | bare driver: connect, `SELECT 1`, close |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map((r) =>
      row([
        r.dialect,
        range(r.start.api.timing),
        trips(r.start.api),
        r.startTarget ? `${r.startTarget.roundTrips}, ≤ ${r.startTarget.ms} ms` : 'reported',
        duration(r.start.list.timing.median),
        duration(r.start.connect.timing.median),
        duration(r.start.check.timing.median),
        trips(r.start.check),
        duration(r.start.floor.timing.median),
      ]),
    ),
  ]
  const kysely = results.filter((r) => r.kysely)
  if (kysely.length > 0) {
    lines.push(
      '',
      '| dialect | Kysely `migrateToLatest()`, new instance | statements | plumbline ÷ Kysely | Kysely, migrating instance | statements | plumbline check ÷ Kysely |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...kysely.map((r) =>
        row([
          r.dialect,
          range(r.kysely!.cold.timing),
          trips(r.kysely!.cold),
          `${(r.start.api.timing.median / r.kysely!.cold.timing.median).toFixed(2)}×`,
          range(r.kysely!.warm.timing),
          trips(r.kysely!.warm),
          `${(r.start.check.timing.median / r.kysely!.warm.timing.median).toFixed(2)}×`,
        ]),
      ),
    )
  }
  lines.push(
    '',
    '| dialect | `diagnose()`, untracked | target | state | inferred |',
    '|---|---:|---:|---|---|',
    ...results.map((r) =>
      row([
        r.dialect,
        `${range(r.untracked.api.timing)}${r.untrackedTarget !== undefined && r.untracked.api.timing.median > r.untrackedTarget ? ' ✗' : ''}`,
        r.untrackedTarget === undefined ? 'reported' : `< ${duration(r.untrackedTarget)}`,
        `${r.untracked.finding.state} → ${r.untracked.finding.strategy}`,
        `${r.untracked.finding.inferred ?? '(none)'}${r.untracked.finding.exact ? ', exact' : ''}`,
      ]),
    ),
    ...results.flatMap(phaseTable),
  )
  const hot = results.flatMap(hotTable)
  if (hot.length > 0) lines.push('', '### diagnose: where the time goes (above target)', ...hot)
  lines.push('', run.misses.length === 0 ? 'Every target is met.' : 'Targets missed:', '')
  for (const miss of run.misses) lines.push(`- ${miss}`)
  return `${lines.join('\n').trimEnd()}\n`
}
