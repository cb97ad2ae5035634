import type { DialectExactness, ExpectedDifference } from './types.js'

/**
 * The users table as a function of its parts, so a case can rebuild it with one part changed the
 * way SQLite needs it: the 12-step rebuild (create, copy, drop, rename, recreate its index).
 */
function usersTable(
  name: string,
  parts: Partial<Record<'email' | 'displayName' | 'timezone' | 'extra', string>> = {},
): string {
  return `CREATE TABLE ${name} (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL ${parts.email ?? 'COLLATE NOCASE'},
  display_name ${parts.displayName ?? 'TEXT'},
  timezone TEXT NOT NULL DEFAULT ${parts.timezone ?? "'UTC'"},
  created_at TEXT NOT NULL DEFAULT (datetime('now')),
  CONSTRAINT users_email_unique UNIQUE (email)${parts.extra ?? ''}
)`
}

const usersIndex = 'CREATE INDEX idx_users_email_lower ON users (lower(email))'

/**
 * SQLite's 12-step table rebuild, the only way to change a column or constraint: create the new
 * table, copy, drop, rename, recreate indexes and triggers. The rename leaves the table's name
 * quoted (`CREATE TABLE "users"`), which the model must not see. `legacy` is for tables other
 * objects' bodies name: SQLite refuses the rename while they point at a table that is gone for a
 * moment.
 */
function rebuild(
  table: string,
  create: string,
  columns: string,
  recreate: ReadonlyArray<string>,
  legacy = false,
): string {
  return [
    ...(legacy ? ['PRAGMA legacy_alter_table = ON'] : []),
    create.replace(`CREATE TABLE ${table} (`, `CREATE TABLE ${table}_new (`),
    `INSERT INTO ${table}_new (${columns}) SELECT ${columns} FROM ${table}`,
    `DROP TABLE ${table}`,
    `ALTER TABLE ${table}_new RENAME TO ${table}`,
    ...recreate,
    ...(legacy ? ['PRAGMA legacy_alter_table = OFF'] : []),
  ].join(';\n')
}

const rebuildUsers = (parts: Parameters<typeof usersTable>[1]): string =>
  rebuild('users', usersTable('users', parts), 'id, email, display_name, timezone, created_at', [usersIndex])

const dailyStats = (
  fk = '',
  options = ' WITHOUT ROWID',
  key = 'user_id, date',
): string => `CREATE TABLE daily_stats (
  user_id INTEGER NOT NULL REFERENCES users (id)${fk},
  date TEXT NOT NULL,
  points INTEGER NOT NULL DEFAULT 0,
  entries INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (${key})
)${options}`

const rebuildDailyStats = (create: string): string =>
  rebuild('daily_stats', create, 'user_id, date, points, entries', [], true)

const users = usersTable('users')

const goalsTable = (statuses = "'active', 'completed', 'failed'"): string => `CREATE TABLE goals (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN (${statuses})),
  target_points INTEGER NOT NULL DEFAULT 10,
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
)`

const goals = goalsTable()

const diaryEntryTable = (
  wordCount = "length(body) - length(replace(body, ' ', '')) + 1",
): string => `CREATE TABLE diary_entry (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL,
  entry_date TEXT NOT NULL,
  rating INTEGER CHECK (rating BETWEEN 1 AND 5),
  body TEXT NOT NULL DEFAULT '',
  word_count INTEGER GENERATED ALWAYS AS (${wordCount}) VIRTUAL,
  FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  UNIQUE (user_id, entry_date)
)`

const diaryEntry = diaryEntryTable()

const pointsLogTable = (check = 'points <> 0'): string => `CREATE TABLE points_log (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  goal_id INTEGER REFERENCES goals (id) ON DELETE SET NULL,
  date TEXT NOT NULL,
  points INTEGER NOT NULL,
  reason TEXT,
  total_cents INTEGER GENERATED ALWAYS AS (points * 100) STORED,
  CONSTRAINT points_nonzero CHECK (${check})
) STRICT`

const pointsLog = pointsLogTable()

