import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { ColorFns } from '../cli/output.js'
import { seedHabits, writeLedgerWithGap } from './demo-data.js'
import { DEMO_CONFIG, DEMO_MIGRATIONS, PERFORMANCE_INDEXES } from './demo-migrations.js'

/** Runs one plumbline command line in a folder and resolves to its exit code. */
export type CommandRunner = (argv: ReadonlyArray<string>, cwd: string) => Promise<number>

/** Where the demo writes, and how. */
export interface DemoOptions {
  readonly run: CommandRunner
  /** The narrative (stdout). */
  readonly say: (text: string) => void
  readonly color: ColorFns
  /** Keep the folder afterwards (its path is printed). */
  readonly keep?: boolean
}

/**
 * The incident reports, reproduced on a throw-away SQLite database and resolved with real
 * plumbline commands: the performance-index migration whose 11 indexes never appeared, the next
 * migration that drops one of them, a copy whose tracking table is gone, and a points ledger with
 * a gap. Every command's exit code is checked against what it must be, so the demo is also an end
 * to end test; it resolves to 0 only when the story ends as it must: healthy, consistent.
 */
export async function runDemo(options: DemoOptions): Promise<number> {
  const c = options.color
  const dir = mkdtempSync(join(tmpdir(), 'plumbline-demo-'))
  const say = options.say
  const failures: string[] = []
  const step = async (why: string, argv: string[], expected: number): Promise<void> => {
    say(`\n${c.dim(why)}`)
    say(c.bold(`$ plumbline ${argv.join(' ')}`))
    const code = await options.run(argv, dir)
    if (code !== expected)
      failures.push(`\`plumbline ${argv.join(' ')}\` exited ${code}, expected ${expected}`)
  }
  const chapter = (title: string, text: string) => say(`\n${c.cyan(c.bold(`━━ ${title}`))}\n${text}`)
  try {
    mkdirSync(join(dir, 'migrations'))
    for (const m of DEMO_MIGRATIONS) writeFileSync(join(dir, 'migrations', m.file), m.sql)
    writeFileSync(join(dir, 'plumbline.config.json'), `${JSON.stringify(DEMO_CONFIG, null, 2)}\n`)
    say(c.bold('plumbline demo — the habit tracker incidents, reproduced and recovered'))
    say(c.dim(`working in ${dir} (a throw-away SQLite database, habits.db)`))

    chapter(
      '1. A habit tracker in production',
      '24 users keep a diary, earn daily points and set weekly goals. The first migration built it.',
    )
    await step('apply the first migration, verified', ['up', '--to', '0001_init'], 0)
    const db = new Database(join(dir, 'habits.db'))
    const activity = seedHabits(db)
    say(`${c.dim('…')} ${activity.length} days of activity written for 24 users`)

    chapter(
      '2. The migration that "succeeded"',
      'Migration 0002 adds 11 performance indexes. In the incident it was recorded as applied while\n' +
        'creating none of them. We reproduce that: apply it, then make its indexes vanish behind\n' +
        "plumbline's back — the tracking table still claims 0002.",
    )
    await step('apply 0002', ['up', '--to', '0002_performance_indexes'], 0)
    for (const index of PERFORMANCE_INDEXES) db.exec(`DROP INDEX ${index}`)
    say(`${c.dim('…')} dropped all 11 indexes of 0002 by hand`)
    await step('what does plumbline see?', ['status'], 1)
    await step(
      'the next migration drops idx_daily_stats_user_date, which does not exist: up refuses before any change',
      ['up'],
      1,
    )
    await step('the full diagnosis: state, evidence, strategy', ['diagnose'], 1)
    await step('the recovery plan, with its SQL (writes nothing)', ['recover', '--dry-run'], 1)
    await step('recover: back up, re-run 0002 verified, apply 0003, diagnose again', ['recover', '--yes'], 0)

    chapter(
      '3. A copy with its whole schema and no tracking table',
      'In the second report a database had every table but no tracking table, and every start\n' +
        'crashed. We copy ours and delete its tracking tables.',
    )
    db.close()
    copyFileSync(join(dir, 'habits.db'), join(dir, 'habits-copy.db'))
    const copy = new Database(join(dir, 'habits-copy.db'))
    copy.exec('DROP TABLE plumbline_migrations; DROP TABLE plumbline_events')
    copy.close()
    await step(
      'plumbline infers the revision the schema is really at',
      ['diagnose', '--url', 'sqlite:habits-copy.db'],
      1,
    )
    await step(
      'recover records it (a baseline at the inferred revision, audited)',
      ['recover', '--yes', '--url', 'sqlite:habits-copy.db'],
      0,
    )

    chapter(
      '4. The points ledger out of step with the daily totals',
      'The new points_log ledger was enabled while some activity still went through the old system:\n' +
        'five (user, day) groups have no ledger entries, and one day was logged with a wrong amount.',
    )
    const ledger = new Database(join(dir, 'habits.db'))
    const gap = writeLedgerWithGap(ledger, activity)
    ledger.close()
    say(`${c.dim('…')} ledger written with ${gap.missing} missing groups and ${gap.wrong} wrong total`)
    await step('declared checks, each one SQL statement', ['check'], 1)
    await step(
      'the repair, in key-range batches with a checkpoint',
      ['backfill', 'points-log-from-daily-stats', '--yes'],
      0,
    )
    await step('the checks again', ['check'], 0)
    await step('and the migration state', ['status'], 0)

    if (failures.length > 0) {
      say(`\n${c.red(c.bold('the demo did not end as it must:'))}`)
      for (const f of failures) say(`  - ${f}`)
      return 1
    }
    say(
      `\n${c.green(c.bold('healthy:'))} every migration verified, every index in place, the copy tracked again,\n` +
        'the ledger consistent with the daily totals — and not one user row lost.',
    )
    if (options.keep) say(c.dim(`the demo's files are in ${dir}`))
    return 0
  } finally {
    if (!options.keep) rmSync(dir, { recursive: true, force: true })
  }
}
