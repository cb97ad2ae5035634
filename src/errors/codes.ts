/**
 * Every error code plumbline raises, with the exit code the CLI maps it to.
 * Each code is documented in docs/errors.md; a test keeps the two in step.
 */
export const ERROR_CODES = {
  // usage, configuration and input (exit 2)
  USAGE: 2,
  CONFIRMATION_REQUIRED: 2,
  CONFIG_INVALID: 2,
  URL_MISSING: 2,
  URL_INVALID: 2,
  DIALECT_UNSUPPORTED: 2,
  // connection (exit 2)
  CONNECTION_REFUSED: 2,
  HOST_NOT_FOUND: 2,
  CONNECTION_TIMEOUT: 2,
  AUTHENTICATION_FAILED: 2,
  DATABASE_NOT_FOUND: 2,
  NOT_A_DATABASE: 2,
  PERMISSION_DENIED: 2,
  FILE_NOT_FOUND: 2,
  CONNECTION_LOST: 2,
  // execution (exit 1)
  QUERY_FAILED: 1,
  INTROSPECTION_FAILED: 1,
  // the history file beside the migrations (exit 2: bad input)
  HISTORY_FILE_INVALID: 2,
  HISTORY_STALE: 2,
  HISTORY_REPLAY_FAILED: 2,
  SHADOW_UNAVAILABLE: 2,
  // running migrations (exit 1: fix and run again)
  MIGRATION_FAILED: 1,
  VERIFICATION_FAILED: 1,
  ALREADY_APPLIED: 1,
  INTERRUPTED: 1,
  MIGRATION_INVALID: 2,
  NO_DOWN_SECTION: 2,
  // the database's state does not allow the command (nothing was changed)
  STATE_NEEDS_RECOVERY: 1,
  STATE_NEEDS_DECISION: 3,
  PREFLIGHT_FAILED: 3,
  BASELINE_REFUSED: 3,
  UNKNOWN_TARGET_REVISION: 2,
  // recovery
  BACKUP_FAILED: 2,
  BACKUP_UNAVAILABLE: 2,
  RECOVERY_CANCELLED: 1,
  // the migration lock (exit 1: wait, or stop the other run)
  LOCK_TIMEOUT: 1,
  LOCKED: 1,
  // migration source (exit 2)
  MIGRATIONS_DIR_MISSING: 2,
  NO_MIGRATIONS: 2,
  MIGRATION_NAME_INVALID: 2,
  DUPLICATE_VERSION: 2,
  MIGRATION_DOWN_WITHOUT_UP: 2,
  MIGRATION_UNREADABLE: 2,
  MIGRATION_DIRECTIVE_UNKNOWN: 2,
  MIGRATION_DIRECTIVE_MISPLACED: 2,
  MIGRATION_SECTION_DUPLICATE: 2,
  MIGRATION_SQL_OUTSIDE_SECTION: 2,
  MIGRATION_UP_EMPTY: 2,
  MIGRATION_SQL_INVALID: 2,
  MIGRATION_CODE_LOAD_FAILED: 2,
  MIGRATION_CODE_INVALID: 2,
  // integrity: data checks and backfills
  CHECK_INVALID: 2,
  CHECK_UNKNOWN: 2,
  CHECK_FAILED: 1,
  BACKFILL_INVALID: 2,
  BACKFILL_UNKNOWN: 2,
  BACKFILL_UNFINISHED: 3,
  BACKFILL_SPEC_CHANGED: 3,
  BACKFILL_CONFLICT: 1,
  BACKFILL_FAILED: 1,
  // cli
  FILE_WRITE_FAILED: 2,
  // anything plumbline did not foresee
  INTERNAL: 1,
} as const

/** A stable, documented error code. */
export type ErrorCode = keyof typeof ERROR_CODES

/** The CLI exit code for an error code. */
export function exitCodeFor(code: ErrorCode): 0 | 1 | 2 | 3 {
  return ERROR_CODES[code] as 0 | 1 | 2 | 3
}
