import type { DialectExactness, ExpectedDifference } from './types.js'

/**
 * The habit tracker on MySQL/MariaDB. Every statement is one the shared suite sends on its own;
 * a compound body (`BEGIN … END`) needs no DELIMITER there, since the server parses it. The
 * sequence is written in a MariaDB executable comment: MySQL, which has no sequences, reads it
 * as an empty statement.
 */
const tables = {
  users: `CREATE TABLE users (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(255) NOT NULL COLLATE utf8mb4_bin,
  display_name VARCHAR(100),
  timezone VARCHAR(64) NOT NULL DEFAULT 'UTC',
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at DATETIME(3) NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  CONSTRAINT users_email_unique UNIQUE (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='people who track habits'`,
  goals: `CREATE TABLE goals (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id INT UNSIGNED NOT NULL,
  title VARCHAR(200) NOT NULL,
  status ENUM('active', 'completed', 'failed') NOT NULL DEFAULT 'active',
  target_points INT NOT NULL DEFAULT 10 CHECK (target_points > 0),
  notes TEXT,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT goals_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  FULLTEXT KEY ft_goals_title (title)
) DEFAULT CHARSET=utf8mb4`,
  diaryEntry: `CREATE TABLE diary_entry (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id INT UNSIGNED NOT NULL,
  entry_date DATE NOT NULL,
  rating TINYINT,
  body TEXT NOT NULL,
  word_count INT AS (CHAR_LENGTH(body) - CHAR_LENGTH(REPLACE(body, ' ', '')) + 1) VIRTUAL,
  CONSTRAINT diary_entry_rating_check CHECK (rating BETWEEN 1 AND 5),
  CONSTRAINT diary_entry_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
  UNIQUE KEY diary_entry_user_date (user_id, entry_date)
) DEFAULT CHARSET=utf8mb4 ROW_FORMAT=DYNAMIC`,
  dailyStats: `CREATE TABLE daily_stats (
  user_id INT UNSIGNED NOT NULL,
  date DATE NOT NULL,
  points INT NOT NULL DEFAULT 0,
  entries INT NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, date),
  CONSTRAINT daily_stats_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
) DEFAULT CHARSET=utf8mb4`,
  pointsLog: `CREATE TABLE points_log (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id INT UNSIGNED NOT NULL,
  goal_id BIGINT,
  date DATE NOT NULL,
  points INT NOT NULL,
  reason VARCHAR(200),
  total_cents INT AS (points * 100) STORED,
  CONSTRAINT points_nonzero CHECK (points <> 0),
  CONSTRAINT points_log_user_fk FOREIGN KEY (user_id) REFERENCES users (id),
  CONSTRAINT points_log_goal_fk FOREIGN KEY (goal_id) REFERENCES goals (id) ON DELETE SET NULL
) DEFAULT CHARSET=utf8mb4`,
  sessionCache: `CREATE TABLE session_cache (
  token CHAR(32) NOT NULL PRIMARY KEY,
  user_id INT UNSIGNED NOT NULL,
  KEY idx_session_user (user_id)
) ENGINE=MEMORY DEFAULT CHARSET=utf8mb4`,
  appSettings: `CREATE TABLE app_settings (
  name VARCHAR(64) NOT NULL PRIMARY KEY,
  value TEXT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
}

const plumbline = [
  'CREATE TABLE plumbline_migrations (revision VARCHAR(255) PRIMARY KEY, checksum VARCHAR(64) NOT NULL)',
  'CREATE INDEX plumbline_migrations_checksum ON plumbline_migrations (checksum)',
  'CREATE TRIGGER plumbline_migrations_audit BEFORE INSERT ON plumbline_migrations FOR EACH ROW SET NEW.checksum = LOWER(NEW.checksum)',
]

const indexes = {
  goalsUser: 'CREATE INDEX idx_goals_user_id ON goals (user_id)',
  goalsActive: 'CREATE INDEX idx_goals_active ON goals (user_id, status, created_at DESC)',
  goalsTitle: 'CREATE UNIQUE INDEX idx_goals_user_title ON goals (user_id, title(50))',
  pointsUserDate: 'CREATE INDEX idx_points_log_user_date ON points_log (user_id, date)',
  usersDisplayName: 'CREATE INDEX idx_users_display_name ON users (display_name(20))',
}

const views = {
  activeGoals:
    "CREATE VIEW active_goals AS SELECT g.id, g.user_id, g.title FROM goals AS g WHERE g.status = 'active'",
  userPoints:
    'CREATE VIEW user_points AS SELECT user_id, SUM(points) AS total FROM points_log GROUP BY user_id',
}

const triggers = {
  points: `CREATE TRIGGER trg_points_log_daily_stats AFTER INSERT ON points_log FOR EACH ROW
  INSERT INTO daily_stats (user_id, date, points) VALUES (NEW.user_id, NEW.date, NEW.points)
    ON DUPLICATE KEY UPDATE points = points + NEW.points`,
  diary: `CREATE TRIGGER trg_diary_entry_stats AFTER INSERT ON diary_entry FOR EACH ROW
BEGIN
  INSERT INTO daily_stats (user_id, date, entries) VALUES (NEW.user_id, NEW.entry_date, 1)
    ON DUPLICATE KEY UPDATE entries = entries + 1;
END`,
}

const routines = {
  progress: `CREATE FUNCTION goal_progress(p_points INT, p_target INT) RETURNS DECIMAL(5, 2) DETERMINISTIC
RETURN LEAST(100, p_points * 100 / p_target)`,
  award: `CREATE PROCEDURE award_points(IN p_user INT UNSIGNED, IN p_points INT)
MODIFIES SQL DATA
BEGIN
  INSERT INTO points_log (user_id, date, points, reason) VALUES (p_user, CURRENT_DATE, p_points, 'award');
END`,
}

const sequence = '/*M! CREATE SEQUENCE invoice_numbers START WITH 1000 INCREMENT BY 1 */'

const column = (table: string, name: string): ExpectedDifference => ({
  as: 'changed',
  kind: 'column',
  name,
  table,
})
const index = (as: ExpectedDifference['as'], name: string, table: string): ExpectedDifference => ({
  as,
  kind: 'index',
  name,
  table,
})

const spec: DialectExactness = {
  base: [
    tables.users,
    tables.goals,
    tables.diaryEntry,
    tables.dailyStats,
    tables.pointsLog,
    tables.sessionCache,
    tables.appSettings,
    ...plumbline,
    indexes.goalsUser,
    indexes.goalsActive,
    indexes.goalsTitle,
    indexes.pointsUserDate,
    indexes.usersDisplayName,
    views.activeGoals,
    views.userPoints,
    triggers.points,
    triggers.diary,
    routines.progress,
    routines.award,
    sequence,
  ],
  baseReordered: [
    ...plumbline,
    tables.sessionCache,
    tables.appSettings,
    tables.users,
    tables.dailyStats,
    routines.award,
    tables.goals,
    indexes.goalsActive,
    indexes.goalsTitle,
    tables.pointsLog,
    triggers.points,
    indexes.pointsUserDate,
    sequence,
    tables.diaryEntry,
    triggers.diary,
    routines.progress,
    indexes.usersDisplayName,
    indexes.goalsUser,
    views.userPoints,
    views.activeGoals,
  ],
  data: [
    "INSERT INTO users (email, display_name) VALUES ('ada@example.com', 'Ada'), ('bob@example.com', NULL)",
    "INSERT INTO goals (user_id, title, status) VALUES (1, 'Run 5k', 'active'), (2, 'Read', 'completed')",
    "INSERT INTO diary_entry (user_id, entry_date, rating, body) VALUES (1, '2025-07-01', 4, 'good run today')",
    "INSERT INTO points_log (user_id, goal_id, date, points, reason) VALUES (1, 1, '2025-07-01', 25, 'run'), (2, 2, '2025-07-02', 5, 'read')",
    'CALL award_points(1, 3)',
    "INSERT INTO session_cache (token, user_id) VALUES ('0123456789abcdef0123456789abcdef', 1)",
    "INSERT INTO app_settings (name, value) VALUES ('theme', 'dark')",
    "UPDATE goals SET status = 'completed' WHERE id = 1",
    'DELETE FROM points_log WHERE id = 2',
    '/*M! SELECT NEXTVAL(invoice_numbers) */',
  ],
  maintenance: [
    'OPTIMIZE TABLE goals, points_log',
    'ANALYZE TABLE users, diary_entry',
    'ALTER TABLE daily_stats FORCE',
    'CHECK TABLE users',
    'FLUSH TABLES',
  ],
  cases: [
    {
      id: 'drop-index',
      change: 'DROP INDEX idx_goals_active ON goals',
      expect: [index('missing', 'idx_goals_active', 'goals')],
    },
    {
      id: 'add-index',
      change: 'CREATE INDEX idx_diary_entry_rating ON diary_entry (rating)',
      expect: [index('extra', 'idx_diary_entry_rating', 'diary_entry')],
    },
    {
      id: 'index-columns',
      change:
        'DROP INDEX idx_goals_active ON goals; CREATE INDEX idx_goals_active ON goals (user_id, created_at DESC)',
      expect: [index('changed', 'idx_goals_active', 'goals')],
    },
    {
      id: 'index-order',
      change:
        'DROP INDEX idx_goals_active ON goals; CREATE INDEX idx_goals_active ON goals (user_id, status, created_at)',
      expect: [index('changed', 'idx_goals_active', 'goals')],
    },
    {
      id: 'index-prefix',
      change:
        'DROP INDEX idx_users_display_name ON users; CREATE INDEX idx_users_display_name ON users (display_name(30))',
      expect: [index('changed', 'idx_users_display_name', 'users')],
    },
    {
      id: 'index-type',
      change:
        'DROP INDEX idx_session_user ON session_cache; CREATE INDEX idx_session_user ON session_cache (user_id) USING BTREE',
      expect: [index('changed', 'idx_session_user', 'session_cache')],
    },
    {
      id: 'index-fulltext',
      change: 'DROP INDEX ft_goals_title ON goals; CREATE INDEX ft_goals_title ON goals (title)',
      expect: [index('changed', 'ft_goals_title', 'goals')],
    },
    {
      id: 'unique-index-columns',
      change:
        'DROP INDEX idx_goals_user_title ON goals; CREATE UNIQUE INDEX idx_goals_user_title ON goals (user_id, title(60))',
      expect: [{ as: 'changed', kind: 'unique', name: 'idx_goals_user_title', table: 'goals' }],
    },
    {
      id: 'column-type',
      change: 'ALTER TABLE users MODIFY display_name VARCHAR(80)',
      expect: [column('users', 'display_name')],
    },
    {
      id: 'column-default',
      change: "ALTER TABLE users ALTER COLUMN timezone SET DEFAULT 'Europe/Paris'",
      expect: [column('users', 'timezone')],
    },
    {
      id: 'column-on-update',
      change: 'ALTER TABLE users MODIFY updated_at DATETIME(3) NULL DEFAULT CURRENT_TIMESTAMP(3)',
      expect: [column('users', 'updated_at')],
    },
    {
      id: 'column-nullability',
      change: 'ALTER TABLE goals MODIFY notes TEXT NOT NULL',
      expect: [column('goals', 'notes')],
    },
    {
      id: 'column-collation',
      change: 'ALTER TABLE users MODIFY email VARCHAR(255) NOT NULL COLLATE utf8mb4_general_ci',
      expect: [column('users', 'email')],
    },
    {
      id: 'column-comment',
      change: "ALTER TABLE users MODIFY display_name VARCHAR(100) COMMENT 'shown to friends'",
      expect: [column('users', 'display_name')],
    },
    {
      id: 'generated-column',
      change: 'ALTER TABLE diary_entry MODIFY word_count INT AS (CHAR_LENGTH(body)) VIRTUAL',
      expect: [column('diary_entry', 'word_count')],
    },
    {
      id: 'auto-increment',
      change: 'ALTER TABLE points_log MODIFY id BIGINT NOT NULL',
      expect: [column('points_log', 'id')],
    },
    {
      id: 'add-check',
      change: 'ALTER TABLE users ADD CONSTRAINT users_timezone_check CHECK (CHAR_LENGTH(timezone) > 0)',
      expect: [{ as: 'extra', kind: 'check', name: 'users_timezone_check', table: 'users' }],
    },
    {
      id: 'check-body',
      change:
        'ALTER TABLE points_log DROP CONSTRAINT points_nonzero; ALTER TABLE points_log ADD CONSTRAINT points_nonzero CHECK (points > 0)',
      expect: [{ as: 'changed', kind: 'check', name: 'points_nonzero', table: 'points_log' }],
    },
    {
      id: 'add-unique',
      change: 'ALTER TABLE users ADD CONSTRAINT users_display_name_unique UNIQUE (display_name)',
      expect: [{ as: 'extra', kind: 'unique', name: 'users_display_name_unique', table: 'users' }],
    },
    {
      id: 'add-unique-index',
      change: 'CREATE UNIQUE INDEX users_display_name_unique ON users (display_name)',
      expect: [{ as: 'extra', kind: 'unique', name: 'users_display_name_unique', table: 'users' }],
    },
    {
      id: 'foreign-key-action',
      change:
        'ALTER TABLE daily_stats DROP FOREIGN KEY daily_stats_user_fk; ALTER TABLE daily_stats ADD CONSTRAINT daily_stats_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE',
      expect: [{ as: 'changed', kind: 'foreign_key', name: 'daily_stats_user_fk', table: 'daily_stats' }],
    },
    {
      id: 'view-body',
      change:
        'CREATE OR REPLACE VIEW user_points AS SELECT user_id, SUM(points) AS total FROM points_log WHERE points > 0 GROUP BY user_id',
      expect: [{ as: 'changed', kind: 'view', name: 'user_points' }],
    },
    {
      id: 'view-security',
      change:
        "CREATE OR REPLACE SQL SECURITY INVOKER VIEW active_goals AS SELECT g.id, g.user_id, g.title FROM goals AS g WHERE g.status = 'active'",
      expect: [{ as: 'changed', kind: 'view', name: 'active_goals' }],
    },
    {
      id: 'trigger-body',
      change: `DROP TRIGGER trg_diary_entry_stats; ${triggers.diary.replace('entries + 1', 'entries + 2')}`,
      expect: [{ as: 'changed', kind: 'trigger', name: 'trg_diary_entry_stats', table: 'diary_entry' }],
    },
    {
      id: 'function-body',
      change: `DROP FUNCTION goal_progress; ${routines.progress.replace('p_points * 100', 'p_points * 50')}`,
      expect: [{ as: 'changed', kind: 'function', name: 'goal_progress' }],
    },
    {
      id: 'procedure-body',
      change: `DROP PROCEDURE award_points; ${routines.award.replace("'award'", "'bonus'")}`,
      expect: [{ as: 'changed', kind: 'procedure', name: 'award_points' }],
    },
    {
      id: 'table-engine',
      change: 'ALTER TABLE app_settings ENGINE=MyISAM',
      expect: [{ as: 'changed', kind: 'table', name: 'app_settings' }],
    },
    {
      id: 'table-options',
      change: "ALTER TABLE app_settings ROW_FORMAT=COMPRESSED COMMENT='feature switches'",
      expect: [{ as: 'changed', kind: 'table', name: 'app_settings' }],
    },
    {
      id: 'add-table',
      change: `CREATE TABLE badges (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id INT UNSIGNED NOT NULL,
  name VARCHAR(100) NOT NULL,
  CONSTRAINT badges_user_fk FOREIGN KEY (user_id) REFERENCES users (id),
  CONSTRAINT badges_user_name UNIQUE (user_id, name)
) DEFAULT CHARSET=utf8mb4`,
      expect: [
        { as: 'extra', kind: 'table', name: 'badges' },
        { as: 'extra', kind: 'column', name: 'id', table: 'badges' },
        { as: 'extra', kind: 'column', name: 'user_id', table: 'badges' },
        { as: 'extra', kind: 'column', name: 'name', table: 'badges' },
        { as: 'extra', kind: 'primary_key', name: 'PRIMARY', table: 'badges' },
        { as: 'extra', kind: 'foreign_key', name: 'badges_user_fk', table: 'badges' },
        { as: 'extra', kind: 'unique', name: 'badges_user_name', table: 'badges' },
      ],
    },
    {
      id: 'add-foreign-key-without-index',
      change:
        'ALTER TABLE app_settings ENGINE=InnoDB, ADD COLUMN user_id INT UNSIGNED, ADD CONSTRAINT app_settings_user_fk FOREIGN KEY (user_id) REFERENCES users (id)',
      expect: [
        { as: 'extra', kind: 'column', name: 'user_id', table: 'app_settings' },
        { as: 'extra', kind: 'foreign_key', name: 'app_settings_user_fk', table: 'app_settings' },
      ],
    },
    {
      id: 'drop-column',
      change: 'ALTER TABLE goals DROP COLUMN notes',
      expect: [{ as: 'missing', kind: 'column', name: 'notes', table: 'goals' }],
    },
  ],
}

export default spec
