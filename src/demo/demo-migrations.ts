/**
 * The habit tracker of the incident reports, as migration files: users keep a diary, earn daily
 * points and set weekly goals; 0002 adds the 11 performance indexes of the first report; 0003
 * adds the points ledger and drops an index the ledger's unique key makes redundant.
 */
export const DEMO_MIGRATIONS: ReadonlyArray<{ readonly file: string; readonly sql: string }> = [
  {
    file: '0001_init.sql',
    sql: `-- The habit tracker: users keep a diary, earn daily points and set weekly goals.
-- plumbline:up
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (datetime('now'))
);

CREATE TABLE diary_entry (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  entry_date TEXT NOT NULL,
  rating INTEGER CHECK (rating BETWEEN 1 AND 5),
  body TEXT NOT NULL DEFAULT ''
);

CREATE TABLE daily_stats (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  date TEXT NOT NULL,
  points INTEGER NOT NULL DEFAULT 0,
  entries INTEGER NOT NULL DEFAULT 0,
  UNIQUE (user_id, date)
);

CREATE TABLE goals (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'failed')),
  week_start TEXT NOT NULL,
  week_end TEXT NOT NULL
);

-- plumbline:down
DROP TABLE goals;
DROP TABLE daily_stats;
DROP TABLE diary_entry;
DROP TABLE users;
`,
  },
  {
    file: '0002_performance_indexes.sql',
    sql: `-- Indexes for the per-user and per-date queries of the dashboard.
-- plumbline:up
CREATE INDEX idx_diary_entry_user_id ON diary_entry (user_id);
CREATE INDEX idx_daily_stats_user_id ON daily_stats (user_id);
CREATE INDEX idx_goals_user_id ON goals (user_id);
CREATE INDEX idx_diary_entry_entry_date ON diary_entry (entry_date);
CREATE INDEX idx_daily_stats_date ON daily_stats (date);
CREATE INDEX idx_goals_week_start ON goals (week_start);
CREATE INDEX idx_goals_week_end ON goals (week_end);
CREATE INDEX idx_diary_entry_user_date ON diary_entry (user_id, entry_date);
CREATE INDEX idx_daily_stats_user_date ON daily_stats (user_id, date);
CREATE INDEX idx_goals_user_status ON goals (user_id, status);
CREATE INDEX idx_diary_entry_rating ON diary_entry (rating);

-- plumbline:down
DROP INDEX idx_diary_entry_rating;
DROP INDEX idx_goals_user_status;
DROP INDEX idx_daily_stats_user_date;
DROP INDEX idx_diary_entry_user_date;
DROP INDEX idx_goals_week_end;
DROP INDEX idx_goals_week_start;
DROP INDEX idx_daily_stats_date;
DROP INDEX idx_diary_entry_entry_date;
DROP INDEX idx_goals_user_id;
DROP INDEX idx_daily_stats_user_id;
DROP INDEX idx_diary_entry_user_id;
`,
  },
  {
    file: '0003_points_log.sql',
    sql: `-- A ledger of every point earned, so the daily totals can be explained entry by entry.
-- plumbline:up
CREATE TABLE points_log (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  date TEXT NOT NULL,
  source TEXT NOT NULL
    CHECK (source IN ('diary', 'goal_completed', 'goal_failed', 'login_bonus', 'backfill', 'adjustment')),
  points INTEGER NOT NULL,
  created_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE INDEX idx_points_log_user_date ON points_log (user_id, date);

-- The unique (user_id, date) of daily_stats already serves these lookups.
DROP INDEX idx_daily_stats_user_date;

-- plumbline:down
CREATE INDEX idx_daily_stats_user_date ON daily_stats (user_id, date);
DROP INDEX idx_points_log_user_date;
DROP TABLE points_log;
`,
  },
]

/** The 11 indexes of 0002, which the first incident's migration never created. */
export const PERFORMANCE_INDEXES: ReadonlyArray<string> = [
  'idx_diary_entry_user_id',
  'idx_daily_stats_user_id',
  'idx_goals_user_id',
  'idx_diary_entry_entry_date',
  'idx_daily_stats_date',
  'idx_goals_week_start',
  'idx_goals_week_end',
  'idx_diary_entry_user_date',
  'idx_daily_stats_user_date',
  'idx_goals_user_status',
  'idx_diary_entry_rating',
]

/** The checks and the repair of the points ledger, as a user writes them (contract §9). */
export const DEMO_CONFIG = {
  url: 'sqlite:habits.db',
  dir: './migrations',
  checks: {
    'points-log-matches-daily-stats': {
      reconcile: {
        left: { table: 'points_log', groupBy: ['user_id', 'date'], value: 'sum(points)' },
        right: { table: 'daily_stats', groupBy: ['user_id', 'date'], value: 'sum(points)' },
        missing: 'zero',
      },
      sample: 6,
    },
    'diary-entries-have-users': {
      references: {
        from: { table: 'diary_entry', columns: ['user_id'] },
        to: { table: 'users', columns: ['id'] },
      },
    },
    'goal-status-known': {
      acceptedValues: { table: 'goals', column: 'status', values: ['active', 'completed', 'failed'] },
    },
  },
  backfills: {
    'points-log-from-daily-stats': {
      table: 'daily_stats',
      key: 'id',
      batchSize: 20,
      run: [
        `INSERT INTO points_log (user_id, date, source, points)
  SELECT d.user_id, d.date, 'backfill', d.points FROM daily_stats d
  WHERE d.id > :from AND d.id <= :to AND d.points <> 0
    AND NOT EXISTS (SELECT 1 FROM points_log p WHERE p.user_id = d.user_id AND p.date = d.date)`,
        `INSERT INTO points_log (user_id, date, source, points)
  SELECT d.user_id, d.date, 'adjustment',
         d.points - (SELECT SUM(p.points) FROM points_log p WHERE p.user_id = d.user_id AND p.date = d.date)
  FROM daily_stats d
  WHERE d.id > :from AND d.id <= :to
    AND d.points <> (SELECT SUM(p.points) FROM points_log p WHERE p.user_id = d.user_id AND p.date = d.date)`,
      ],
      verify: ['points-log-matches-daily-stats'],
    },
  },
} as const
