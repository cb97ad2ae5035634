// bench/apply: what verified `up` costs over running the same migration files without plumbline.
//
//   node --import ./bench/register.mjs bench/apply.ts   (npm run bench:apply; no build needed)
//
// Environment: PLUMBLINE_BENCH_PG_URL (administrative URL of the PostgreSQL server, default
// postgres://postgres@127.0.0.1:5432/postgres), PLUMBLINE_BENCH_MYSQL_URL (of the MySQL or
// MariaDB server, default mysql://root@127.0.0.1:3306/mysql), PLUMBLINE_BENCH_DIALECTS (default
// "sqlite,postgres,mysql"), PLUMBLINE_BENCH_RUNS (default 15 on SQLite, whose runs are short and
// whose file syncs vary the most, 7 on PostgreSQL; MySQL, slow at DDL, runs 3 at most).
// Writes the `## apply` section of BENCHMARKS.md and exits 1 when a target is missed.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { dialectFor } from '../src/dialects/registry.js'
import { baselinesFor } from './apply/baselines.js'
import { benchHistory } from './apply/bench-history.js'
import { compileSource } from './apply/compile-source.js'
import { type BenchDialect, freshDatabase } from './apply/fresh-database.js'
import { measureUpMemory } from './apply/measure-up-memory.js'
import { noopUp, plumblineUp, type UpRun } from './apply/plumbline-up.js'
import { recordUp, replayOnPostgres } from './apply/replayed-sql.js'
import { type ApplyResult, missesOf, renderApplySection } from './apply/report.js'
import { writeSection } from './apply/section.js'
import { describeServer } from './apply/server-version.js'
import { setupCosts } from './apply/setup-costs.js'
import { summarize } from './apply/stats.js'
import type { GeneratedMigration } from './history/generate-history.js'
import { historyFixture } from './history/history-fixture.js'
import { describeMachine } from './inspect/machine.js'
import { hotspots } from './inspect/profile.js'

const SEED = 2024
const MIGRATIONS = 300
const RUNS_SET =
  process.env.PLUMBLINE_BENCH_RUNS === undefined ? undefined : Number(process.env.PLUMBLINE_BENCH_RUNS)
const DEFAULT_RUNS: Record<BenchDialect, number> = { sqlite: 15, postgres: 7, mysql: 3 }
const NOOP_RUNS = 21
/** Verified `up` may cost at most this many times its binding baseline (MySQL: reported). */
const RATIO_TARGET: Partial<Record<BenchDialect, number>> = { sqlite: 1.5, postgres: 1.5 }
/** `up` with nothing pending on PostgreSQL: round trips and milliseconds. */
const NOOP_TARGET = { roundTrips: 3, ms: 10 }
const MEMORY_TARGET = 150 * 1024 * 1024
const ADMIN_URL: Record<BenchDialect, string> = {
  sqlite: 'sqlite::memory:',
  postgres: process.env.PLUMBLINE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  mysql: process.env.PLUMBLINE_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/mysql',
}
const DIALECTS = (process.env.PLUMBLINE_BENCH_DIALECTS ?? 'sqlite,postgres,mysql').split(
  ',',
) as BenchDialect[]
const OUTPUT = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url))

async function timed(task: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await task()
  return performance.now() - start
}

/** Runs `task` on a fresh database, dropped afterwards. */
async function onFreshDatabase(
  dialect: BenchDialect,
  adminUrl: string,
  task: (db: Awaited<ReturnType<typeof freshDatabase>>) => Promise<void>,
): Promise<void> {
  const db = await freshDatabase(dialect, adminUrl)
  try {
    await task(db)
  } finally {
    await db.drop()
  }
}

/**
 * Runs `tasks` `runs` times, in order and then in reverse by turns, so that the machine's slow
 * and fast spells fall on each of them alike. With `dialect`, says which run it is.
 */
async function alternate(
  runs: number,
  dialect: BenchDialect | undefined,
  tasks: ReadonlyArray<() => Promise<void>>,
): Promise<void> {
  for (let i = 0; i < runs; i++) {
    if (dialect !== undefined) console.error(`${dialect}: run ${i + 1} of ${runs}`)
    for (const task of i % 2 === 0 ? tasks : [...tasks].reverse()) await task()
  }
}

