// bench/diagnose: what a deployment pays to learn the state of its database — the healthy start
// (`ensureHealthy()`, against Kysely's `migrateToLatest()` with nothing to do) and a full
// diagnosis with revision inference of a database that lost its tracking tables.
//
//   node --import ./bench/register.mjs bench/diagnose.ts   (npm run bench:diagnose; no build needed)
//
// Environment: PLUMBLINE_BENCH_PG_URL (administrative URL of the PostgreSQL server, default
// postgres://postgres@127.0.0.1:5432/postgres), PLUMBLINE_BENCH_MYSQL_URL (default
// mysql://root@127.0.0.1:3306/mysql), PLUMBLINE_BENCH_DIALECTS (default "sqlite,postgres,mysql"),
// PLUMBLINE_BENCH_RUNS (default 5). Writes the `## diagnose` section of BENCHMARKS.md and exits 1
// when a target is missed.
import { fileURLToPath } from 'node:url'
import { benchHistory } from './apply/bench-history.js'
import { type BenchDatabase, type BenchDialect, freshDatabase } from './apply/fresh-database.js'
import { plumblineUp } from './apply/plumbline-up.js'
import { writeSection } from './apply/section.js'
import { describeServer } from './apply/server-version.js'
import { summarize } from './apply/stats.js'
import { countPostgresRoundTrips } from './diagnose/driver-round-trips.js'
import {
  connectProbe,
  driverFloorProbe,
  ensureHealthyProbe,
  healthyCheck,
  listFolderProbe,
  type StartProbe,
} from './diagnose/healthy-start.js'
import { type KyselyBaseline, kyselyBaseline } from './diagnose/kysely-baseline.js'
import { type DiagnoseResult, type Measured, missesOf, renderDiagnoseSection } from './diagnose/report.js'
import { diagnoseOnce, diagnosePhases, dropTracking, type UntrackedFinding } from './diagnose/untracked.js'
import { historyFixture } from './history/history-fixture.js'
import { describeMachine } from './inspect/machine.js'
import { hotspots } from './inspect/profile.js'

const SEED = 2024
const MIGRATIONS = 300
const RUNS = Number(process.env.PLUMBLINE_BENCH_RUNS ?? 5)
/** The healthy start is short: many more samples of it. */
const START_RUNS = RUNS * 5
/** `ensureHealthy()` on a healthy PostgreSQL database: statements and milliseconds. */
const START_TARGET = { roundTrips: 1, ms: 5 }
/** A full diagnosis of an untracked database, with the history file (SQLite, PostgreSQL). */
const UNTRACKED_TARGET = 1000
const ADMIN_URL: Record<BenchDialect, string> = {
  sqlite: 'sqlite::memory:',
  postgres: process.env.PLUMBLINE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  mysql: process.env.PLUMBLINE_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/mysql',
}
const DIALECTS = (process.env.PLUMBLINE_BENCH_DIALECTS ?? 'sqlite,postgres,mysql').split(
  ',',
) as BenchDialect[]
const OUTPUT = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url))

async function timeEach(probes: ReadonlyArray<StartProbe>, runs: number): Promise<number[][]> {
  for (const p of probes) await p.run()
  const samples = probes.map(() => [] as number[])
  for (let i = 0; i < runs; i++) {
    for (const [j, p] of probes.entries()) {
      const start = performance.now()
      await p.run()
      samples[j]!.push(performance.now() - start)
    }
  }
  return samples
}

async function roundTripsOf(dialect: BenchDialect, probe: StartProbe): Promise<number | undefined> {
  if (dialect !== 'postgres') return undefined
  return (await countPostgresRoundTrips(() => probe.run())).roundTrips
}

