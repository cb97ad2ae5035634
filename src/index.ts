/**
 * plumbline — migrations that never lie about the state of a database.
 *
 * The public API. Everything a user imports comes from here; nothing else is a barrel.
 *
 * @example
 * import { inspect, diff } from 'plumbline'
 * const before = await inspect({ url: 'sqlite:app.db' })
 */
export { type Inspection, inspect } from './api/inspect.js'
export {
  type ConnectionTarget,
  type DialectName,
  parseConnectionUrl,
  type ServerTarget,
  type SqliteTarget,
} from './config/connection-url.js'
export { defineConfig, type PlumblineConfig } from './config/define-config.js'
export type { Connection, Dialect, DialectCapabilities, IntrospectOptions } from './dialects/dialect.js'
export { ERROR_CODES, type ErrorCode } from './errors/codes.js'
export { isPlumblineError, PlumblineError, type PlumblineErrorOptions } from './errors/plumbline-error.js'
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
