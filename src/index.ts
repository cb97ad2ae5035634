/**
 * plumbline — migrations that never lie about the state of a database.
 *
 * The public API. Everything a user imports comes from here; nothing else is a barrel.
 *
 * @example
 * import { inspect, diff } from 'plumbline'
 * const before = await inspect({ url: 'sqlite:app.db' })
 */
export { check } from './api/check.js'
export { type Inspection, inspect } from './api/inspect.js'
export {
  baseline,
  diagnose,
  ensureHealthy,
  type HealthResult,
  migrate,
  recover,
  rollback,
  status,
  type Target,
} from './api/operations.js'
export {
  type ConnectionTarget,
  type DialectName,
  parseConnectionUrl,
  type ServerTarget,
  type SqliteTarget,
} from './config/connection-url.js'
export { defineConfig, type PlumblineConfig } from './config/define-config.js'
export type { Connection, Dialect, DialectCapabilities, IntrospectOptions } from './dialects/dialect.js'
export type { BaselineOptions, BaselineResult } from './engine/baseline.js'
export type { DiagnoseResult } from './engine/diagnose.js'
export type { MigrateOptions, MigrateResult } from './engine/migrate.js'
export type { RecoverOptions, RecoverResult, RecoveryRound } from './engine/recover.js'
export type { RevertOptions, RevertResult } from './engine/revert.js'
export type { MigrationStatusLine, StatusResult } from './engine/status.js'
export { ERROR_CODES, type ErrorCode } from './errors/codes.js'
export { isPlumblineError, PlumblineError, type PlumblineErrorOptions } from './errors/plumbline-error.js'
export type { BackfillConfig, BackfillsConfig } from './integrity/backfill-spec.js'
export type { CheckReport, CheckResult, CheckStatus } from './integrity/check-result.js'
export type { CheckConfig, ChecksConfig } from './integrity/check-spec.js'
export type { Plan, PlanStep } from './plan/plan.js'
export { type ChangedObject, diff, diffSize, isEmptyDiff, type SchemaDiff } from './schema/diff.js'
export { fingerprint } from './schema/fingerprint.js'
export {
  createSchema,
  describeObject,
  type ObjectKind,
  objectKey,
  type Schema,
  type SchemaObject,
} from './schema/model.js'
export { loadMigrations } from './source/load-migrations.js'
export type { Migration, Statement } from './source/migration.js'
export type { MigrationContext } from './source/migration-context.js'
export { splitStatements } from './source/split-statements.js'
export type { Diagnosis, Inference, Problem, ProblemCode, State, Strategy } from './state/diagnosis.js'
