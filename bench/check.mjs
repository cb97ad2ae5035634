// bench/check: what a reconcile check costs over hand-written SQL that finds the same groups,
// what fusing row checks saves, and how fast a backfill repairs the ledger.
//
//   node bench/check.mjs        (no build needed: the sources load through jiti)
//
// Data: 300,000 daily totals (3,000 users × 100 days) and about 2,000,000 ledger rows that add up
// to them, minus 5 groups whose ledger rows were deleted and 1 group whose total is off by 5.
//
// Environment: PLUMBLINE_BENCH_DIALECTS (default "sqlite,postgres,mysql"), PLUMBLINE_BENCH_PG_URL
// (default postgres://postgres@127.0.0.1:5432/postgres), PLUMBLINE_BENCH_MYSQL_URL (default
// mysql://root@127.0.0.1:3306/mysql), PLUMBLINE_BENCH_RUNS (default 3), PLUMBLINE_BENCH_OUTPUT
// (default BENCHMARKS.md). Writes the `## check` section at the end of that file and exits 1 when
// a ratio exceeds its target (2 when a dialect could not be measured).
import { execSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createJiti } from 'jiti'

const jiti = createJiti(import.meta.url)
const { parseConnectionUrl } = await jiti.import('../src/config/connection-url.ts')
const { dialectFor } = await jiti.import('../src/dialects/registry.ts')
const { resolveIntegrityConfig } = await jiti.import('../src/integrity/integrity-config.ts')
const { runChecks } = await jiti.import('../src/integrity/run-checks.ts')
const { runBackfill } = await jiti.import('../src/integrity/run-backfill.ts')
const { raiseTempTableLimits } = await jiti.import('../src/integrity/mysql-temp-tables.ts')

/** The reconcile check may cost at most this many times the hand-written query. */
const TARGET = 1.3
const RUNS = Number(process.env.PLUMBLINE_BENCH_RUNS ?? 3)
const USERS = 3000
const DAYS = 100
const DIALECTS = (process.env.PLUMBLINE_BENCH_DIALECTS ?? 'sqlite,postgres,mysql').split(',')
const PG_URL = process.env.PLUMBLINE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const MYSQL_URL = process.env.PLUMBLINE_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/mysql'
const LOAD_AT_START = loadavg()
  .map((l) => l.toFixed(2))
  .join(', ')
const OUTPUT =
  process.env.PLUMBLINE_BENCH_OUTPUT ?? fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url))

const config = resolveIntegrityConfig({
  checks: {
    reconcile: {
      reconcile: {
        left: { table: 'points_log', groupBy: ['user_id', 'date'], value: 'sum(points)' },
        right: { table: 'daily_stats', groupBy: ['user_id', 'date'], value: 'sum(points)' },
        missing: 'zero',
      },
    },
    'points-in-range': { expect: { table: 'points_log', that: 'points BETWEEN 1 AND 5' } },
    'source-known': {
      acceptedValues: {
        table: 'points_log',
        column: 'source',
        values: ['diary', 'goal', 'bonus', 'backfill', 'adjustment'],
      },
    },
    'user-positive': { expect: { table: 'points_log', that: 'user_id > 0' } },
  },
  backfills: {
    repair: {
      table: 'daily_stats',
      key: 'id',
      batchSize: 1000,
      run: [
        `INSERT INTO points_log (user_id, date, source, points)
         SELECT d.user_id, d.date, 'backfill', d.points FROM daily_stats d
         WHERE d.id > :from AND d.id <= :to
           AND NOT EXISTS (SELECT 1 FROM points_log p WHERE p.user_id = d.user_id AND p.date = d.date)`,
        `INSERT INTO points_log (user_id, date, source, points)
         SELECT d.user_id, d.date, 'adjustment',
                d.points - (SELECT SUM(p.points) FROM points_log p WHERE p.user_id = d.user_id AND p.date = d.date)
         FROM daily_stats d
         WHERE d.id > :from AND d.id <= :to
           AND d.points <> (SELECT SUM(p.points) FROM points_log p WHERE p.user_id = d.user_id AND p.date = d.date)`,
      ],
      verify: ['reconcile'],
    },
  },
})
const RECONCILE = config.checks.get('reconcile')
const ROW_CHECKS = ['points-in-range', 'source-known', 'user-positive'].map((n) => config.checks.get(n))

// --- data -------------------------------------------------------------------------------------