async function benchDialect(dialect: BenchDialect, build: string): Promise<ApplyResult> {
  const adminUrl = ADMIN_URL[dialect]
  const { migrations, description } = benchHistory(dialect, MIGRATIONS, SEED)
  console.error(`${dialect}: ${migrations.length} migrations; building or reusing their history file`)
  const fixture = await historyFixture(migrations, { url: adminUrl })
  const scripts = mkdtempSync(join(tmpdir(), 'plumbline-bench-scripts-'))
  try {
    const files = migrations.map((m: GeneratedMigration) => join(fixture.dir, m.name))
    const baselines = baselinesFor(dialect, files, scripts)
    const runs = Math.min(
      RUNS_SET ?? DEFAULT_RUNS[dialect],
      dialect === 'mysql' ? 3 : Number.POSITIVE_INFINITY,
    )
    const upRuns: UpRun[] = []
    const baselineSamples = baselines.map(() => [] as number[])
    let atHead: Awaited<ReturnType<typeof freshDatabase>> | undefined
    await alternate(runs, dialect, [
      async () => {
        const db = await freshDatabase(dialect, adminUrl)
        upRuns.push(await plumblineUp(fixture.dir, db.url))
        await atHead?.drop()
        atHead = db
      },
      ...baselines.map(
        (b, j) => () =>
          onFreshDatabase(dialect, adminUrl, async (db) => {
            baselineSamples[j]!.push(await timed(() => b.run(db)))
          }),
      ),
    ])
    const up = summarize(upRuns.map((r) => r.ms))
    const medianRun = [...upRuns].sort((a, b) => a.ms - b.ms)[Math.floor(upRuns.length / 2)]!
    const baselineResults = baselines.map((b, j) => ({
      name: b.name,
      binding: b.binding,
      timing: summarize(baselineSamples[j]!),
    }))
    // Each run's plumbline `up` over the binding baseline's run beside it (the two alternate in
    // order): the machine's slow and fast spells then weigh on both sides of one ratio, not on
    // one median more than on the other.
    const bindingAt = baselines.findIndex((b) => b.binding)
    const pairs = upRuns.map((r, i) => r.ms / baselineSamples[bindingAt]![i]!)
    const ratios = summarize(pairs)
    const ratio = ratios.median
    // Where the dialect sends a migration's verification read in the round trip of its statements
    // (PostgreSQL), its time is inside the migration's batch: one more run sends it alone.
    let verificationRun = medianRun
    if ((await dialectFor(dialect)).batchedRead !== undefined) {
      console.error(`${dialect}: one more up, with each verification read sent alone`)
      await onFreshDatabase(dialect, adminUrl, async (db) => {
        verificationRun = await plumblineUp(fixture.dir, db.url, { batchedReads: false })
      })
    }
    // PostgreSQL: how much of the ratio is the server's work on what plumbline sends.
    let replay: ApplyResult['replay']
    if (dialect === 'postgres') {
      console.error(`${dialect}: the SQL of one up, replayed by a bare connection, ${runs} times`)
      let calls: Awaited<ReturnType<typeof recordUp>> = []
      await onFreshDatabase(dialect, adminUrl, async (db) => {
        calls = await recordUp(fixture.dir, db.url)
      })
      const replayed: number[] = []
      const beside: number[] = []
      const binding = baselines[bindingAt]!
      await alternate(runs, undefined, [
        () =>
          onFreshDatabase(dialect, adminUrl, async (db) => {
            replayed.push(await replayOnPostgres(db.url, calls))
          }),
        () =>
          onFreshDatabase(dialect, adminUrl, async (db) => {
            beside.push(await timed(() => binding.run(db)))
          }),
      ])
      const replayRatios = summarize(replayed.map((ms, i) => ms / beside[i]!))
      replay = {
        calls: calls.length,
        timing: summarize(replayed),
        ratio: replayRatios.median,
        ratioRange: [replayRatios.min, replayRatios.max],
      }
    }
    console.error(`${dialect}: no-op up, ${NOOP_RUNS} times`)
    const noop = await noopUp(fixture.dir, atHead!.url, NOOP_RUNS)
    await atHead!.drop()
    console.error(`${dialect}: memory of one up, in a separate process`)
    let memory: ApplyResult['memory'] | undefined
    await onFreshDatabase(dialect, adminUrl, async (db) => {
      memory = await measureUpMemory(build, db.url, fixture.dir)
    })
    const setup = await setupCosts(adminUrl, fixture.dir)
    const target = RATIO_TARGET[dialect]
    let hot: ApplyResult['hot']
    if (target !== undefined && ratio > target) {
      console.error(`${dialect}: over target; profiling one up`)
      await onFreshDatabase(dialect, adminUrl, async (db) => {
        hot = await hotspots(() => plumblineUp(fixture.dir, db.url), 1, 12)
      })
    }
    return {
      dialect,
      server: await describeServer(dialect, adminUrl),
      history: `${description} (history file ${fixture.history === 'built' ? `built in ${(fixture.buildMs! / 1000).toFixed(0)} s` : 'reused'})`,
      migrations: migrations.length,
      up,
      medianRun,
      verificationRun,
      setup,
      baselines: baselineResults,
      ratio,
      ratioRange: [ratios.min, ratios.max],
      ...(target === undefined ? {} : { ratioTarget: target }),
      noop: { roundTrips: noop.roundTrips, timing: summarize(noop.samples) },
      ...(dialect === 'postgres' ? { noopTarget: NOOP_TARGET } : {}),
      memory: memory!,
      memoryTarget: MEMORY_TARGET,
      ...(hot ? { hot } : {}),
      busy: upRuns.map((r) => r.busyMs),
      ...(replay ? { replay } : {}),
    }
  } finally {
    fixture.remove()
    rmSync(scripts, { recursive: true, force: true })
  }
}

const machine = describeMachine()
const date = new Date()
const build = compileSource()
const results: ApplyResult[] = []
try {
  for (const dialect of DIALECTS) results.push(await benchDialect(dialect, build.dir))
} finally {
  build.remove()
}
const misses = results.flatMap(missesOf)
const section = renderApplySection({ date, machine, seed: SEED, results, misses })
writeSection(OUTPUT, 'apply', section)
console.log(section)
for (const miss of misses) console.error(`bench/apply: ${miss}`)
process.exitCode = misses.length > 0 ? 1 : 0
