-- A ledger of every point earned, so the daily totals can be explained entry by entry.
-- plumbline:up
CREATE TABLE points_log (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  date TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('diary', 'goal_completed', 'goal_failed', 'login_bonus')),
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