const indexes = {
  goalsUser: 'CREATE INDEX idx_goals_user_id ON goals (user_id)',
  goalsActive: "CREATE INDEX idx_goals_active ON goals (user_id, created_at) WHERE status = 'active'",
  goalsTitle: 'CREATE UNIQUE INDEX idx_goals_user_title ON goals (user_id, title COLLATE NOCASE)',
  pointsUserDate: 'CREATE INDEX idx_points_log_user_date ON points_log (user_id, date DESC)',
  usersEmail: usersIndex,
}

const views = {
  activeGoals:
    "CREATE VIEW active_goals AS SELECT g.id, g.user_id, g.title FROM goals AS g WHERE g.status = 'active'",
  userPoints:
    'CREATE VIEW user_points AS SELECT user_id, sum(points) AS total FROM points_log GROUP BY user_id',
}

const triggers = {
  points: `CREATE TRIGGER trg_points_log_daily_stats AFTER INSERT ON points_log
BEGIN
  INSERT INTO daily_stats (user_id, date, points) VALUES (NEW.user_id, NEW.date, NEW.points)
    ON CONFLICT (user_id, date) DO UPDATE SET points = points + excluded.points;
END`,
  diary: `CREATE TRIGGER trg_diary_entry_stats AFTER INSERT ON diary_entry
BEGIN
  INSERT INTO daily_stats (user_id, date, entries) VALUES (NEW.user_id, NEW.entry_date, 1)
    ON CONFLICT (user_id, date) DO UPDATE SET entries = entries + 1;
END`,
}

/** What `diff` names when a rebuild of `users` changes one of its columns. */
const changedColumn = (name: string): ExpectedDifference => ({
  as: 'changed',
  kind: 'column',
  name,
  table: 'users',
})

