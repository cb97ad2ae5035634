import type { DialectName } from '../config/connection-url.js'
import type { Row } from '../dialects/dialect.js'

/**
 * What a code migration's `up(ctx)` and `down(ctx)` receive: the connection the migration runs
 * on, inside its transaction unless the migration carries `// plumbline:no-transaction`.
 *
 * @example
 * // migrations/0005_backfill_timezones.ts
 * import type { MigrationContext } from 'plumbline'
 *
 * export async function up(ctx: MigrationContext): Promise<void> {
 *   const users = await ctx.query<{ id: number }>('SELECT id FROM users WHERE timezone IS NULL')
 *   for (const { id } of users) await ctx.sql`UPDATE users SET timezone = ${'UTC'} WHERE id = ${id}`
 * }
 */
export interface MigrationContext {
  /** The database kind, for migrations that must speak two dialects. */
  readonly dialect: DialectName
  /**
   * A tagged template: the interpolated values are sent as parameters, never spliced into the
   * text, so `ctx.sql\`… WHERE name = ${name}\`` is safe whatever `name` holds. One statement.
   */
  sql<R extends Row = Row>(strings: TemplateStringsArray, ...values: ReadonlyArray<unknown>): Promise<R[]>
  /** Runs SQL text without parameters or results: one statement, or a script where the driver allows. */
  execute(sql: string): Promise<void>
  /** One statement with positional parameters (`$1` on PostgreSQL, `?` on SQLite and MySQL). */
  query<R extends Row = Row>(sql: string, params?: ReadonlyArray<unknown>): Promise<R[]>
}

/** What a code migration's module exports. */
export interface CodeMigrationModule {
  up(ctx: MigrationContext): Promise<void> | void
  down?(ctx: MigrationContext): Promise<void> | void
}
