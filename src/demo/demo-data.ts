import type Database from 'better-sqlite3'

/** A small deterministic generator, so every run of the demo tells the same story. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const NAMES = [
  'Ada',
  'Ben',
  'Cleo',
  'Dev',
  'Eli',
  'Fay',
  'Gus',
  'Hana',
  'Ivo',
  'Jun',
  'Kai',
  'Lea',
  'Milo',
  'Nia',
  'Otto',
  'Pia',
  'Quin',
  'Rae',
  'Sol',
  'Tara',
  'Uma',
  'Vik',
  'Wren',
  'Yara',
]
const DAYS = [
  '2025-07-01',
  '2025-07-02',
  '2025-07-03',
  '2025-07-04',
  '2025-07-05',
  '2025-07-06',
  '2025-07-07',
]

/** One day of a user's activity, with the points each source earned. */
interface Activity {
  readonly user: number
  readonly date: string
  readonly sources: ReadonlyArray<{ source: string; points: number }>
}

/** The 24 users, their diary, goals and daily totals: what the app held before the ledger. */
export function seedHabits(db: Database.Database): ReadonlyArray<Activity> {
  const random = rng(2025)
  const activity: Activity[] = []
  const insertUser = db.prepare('INSERT INTO users (id, email, display_name, created_at) VALUES (?, ?, ?, ?)')
  const insertDiary = db.prepare(
    'INSERT INTO diary_entry (user_id, entry_date, rating, body) VALUES (?, ?, ?, ?)',
  )
  const insertGoal = db.prepare(
    'INSERT INTO goals (user_id, title, status, week_start, week_end) VALUES (?, ?, ?, ?, ?)',
  )
  const insertStats = db.prepare(
    'INSERT INTO daily_stats (user_id, date, points, entries) VALUES (?, ?, ?, ?)',
  )
  db.transaction(() => {
    NAMES.forEach((name, i) => {
      const user = i + 1
      insertUser.run(user, `${name.toLowerCase()}@example.com`, name, '2025-06-15 09:00:00')
      insertGoal.run(
        user,
        `${name}'s reading goal`,
        random() < 0.5 ? 'completed' : 'active',
        '2025-06-30',
        '2025-07-06',
      )
      const days = DAYS.filter(() => random() < 0.42)
      for (const date of days.length > 0 ? days : [DAYS[user % DAYS.length]!]) {
        const sources = [{ source: 'diary', points: 10 }]
        if (random() < 0.4) sources.push({ source: 'goal_completed', points: 25 })
        if (random() < 0.5) sources.push({ source: 'login_bonus', points: 5 })
        insertDiary.run(user, date, 1 + Math.floor(random() * 5), `${name} wrote on ${date}`)
        insertStats.run(
          user,
          date,
          sources.reduce((sum, s) => sum + s.points, 0),
          1,
        )
        activity.push({ user, date, sources })
      }
    })
  })()
  return activity
}

/**
 * The ledger as the new points system wrote it: every source of every day, except the days of the
 * gap (the old system was still in use, so five (user, day) groups have no entries at all) and
 * one day whose login bonus was logged with the wrong amount.
 */
export function writeLedgerWithGap(
  db: Database.Database,
  activity: ReadonlyArray<Activity>,
): { missing: number; wrong: number } {
  const insert = db.prepare(
    'INSERT INTO points_log (user_id, date, source, points, created_at) VALUES (?, ?, ?, ?, ?)',
  )
  const gap = new Set([3, 11, 19, 27, 35].map((i) => i % activity.length))
  const wrong = activity.findIndex((a, i) => !gap.has(i) && a.sources.length > 1)
  db.transaction(() => {
    activity.forEach((day, i) => {
      if (gap.has(i)) return
      day.sources.forEach((s, j) => {
        const points = i === wrong && j === day.sources.length - 1 ? s.points - 3 : s.points
        insert.run(day.user, day.date, s.source, points, `${day.date} 20:00:00`)
      })
    })
  })()
  return { missing: gap.size, wrong: 1 }
}