/** Ledger rows per (user, day): 6 or 7, points 1 to 5, so the ledger holds about 2,000,000 rows. */
const LEDGER_SQL = {
  sqlite: `WITH RECURSIVE u(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM u WHERE n < ${USERS}),
    d(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM d WHERE n < ${DAYS - 1}),
    e(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM e WHERE n < 7)
    INSERT INTO points_log (user_id, date, source, points)
    SELECT u.n, date('2025-01-01', '+' || d.n || ' days'), 'diary', ((u.n + d.n + e.n) % 5) + 1
    FROM u, d, e WHERE e.n <= 6 + (((u.n * 7 + d.n) % 3) <> 0) ORDER BY u.n, d.n, e.n`,
  postgres: `INSERT INTO points_log (user_id, date, source, points)
    SELECT u, DATE '2025-01-01' + d, 'diary', ((u + d + e) % 5) + 1
    FROM generate_series(1, ${USERS}) u, generate_series(0, ${DAYS - 1}) d, generate_series(1, 7) e
    WHERE e <= 6 + CASE WHEN (u * 7 + d) % 3 <> 0 THEN 1 ELSE 0 END ORDER BY u, d, e`,
  // MariaDB's Sequence engine provides seq_1_to_N tables.
  mysql: `INSERT INTO points_log (user_id, date, source, points)
    SELECT u.seq, DATE_ADD('2025-01-01', INTERVAL d.seq DAY), 'diary', ((u.seq + d.seq + e.seq) % 5) + 1
    FROM seq_1_to_${USERS} u, seq_0_to_${DAYS - 1} d, seq_1_to_7 e
    WHERE e.seq <= 6 + CASE WHEN (u.seq * 7 + d.seq) % 3 <> 0 THEN 1 ELSE 0 END ORDER BY u.seq, d.seq, e.seq`,
}

function schema(dialect) {
  const id =
    dialect === 'postgres'
      ? 'integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY'
      : dialect === 'mysql'
        ? 'INT AUTO_INCREMENT PRIMARY KEY'
        : 'INTEGER PRIMARY KEY'
  const date = dialect === 'sqlite' ? 'TEXT' : 'DATE'
  const text = dialect === 'mysql' ? 'VARCHAR(32)' : 'TEXT'
  return [
    `CREATE TABLE points_log (id ${id}, user_id INTEGER NOT NULL, date ${date} NOT NULL, source ${text} NOT NULL, points INTEGER NOT NULL)`,
    `CREATE TABLE daily_stats (id ${id}, user_id INTEGER NOT NULL, date ${date} NOT NULL, points INTEGER NOT NULL)`,
  ]
}

async function load(conn, dialect) {
  for (const ddl of schema(dialect)) await conn.execute(ddl)
  if (dialect === 'sqlite') await conn.execute('PRAGMA journal_mode = WAL')
  await conn.execute(LEDGER_SQL[dialect])
  await conn.execute(
    'INSERT INTO daily_stats (user_id, date, points) SELECT user_id, date, SUM(points) FROM points_log GROUP BY user_id, date ORDER BY user_id, date',
  )
  await conn.execute('CREATE INDEX idx_points_log_user_date ON points_log (user_id, date)')
  await conn.execute('CREATE UNIQUE INDEX ux_daily_stats_user_date ON daily_stats (user_id, date)')
  // Five groups lose their ledger rows, one group's total is 5 short.
  for (const [user, day] of [
    [3, 1],
    [500, 20],
    [1200, 41],
    [2222, 77],
    [2999, 98],
  ]) {
    await conn.execute(
      `DELETE FROM points_log WHERE user_id = ${user} AND date = ${dateLiteral(dialect, day)}`,
    )
  }
  await conn.execute(
    `UPDATE daily_stats SET points = points + 5 WHERE user_id = 7 AND date = ${dateLiteral(dialect, 4)}`,
  )
  await analyze(conn, dialect)
}

function dateLiteral(dialect, day) {
  const iso = new Date(Date.UTC(2025, 0, 1 + day)).toISOString().slice(0, 10)
  return dialect === 'sqlite' ? `'${iso}'` : `DATE '${iso}'`
}

async function analyze(conn, dialect) {
  // VACUUM refuses to run inside a multi-statement script (an implicit transaction).
  if (dialect === 'postgres')
    for (const t of ['points_log', 'daily_stats']) await conn.execute(`VACUUM ANALYZE ${t}`)
  else if (dialect === 'mysql') await conn.execute('ANALYZE TABLE points_log, daily_stats')
  else await conn.execute('ANALYZE')
}