const spec: DialectExactness = {
  base: [
    users,
    goals,
    diaryEntry,
    dailyStats(),
    pointsLog,
    'CREATE TABLE plumbline_migrations (revision TEXT PRIMARY KEY, checksum TEXT NOT NULL)',
    'CREATE INDEX plumbline_migrations_checksum ON plumbline_migrations (checksum)',
    indexes.goalsUser,
    indexes.goalsActive,
    indexes.goalsTitle,
    indexes.pointsUserDate,
    indexes.usersEmail,
    views.activeGoals,
    views.userPoints,
    triggers.points,
    triggers.diary,
  ],
  baseReordered: [
    pointsLog,
    dailyStats(),
    triggers.points,
    indexes.pointsUserDate,
    diaryEntry,
    triggers.diary,
    goals,
    indexes.goalsTitle,
    indexes.goalsActive,
    users,
    indexes.usersEmail,
    indexes.goalsUser,
    views.userPoints,
    views.activeGoals,
  ],
  data: [
    "INSERT INTO users (email, display_name) VALUES ('ada@example.com', 'Ada'), ('bob@example.com', NULL)",
    "INSERT INTO goals (user_id, title, status) VALUES (1, 'Run 5k', 'active'), (2, 'Read', 'completed')",
    "INSERT INTO diary_entry (user_id, entry_date, rating, body) VALUES (1, '2025-07-01', 4, 'good run today')",
    "INSERT INTO points_log (user_id, goal_id, date, points, reason) VALUES (1, 1, '2025-07-01', 25, 'run'), (2, 2, '2025-07-02', 5, 'read')",
    "UPDATE goals SET status = 'completed' WHERE id = 1",
    'DELETE FROM points_log WHERE id = 2',
  ],
  maintenance: ['VACUUM', 'ANALYZE', 'REINDEX', 'PRAGMA optimize'],
  cases: [
    {
      id: 'drop-index',
      change: 'DROP INDEX idx_goals_user_id',
      expect: [{ as: 'missing', kind: 'index', name: 'idx_goals_user_id', table: 'goals' }],
    },
    {
      id: 'add-index',
      change: 'CREATE INDEX idx_diary_entry_rating ON diary_entry (rating)',
      expect: [{ as: 'extra', kind: 'index', name: 'idx_diary_entry_rating', table: 'diary_entry' }],
    },
    {
      id: 'index-columns',
      change:
        'DROP INDEX idx_points_log_user_date; CREATE INDEX idx_points_log_user_date ON points_log (user_id, goal_id)',
      expect: [{ as: 'changed', kind: 'index', name: 'idx_points_log_user_date', table: 'points_log' }],
    },
    {
      id: 'index-order',
      change:
        'DROP INDEX idx_points_log_user_date; CREATE INDEX idx_points_log_user_date ON points_log (user_id, date)',
      expect: [{ as: 'changed', kind: 'index', name: 'idx_points_log_user_date', table: 'points_log' }],
    },
    {
      id: 'index-unique',
      change:
        'DROP INDEX idx_goals_user_title; CREATE INDEX idx_goals_user_title ON goals (user_id, title COLLATE NOCASE)',
      expect: [{ as: 'changed', kind: 'index', name: 'idx_goals_user_title', table: 'goals' }],
    },
    {
      id: 'index-collation',
      change:
        'DROP INDEX idx_goals_user_title; CREATE UNIQUE INDEX idx_goals_user_title ON goals (user_id, title)',
      expect: [{ as: 'changed', kind: 'index', name: 'idx_goals_user_title', table: 'goals' }],
    },
    {
      id: 'partial-index-predicate',
      change:
        "DROP INDEX idx_goals_active; CREATE INDEX idx_goals_active ON goals (user_id, created_at) WHERE status = 'completed'",
      expect: [{ as: 'changed', kind: 'index', name: 'idx_goals_active', table: 'goals' }],
    },
    {
      id: 'expression-index',
      change: 'DROP INDEX idx_users_email_lower; CREATE INDEX idx_users_email_lower ON users (upper(email))',
      expect: [{ as: 'changed', kind: 'index', name: 'idx_users_email_lower', table: 'users' }],
    },
    {
      id: 'column-type',
      change: rebuildUsers({ displayName: 'VARCHAR(80)' }),
      expect: [changedColumn('display_name')],
    },
    {
      id: 'column-default',
      change: rebuildUsers({ timezone: "'Europe/Paris'" }),
      expect: [changedColumn('timezone')],
    },
    {
      id: 'string-literal-case',
      change: rebuildUsers({ timezone: "'utc'" }),
      expect: [changedColumn('timezone')],
    },
    {
      id: 'column-nullability',
      change: rebuildUsers({ displayName: 'TEXT NOT NULL' }),
      expect: [changedColumn('display_name')],
    },
    {
      id: 'column-collation',
      change: rebuildUsers({ email: 'COLLATE RTRIM' }),
      expect: [changedColumn('email')],
    },
    {
      id: 'add-check',
      change: rebuildUsers({ extra: ',\n  CHECK (length(timezone) > 0)' }),
      expect: [{ as: 'extra', kind: 'check', name: 'length(timezone) > 0', table: 'users' }],
    },
    {
      id: 'add-unique',
      change: rebuildUsers({ extra: ',\n  UNIQUE (display_name)' }),
      expect: [{ as: 'extra', kind: 'unique', name: 'users_display_name_key', table: 'users' }],
    },
    {
      id: 'check-body',
      change: rebuild(
        'goals',
        goalsTable("'active', 'completed', 'failed', 'paused'"),
        'id, user_id, title, status, target_points, created_at',
        [indexes.goalsUser, indexes.goalsActive, indexes.goalsTitle],
        true,
      ),
      expect: [
        { as: 'missing', kind: 'check', name: "status IN ('active', 'completed', 'failed')", table: 'goals' },
        {
          as: 'extra',
          kind: 'check',
          name: "status IN ('active', 'completed', 'failed', 'paused')",
          table: 'goals',
        },
      ],
    },
    {
      id: 'named-check-body',
      change: rebuild(
        'points_log',
        pointsLogTable('points > 0'),
        'id, user_id, goal_id, date, points, reason',
        [indexes.pointsUserDate, triggers.points],
        true,
      ),
      expect: [{ as: 'changed', kind: 'check', name: 'points_nonzero', table: 'points_log' }],
    },
    {
      id: 'foreign-key-action',
      change: rebuildDailyStats(dailyStats(' ON DELETE CASCADE')),
      expect: [
        { as: 'changed', kind: 'foreign_key', name: 'daily_stats_user_id_fkey', table: 'daily_stats' },
      ],
    },
    {
      id: 'foreign-key-deferrable',
      change: rebuildDailyStats(dailyStats(' DEFERRABLE INITIALLY DEFERRED')),
      expect: [
        { as: 'changed', kind: 'foreign_key', name: 'daily_stats_user_id_fkey', table: 'daily_stats' },
      ],
    },
    {
      id: 'without-rowid',
      change: rebuildDailyStats(dailyStats('', '')),
      expect: [{ as: 'changed', kind: 'table', name: 'daily_stats' }],
    },
    {
      id: 'primary-key',
      change: rebuildDailyStats(dailyStats('', ' WITHOUT ROWID', 'date, user_id')),
      expect: [{ as: 'changed', kind: 'primary_key', name: 'daily_stats_pkey', table: 'daily_stats' }],
    },
    {
      id: 'generated-column',
      change: rebuild(
        'diary_entry',
        diaryEntryTable('length(body)'),
        'id, user_id, entry_date, rating, body',
        [triggers.diary],
      ),
      expect: [{ as: 'changed', kind: 'column', name: 'word_count', table: 'diary_entry' }],
    },
    {
      id: 'view-body',
      change:
        'DROP VIEW user_points; CREATE VIEW user_points AS SELECT user_id, sum(points) AS total FROM points_log WHERE points > 0 GROUP BY user_id',
      expect: [{ as: 'changed', kind: 'view', name: 'user_points' }],
    },
    {
      id: 'view-column-alias-case',
      change:
        'DROP VIEW user_points; CREATE VIEW user_points AS SELECT user_id, sum(points) AS Total FROM points_log GROUP BY user_id',
      expect: [{ as: 'changed', kind: 'view', name: 'user_points' }],
    },
    {
      id: 'trigger-body',
      change: `DROP TRIGGER trg_diary_entry_stats; ${triggers.diary.replace('entries + 1', 'entries + 2')}`,
      expect: [{ as: 'changed', kind: 'trigger', name: 'trg_diary_entry_stats', table: 'diary_entry' }],
    },
    {
      id: 'drop-trigger',
      change: 'DROP TRIGGER trg_points_log_daily_stats',
      expect: [{ as: 'missing', kind: 'trigger', name: 'trg_points_log_daily_stats', table: 'points_log' }],
    },
    {
      id: 'add-table',
      change: `CREATE TABLE badges (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  name TEXT NOT NULL,
  UNIQUE (user_id, name)
)`,
      expect: [
        { as: 'extra', kind: 'table', name: 'badges' },
        { as: 'extra', kind: 'column', name: 'id', table: 'badges' },
        { as: 'extra', kind: 'column', name: 'user_id', table: 'badges' },
        { as: 'extra', kind: 'column', name: 'name', table: 'badges' },
        { as: 'extra', kind: 'primary_key', name: 'badges_pkey', table: 'badges' },
        { as: 'extra', kind: 'foreign_key', name: 'badges_user_id_fkey', table: 'badges' },
        { as: 'extra', kind: 'unique', name: 'badges_user_id_name_key', table: 'badges' },
      ],
    },
    {
      id: 'add-column',
      change: "ALTER TABLE goals ADD COLUMN notes TEXT NOT NULL DEFAULT ''",
      expect: [{ as: 'extra', kind: 'column', name: 'notes', table: 'goals' }],
    },
    {
      id: 'drop-column',
      change: 'ALTER TABLE goals DROP COLUMN target_points',
      expect: [{ as: 'missing', kind: 'column', name: 'target_points', table: 'goals' }],
    },
  ],
}

export default spec
