// bench/inspect: how much introspect() costs over the catalog queries it sends.
//
//   node --import ./bench/register.mjs bench/inspect.ts   (npm run bench:inspect; no build needed)
//
// Environment: PLUMBLINE_BENCH_PG_URL (administrative URL of the PostgreSQL server, default
// postgres://postgres@127.0.0.1:5432/postgres), PLUMBLINE_BENCH_MYSQL_URL (default
// mysql://root@127.0.0.1:3306/mysql), PLUMBLINE_BENCH_DIALECTS (default
// "sqlite,postgres,mysql"), PLUMBLINE_BENCH_RUNS (default 21). Writes the `## inspect` section of
// BENCHMARKS.md and exits 1 when a ratio exceeds its target.
import { fileURLToPath } from 'node:url'
import { parseConnectionUrl } from '../src/config/connection-url.js'
import type { Connection } from '../src/dialects/dialect.js'
import { dialectFor } from '../src/dialects/registry.js'
import type { Schema } from '../src/schema/model.js'
import { generateHistory } from './history/generate-history.js'
import { generateMysqlHistory } from './history/generate-mysql-history.js'
import {
  type BenchDatabase,
  createMysqlDatabase,
  createPostgresDatabase,
  createSqliteDatabase,
} from './inspect/bench-database.js'
import { describeMachine } from './inspect/machine.js'
import { measureMemory } from './inspect/measure-memory.js'
import { hotspots } from './inspect/profile.js'
import { mysqlReplayer, postgresReplayer, type RawReplayer, sqliteReplayer } from './inspect/raw-replay.js'
import { type RecordedCall, recordingConnection } from './inspect/recording-connection.js'
import { type InspectResult, renderInspectSection, writeSection } from './inspect/report.js'
import { timeAlternating } from './inspect/timing.js'

const SEED = 2024
const MIGRATIONS = 300
const WARMUP = 3
const RUNS = Number(process.env.PLUMBLINE_BENCH_RUNS ?? 21)
/** introspect() may cost at most this many times the bare catalog queries. */
const TARGET = 1.5
const ADMIN_URL = process.env.PLUMBLINE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const MYSQL_URL = process.env.PLUMBLINE_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/mysql'
type BenchDialect = 'sqlite' | 'postgres' | 'mysql'
const DIALECTS = (process.env.PLUMBLINE_BENCH_DIALECTS ?? 'sqlite,postgres,mysql').split(
  ',',
) as BenchDialect[]
const OUTPUT = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url))

function countByKind(schema: Schema): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const object of schema.objects) counts[object.kind] = (counts[object.kind] ?? 0) + 1
  return counts
}

async function serverName(conn: Connection, dialect: BenchDialect): Promise<string> {
  if (dialect === 'sqlite') {
    const [row] = await conn.query<{ v: string }>('SELECT sqlite_version() AS v')
    return `SQLite ${row?.v} (better-sqlite3, file)`
  }
  if (dialect === 'mysql') {
    const [row] = await conn.query<{ v: string }>('SELECT VERSION() AS v')
    return `MySQL/MariaDB ${row?.v} (${new URL(MYSQL_URL).host})`
  }
  const [row] = await conn.query<{ server_version: string }>('SHOW server_version')
  const { host, port } = new URL(ADMIN_URL)
  return `PostgreSQL ${row?.server_version} (${host}${port ? '' : ':5432'})`
}

async function benchDialect(dialectName: BenchDialect, db: BenchDatabase): Promise<InspectResult> {
  const dialect = await dialectFor(dialectName)
  const conn = await dialect.connect(parseConnectionUrl(db.url), { create: true })
  let replayer: RawReplayer | undefined
  try {
    console.error(`${dialectName}: applying ${MIGRATIONS} generated migrations`)
    const history =
      dialectName === 'mysql'
        ? generateMysqlHistory({ migrations: MIGRATIONS, seed: SEED })
        : generateHistory({ dialect: dialectName, migrations: MIGRATIONS, seed: SEED })
    for (const migration of history) {
      await conn.execute(migration.sql)
    }
    const server = await serverName(conn, dialectName)
    const calls: RecordedCall[] = []
    const before = conn.roundTrips
    const schema = await dialect.introspect(recordingConnection(conn, calls))
    const roundTrips = conn.roundTrips - before
    if (roundTrips !== calls.length)
      throw new Error(`${dialectName}: ${roundTrips} round trips but ${calls.length} recorded`)
    replayer =
      dialectName === 'sqlite'
        ? sqliteReplayer(db.path!, calls)
        : dialectName === 'mysql'
          ? await mysqlReplayer(db.url, calls)
          : await postgresReplayer(db.url, calls)
    const raw = replayer
    console.error(
      `${dialectName}: timing ${RUNS} runs of introspect() and of ${calls.length} raw catalog statements`,
    )
    const timing = await timeAlternating(
      () => dialect.introspect(conn),
      () => raw.run(),
      { warmup: WARMUP, runs: RUNS },
    )
    const memory = measureMemory(db.url)
    const ratio = timing.a.median / timing.b.median
    const hot = ratio > TARGET ? await hotspots(() => dialect.introspect(conn), 10, 12) : undefined
    return {
      dialect: dialectName,
      server,
      counts: countByKind(schema),
      objects: schema.objects.length,
      roundTrips,
      introspect: timing.a,
      raw: timing.b,
      ratio,
      target: TARGET,
      memory,
      ...(hot ? { hot } : {}),
    }
  } finally {
    await replayer?.close()
    await conn.close()
  }
}

const machine = describeMachine()
const results: InspectResult[] = []
for (const dialectName of DIALECTS) {
  const db =
    dialectName === 'sqlite'
      ? createSqliteDatabase()
      : dialectName === 'mysql'
        ? await createMysqlDatabase(MYSQL_URL)
        : await createPostgresDatabase(ADMIN_URL)
  try {
    results.push(await benchDialect(dialectName, db))
  } finally {
    await db.drop()
  }
}

const section = renderInspectSection({
  date: new Date(),
  machine,
  seed: SEED,
  migrations: MIGRATIONS,
  warmup: WARMUP,
  runs: RUNS,
  results,
})
writeSection(OUTPUT, section)
console.log(section)
const over = results.filter((r) => r.ratio > r.target)
for (const r of over)
  console.error(`bench/inspect: ${r.dialect} ratio ${r.ratio.toFixed(2)}× exceeds its target ${r.target}×`)
process.exitCode = over.length > 0 ? 1 : 0