async function count(conn, table) {
  return Number((await conn.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n)
}

// --- hand-written queries -----------------------------------------------------------------------

const q = (dialect, name) => (dialect === 'mysql' ? `\`${name}\`` : `"${name}"`)

/**
 * What someone would write by hand to list the groups that do not add up (all of them, no
 * limit), in the shape that is fastest on each engine: the baseline is the strictest one.
 */
function handWritten(dialect) {
  const [left, right] = [q(dialect, 'left'), q(dialect, 'right')]
  if (dialect === 'postgres') {
    return {
      'FULL JOIN of aggregates': `SELECT COALESCE(l.user_id, r.user_id) AS user_id, COALESCE(l.date, r.date) AS date,
          COALESCE(l.s, 0) AS ${left}, COALESCE(r.s, 0) AS ${right}
        FROM (SELECT user_id, date, SUM(points) AS s FROM points_log GROUP BY user_id, date) l
        FULL JOIN (SELECT user_id, date, SUM(points) AS s FROM daily_stats GROUP BY user_id, date) r
          ON l.user_id = r.user_id AND l.date = r.date
        WHERE COALESCE(l.s, 0) <> COALESCE(r.s, 0) ORDER BY 1, 2`,
    }
  }
  const rows = `SELECT user_id, date, SUM(lv) AS ${left}, SUM(rv) AS ${right} FROM (
      SELECT user_id, date, points AS lv, 0 AS rv FROM points_log
      UNION ALL
      SELECT user_id, date, 0, points FROM daily_stats) u
    GROUP BY user_id, date HAVING SUM(lv) <> SUM(rv) ORDER BY 1, 2`
  if (dialect === 'mysql') return { 'UNION ALL of rows': rows }
  return {
    'UNION ALL of aggregates': `SELECT user_id, date, SUM(lv) AS ${left}, SUM(rv) AS ${right} FROM (
        SELECT user_id, date, SUM(points) AS lv, 0 AS rv FROM points_log GROUP BY user_id, date
        UNION ALL
        SELECT user_id, date, 0, SUM(points) FROM daily_stats GROUP BY user_id, date) u
      GROUP BY user_id, date HAVING SUM(lv) <> SUM(rv) ORDER BY 1, 2`,
    'UNION ALL of rows': rows,
  }
}

// --- timing -------------------------------------------------------------------------------------

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Runs each case once to warm up, then RUNS times in alternation; medians in ms. */
async function timeAlternating(cases) {
  const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]))
  for (const fn of Object.values(cases)) await fn()
  for (let i = 0; i < RUNS; i++) {
    for (const [name, fn] of Object.entries(cases)) {
      const start = performance.now()
      await fn()
      times[name].push(performance.now() - start)
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]))
}

// --- databases ----------------------------------------------------------------------------------