async function healthyStart(dialect: BenchDialect, url: string, dir: string, kysely?: KyselyBaseline) {
  const api = ensureHealthyProbe(url, dir)
  const list = listFolderProbe(dir)
  const connect = connectProbe(url)
  const floor = driverFloorProbe(url)
  const check = await healthyCheck(url, dir)
  try {
    const probes: StartProbe[] = [api, list, connect, check, floor]
    if (kysely)
      probes.push({ name: 'kysely cold', run: kysely.cold }, { name: 'kysely warm', run: kysely.warm })
    const samples = await timeEach(probes, START_RUNS)
    const measured = (j: number, roundTrips: number | undefined): Measured => ({
      timing: summarize(samples[j]!),
      ...(roundTrips === undefined ? {} : { roundTrips }),
    })
    const start = {
      api: measured(0, await roundTripsOf(dialect, api)),
      list: measured(1, undefined),
      connect: measured(2, undefined),
      check: measured(3, await check.roundTrips()),
      floor: measured(4, undefined),
    }
    const kyselyFigures = kysely
      ? {
          cold: measured(5, await roundTripsOf(dialect, probes[5]!)),
          warm: measured(6, await roundTripsOf(dialect, probes[6]!)),
        }
      : undefined
    return { start, kysely: kyselyFigures }
  } finally {
    await check.close()
  }
}

async function benchDialect(dialect: BenchDialect): Promise<DiagnoseResult> {
  const adminUrl = ADMIN_URL[dialect]
  const { migrations, description } = benchHistory(dialect, MIGRATIONS, SEED)
  console.error(`${dialect}: ${migrations.length} migrations; building or reusing their history file`)
  const fixture = await historyFixture(migrations, { url: adminUrl })
  const dbs: BenchDatabase[] = []
  let kysely: KyselyBaseline | undefined
  try {
    const db = await freshDatabase(dialect, adminUrl)
    dbs.push(db)
    console.error(`${dialect}: migrating to head with plumbline`)
    await plumblineUp(fixture.dir, db.url)
    if (dialect === 'postgres') {
      console.error(`${dialect}: migrating another database to head with Kysely`)
      const kdb = await freshDatabase(dialect, adminUrl)
      dbs.push(kdb)
      kysely = await kyselyBaseline(kdb.url, migrations)
    }
    console.error(`${dialect}: the healthy start, ${START_RUNS} times each`)
    const { start, kysely: kyselyFigures } = await healthyStart(dialect, db.url, fixture.dir, kysely)
    console.error(`${dialect}: diagnosis of the database without its tracking tables, ${RUNS} times`)
    await dropTracking(db.url)
    let finding: UntrackedFinding = await diagnoseOnce(db.url, fixture.dir)
    const samples: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const begin = performance.now()
      finding = await diagnoseOnce(db.url, fixture.dir)
      samples.push(performance.now() - begin)
    }
    const phases = await diagnosePhases(db.url, fixture.dir)
    const untracked = { api: { timing: summarize(samples) }, finding, phases }
    const target = dialect === 'mysql' ? undefined : UNTRACKED_TARGET
    const hot =
      target !== undefined && untracked.api.timing.median > target
        ? await hotspots(() => diagnoseOnce(db.url, fixture.dir), 2, 12)
        : undefined
    return {
      dialect,
      server: await describeServer(dialect, adminUrl),
      history: `${description} (history file ${fixture.history === 'built' ? 'built now' : 'reused'})`,
      migrations: migrations.length,
      start,
      ...(dialect === 'postgres' ? { startTarget: START_TARGET } : {}),
      ...(kyselyFigures ? { kysely: kyselyFigures } : {}),
      untracked,
      ...(target === undefined ? {} : { untrackedTarget: target }),
      ...(hot ? { hot } : {}),
    }
  } finally {
    await kysely?.destroy()
    for (const db of dbs) await db.drop()
    fixture.remove()
  }
}

const machine = describeMachine()
const date = new Date()
const results: DiagnoseResult[] = []
for (const dialect of DIALECTS) results.push(await benchDialect(dialect))
const misses = results.flatMap(missesOf)
const section = renderDiagnoseSection({ date, machine, runs: RUNS, results, misses })
writeSection(OUTPUT, 'diagnose', section)
console.log(section)
for (const miss of misses) console.error(`bench/diagnose: ${miss}`)
process.exitCode = misses.length > 0 ? 1 : 0
