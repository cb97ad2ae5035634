-- Indexes for the per-user and per-date queries of the dashboard.
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