async function createDatabase(dialect) {
  const name = `plumbline_bench_check_${randomBytes(4).toString('hex')}`
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-bench-check-'))
    return {
      url: `sqlite:${join(dir, `${name}.db`)}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    }
  }
  const d = await dialectFor(dialect)
  const admin = await d.connect(parseConnectionUrl(dialect === 'postgres' ? PG_URL : MYSQL_URL))
  await admin.execute(`CREATE DATABASE ${name}`)
  await admin.close()
  const url = new URL(dialect === 'postgres' ? PG_URL : MYSQL_URL)
  url.pathname = `/${name}`
  return {
    url: url.href,
    drop: async () => {
      const again = await d.connect(parseConnectionUrl(dialect === 'postgres' ? PG_URL : MYSQL_URL))
      await again.execute(
        dialect === 'postgres'
          ? `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`
          : `DROP DATABASE IF EXISTS ${name}`,
      )
      await again.close()
    },
  }
}

async function serverName(conn, dialect) {
  if (dialect === 'sqlite')
    return `SQLite ${(await conn.query('SELECT sqlite_version() AS v'))[0].v} (better-sqlite3, file, WAL)`
  if (dialect === 'postgres')
    return `PostgreSQL ${(await conn.query('SHOW server_version'))[0].server_version}`
  return `MySQL-compatible ${(await conn.query('SELECT VERSION() AS v'))[0].v}`
}

// --- one dialect --------------------------------------------------------------------------------

async function benchDialect(dialectName) {
  const started = performance.now()
  const dialect = await dialectFor(dialectName)
  const db = await createDatabase(dialectName)
  const conn = await dialect.connect(parseConnectionUrl(db.url), { create: true })
  try {
    const server = await serverName(conn, dialectName)
    const loadStart = performance.now()
    await load(conn, dialectName)
    const loadMs = performance.now() - loadStart
    const ledgerRows = await count(conn, 'points_log')
    const dailyRows = await count(conn, 'daily_stats')
    log(
      `${dialectName}: loaded ${ledgerRows} ledger and ${dailyRows} daily rows in ${(loadMs / 1000).toFixed(1)} s`,
    )

    // The hand-written queries get the same temporary-table settings the check gives itself.
    const hand = handWritten(dialectName)
    const handCases = Object.fromEntries(
      Object.entries(hand).map(([name, sql]) => [
        name,
        async () => {
          const restore = await raiseTempTableLimits(conn)
          try {
            const rows = await conn.query(sql)
            if (rows.length !== 6)
              throw new Error(`${dialectName} ${name}: ${rows.length} groups, expected 6`)
          } finally {
            await restore()
          }
        },
      ]),
    )
    let checkViolations = -1
    const times = await timeAlternating({
      'check (runChecks)': async () => {
        const report = await runChecks(conn, dialect, [RECONCILE])
        checkViolations = report.checks[0].violations
      },
      ...handCases,
    })
    // For scale, once: the ledger's own GROUP BY, the least any reconciliation must do.
    const oneTableStart = performance.now()
    await conn.query(
      'SELECT COUNT(*) AS n FROM (SELECT user_id, date, SUM(points) AS s FROM points_log GROUP BY user_id, date) g',
    )
    times['one-table GROUP BY (ledger only)'] = performance.now() - oneTableStart
    if (checkViolations !== 6)
      throw new Error(`${dialectName}: the check found ${checkViolations} violations, expected 6`)
    const bestHand = Math.min(...Object.keys(hand).map((k) => times[k]))
    const ratio = times['check (runChecks)'] / bestHand
    log(
      `${dialectName}: check ${times['check (runChecks)'].toFixed(0)} ms, best hand-written ${bestHand.toFixed(0)} ms, ratio ${ratio.toFixed(2)}`,
    )

    // Row checks: one fused scan for three checks against three single-check runs.
    const rowTimes = await timeAlternating({
      fused: () => runChecks(conn, dialect, ROW_CHECKS),
      separate: async () => {
        for (const c of ROW_CHECKS) await runChecks(conn, dialect, [c])
      },
    })
    // Samples of a failing row check: a follow-up query, stopped after `sample` rows.
    await conn.execute("UPDATE points_log SET source = 'bogus' WHERE id % 2000 = 0")
    const failingTimes = await timeAlternating({
      'fused, one check failing': () => runChecks(conn, dialect, ROW_CHECKS),
    })
    await conn.execute("UPDATE points_log SET source = 'diary' WHERE source = 'bogus'")

    // Backfill: 10 % of the groups lose their ledger rows; the repair puts them back.
    await conn.execute('DELETE FROM points_log WHERE user_id % 10 = 0')
    await analyze(conn, dialectName)
    const before = await count(conn, 'points_log')
    const backfill = await runBackfill(conn, dialect, config.backfills.get('repair'), {
      checks: config.checks,
    })
    const inserted = (await count(conn, 'points_log')) - before
    if (backfill.verify?.failed !== 0)
      throw new Error(`${dialectName}: the reconcile check still fails after the backfill`)
    log(
      `${dialectName}: backfill ${Math.round(backfill.rowsPerSecond)} rows/s, longest batch ${backfill.longestBatchMs.toFixed(0)} ms`,
    )

    return {
      dialect: dialectName,
      server,
      ledgerRows,
      dailyRows,
      loadMs,
      times,
      hand: Object.keys(hand),
      bestHand,
      ratio,
      rowTimes,
      failingTimes,
      backfill,
      inserted,
      totalMs: performance.now() - started,
    }
  } finally {
    await conn.close()
    await db.drop()
  }
}

// --- report -------------------------------------------------------------------------------------

function log(text) {
  process.stderr.write(`${text}\n`)
}

const ms = (n) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(0)} ms`)
const int = (n) => Math.round(n).toLocaleString('en-US')

function machine() {
  return {
    uname: execSync('uname -srm').toString().trim(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus().length,
    node: process.version,
    load: LOAD_AT_START,
  }
}

function render(results, failures) {
  const m = machine()
  const lines = [
    '## check',
    '',
    'A `reconcile` check of a ~2,000,000-row points ledger against 300,000 daily totals (5 groups',
    'missing, 1 total wrong), timed as a user pays for it — `runChecks()`: the read snapshot, the',
    'catalog read of both tables, the MySQL temporary-table settings and the one compiled statement —',
    'against hand-written SQL that lists the same 6 groups, measured in the same run on the same',
    'database, in the shape fastest on each engine (on SQLite the faster of two counts). Medians of',
    `${RUNS} alternating runs after one warm-up. Target: at most ${TARGET}× the hand-written query;`,
    'the script exits 1 above it.',
    '',
    'Run with `node bench/check.mjs` (sources load through jiti; no build needed).',
    '',
    `- date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- machine: \`${m.uname}\`, ${m.cpu}, ${m.cores} cores`,
    `- node: ${m.node}`,
    `- load average when the run started (other work on the machine): ${m.load}`,
    `- servers: ${results.map((r) => `${r.dialect}: ${r.server}`).join('; ')}`,
    '',
    '| dialect | check (`runChecks`) | hand-written (shape) | ratio | target | ledger GROUP BY alone (once) |',
    '|---|---:|---:|---:|---:|---:|',
  ]
  for (const r of results) {
    const shapes = r.hand.map((h) => `${ms(r.times[h])} (${h})`).join('<br>')
    lines.push(
      `| ${r.dialect} | ${ms(r.times['check (runChecks)'])} | ${shapes} | ` +
        `${r.ratio.toFixed(2)}×${r.ratio > TARGET ? ' ✗' : ''} | ≤ ${TARGET}× | ${ms(r.times['one-table GROUP BY (ledger only)'])} |`,
    )
  }
  lines.push(
    '',
    'Row checks on the ledger (`expect` ×2, `acceptedValues`): one fused scan against one run per check,',
    'and the fused run when one check fails on 1 row in 2,000 (its samples come from a follow-up query',
    'that stops after 5 rows).',
    '',
    '| dialect | fused, all pass | three separate runs | fused, one failing |',
    '|---|---:|---:|---:|',
  )
  for (const r of results) {
    lines.push(
      `| ${r.dialect} | ${ms(r.rowTimes.fused)} | ${ms(r.rowTimes.separate)} | ${ms(r.failingTimes['fused, one check failing'])} |`,
    )
  }
  lines.push(
    '',
    'Backfill: the ledger rows of every tenth user deleted (~200,000 rows, 30,000 groups), then repaired by',
    'the two guarded `INSERT … SELECT` statements of the ledger backfill, in batches of 1,000 daily rows',
    '(300 transactions, each moving the checkpoint), followed by the `verify` check.',
    '',
    '| dialect | daily rows covered | rows/s | batches | longest batch | ledger rows written | duration (before verify) |',
    '|---|---:|---:|---:|---:|---:|---:|',
  )
  for (const r of results) {
    const b = r.backfill
    lines.push(
      `| ${r.dialect} | ${int(b.rowsDone)} | ${int(b.rowsPerSecond)} | ${b.batchesDone} | ${ms(b.longestBatchMs)} | ${int(r.inserted)} | ${ms(b.durationMs)} |`,
    )
  }
  if (failures.length > 0) lines.push('', ...failures.map((f) => `- not measured: ${f}`))
  return `${lines.join('\n')}\n`
}

/** Replaces this script's own section, or appends it at the end; the file is re-read first. */
function writeSection(section) {
  let text = ''
  try {
    text = readFileSync(OUTPUT, 'utf8')
  } catch {
    text = '# Benchmarks\n'
  }
  const start = text.search(/^## check$/m)
  if (start < 0) {
    writeFileSync(OUTPUT, `${text.replace(/\n*$/, '\n\n')}${section}`)
    return
  }
  const rest = text.slice(start + 1)
  const next = rest.search(/^## /m)
  const end = next < 0 ? text.length : start + 1 + next
  writeFileSync(OUTPUT, `${text.slice(0, start)}${section}${next < 0 ? '' : `\n${text.slice(end)}`}`)
}

const results = []
const failures = []
for (const dialect of DIALECTS) {
  try {
    results.push(await benchDialect(dialect))
  } catch (error) {
    failures.push(`${dialect}: ${error instanceof Error ? error.message : String(error)}`)
    log(`${dialect}: ${error instanceof Error ? error.stack : String(error)}`)
  }
}
writeSection(render(results, failures))
const over = results.filter((r) => r.ratio > TARGET)
for (const r of over) log(`${r.dialect}: ratio ${r.ratio.toFixed(2)} exceeds ${TARGET}`)
process.exitCode = failures.length > 0 ? 2 : over.length > 0 ? 1 : 0
