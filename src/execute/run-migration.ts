import { basename } from 'node:path'
import type { Connection, Row } from '../dialects/dialect.js'
import { isPlumblineError, PlumblineError } from '../errors/plumbline-error.js'
import type { Migration, Statement } from '../source/migration.js'

/** A loaded code migration's functions. */
export interface CodeModule {
  up(ctx: unknown): Promise<void> | void
  down?(ctx: unknown): Promise<void> | void
}

/** How to run one migration section. */
export interface RunOptions {
  readonly direction: 'up' | 'down'
  /** Statements already done in an earlier attempt: resume after them. */
  readonly skip?: number
  /** Called after each statement took effect, with how many are done: the journal. */
  readonly onStatement?: (done: number, statement: Statement) => Promise<void>
  /**
   * Statements to run in one transaction together with their `onStatement` (their journal entry):
   * a crash then leaves both or neither. For statements that change only data; a statement the
   * database commits by itself (MySQL DDL) would break the promise.
   */
  readonly atomicWithJournal?: (index: number, statement: Statement) => boolean
  /**
   * Send a SQL section's statements in one round trip where the connection can (PostgreSQL), for
   * a caller that runs the migration in one transaction: all or nothing takes effect, so nothing
   * is lost by learning of each statement only at the end. Progress is then reported after it.
   */
  readonly batch?: boolean
  /** Loads a code migration's module (only needed for code migrations). */
  readonly loadCode?: (migration: Migration) => Promise<CodeModule>
  /** Builds the `ctx` given to a code migration; each statement it runs is reported like a SQL one. */
  readonly codeContext?: (conn: Connection, onStatement: (sql: string) => Promise<void>) => unknown
}

/** What a run did. */
export interface RunResult {
  /** Statements that took effect, counting those skipped as done before. */
  readonly statementsDone: number
  /** Statements in the section (code migrations: the statements they ran). */
  readonly statementsTotal: number
}

/**
 * Runs one section of a migration statement by statement on `conn`, in whatever transaction the
 * caller opened (or none). A failed statement becomes `MIGRATION_FAILED`, which names the
 * revision, the statement and its line, carries the server's words, and says how many statements
 * took effect before it.
 */
export async function runMigration(
  conn: Connection,
  migration: Migration,
  options: RunOptions,
): Promise<RunResult> {
  // A migration may change the session's search_path (pg_dump output sets it to ''); plumbline's
  // own statements that follow — the tracking row, the journal — must still find their tables.
  if (conn.dialect !== 'postgres') return runSection(conn, migration, options)
  const section =
    migration.kind === 'sql' ? (options.direction === 'up' ? migration.up : migration.down) : undefined
  if (
    options.batch &&
    conn.executeBatch &&
    section !== undefined &&
    section.statements.length > 0 &&
    !options.skip &&
    !options.atomicWithJournal
  )
    return runBatch(conn, migration, section.statements, options)
  const [saved] = await conn.query<{ path: string }>(`SELECT current_setting('search_path') AS path`)
  try {
    return await runSection(conn, migration, options)
  } finally {
    // In a transaction the migration aborted, the server rolls the setting back by itself.
    await conn
      .query(`SELECT set_config('search_path', $1, false)`, [saved?.path ?? '"$user", public'])
      .catch(() => {})
  }
}

async function runSection(conn: Connection, migration: Migration, options: RunOptions): Promise<RunResult> {
  if (migration.kind === 'sql') {
    const section = options.direction === 'up' ? migration.up : migration.down
    if (section === undefined) {
      throw new PlumblineError({
        code: 'NO_DOWN_SECTION',
        message: `migration ${migration.id} has no down section: it cannot be reverted`,
        hint: `add a "-- plumbline:down" section to ${migration.path}, or write a new migration that undoes it`,
      })
    }
    const statements = section.statements
    const skip = options.skip ?? 0
    for (let i = skip; i < statements.length; i++) {
      const statement = statements[i]!
      const run = async () => {
        try {
          await conn.execute(statement.sql)
        } catch (error) {
          throw statementFailed(migration, options.direction, statement, i, statements.length, error)
        }
        await options.onStatement?.(i + 1, statement)
      }
      if (options.atomicWithJournal?.(i, statement)) await conn.transaction(run)
      else await run()
    }
    return { statementsDone: statements.length, statementsTotal: statements.length }
  }
  if (!options.loadCode || !options.codeContext) {
    throw new PlumblineError({
      code: 'INTERNAL',
      message: `code migration ${migration.id} cannot run here: no module loader was given`,
    })
  }
  const module = await options.loadCode(migration)
  const fn = options.direction === 'up' ? module.up : module.down
  if (typeof fn !== 'function') {
    throw new PlumblineError({
      code: options.direction === 'up' ? 'MIGRATION_INVALID' : 'NO_DOWN_SECTION',
      message: `${migration.path} exports no ${options.direction}(ctx) function`,
      hint: `export async function ${options.direction}(ctx) { await ctx.sql\`…\` }`,
    })
  }
  let done = 0
  const ctx = options.codeContext(conn, async (sql) => {
    done++
    await options.onStatement?.(done, { sql, line: 0 })
  })
  try {
    await fn.call(module, ctx)
  } catch (error) {
    throw statementFailed(migration, options.direction, { sql: '(code)', line: 0 }, done, done + 1, error)
  }
  return { statementsDone: done, statementsTotal: done }
}

/** PostgreSQL's search_path, saved for the transaction and put back, around a batch. */
const SAVE_SEARCH_PATH = `SELECT pg_catalog.set_config('plumbline.saved_search_path', pg_catalog.current_setting('search_path'), true)`
const RESTORE_SEARCH_PATH = `SELECT pg_catalog.set_config('search_path', pg_catalog.current_setting('plumbline.saved_search_path'), false)`

/**
 * A section's statements in one round trip, with the search_path saved before and put back
 * after them on the server (see {@link runMigration}); the same error as one statement at a time.
 */
async function runBatch(
  conn: Connection,
  migration: Migration,
  statements: ReadonlyArray<Statement>,
  options: RunOptions,
): Promise<RunResult> {
  await sendBatch(conn, migration, options.direction, statements, [])
  for (const [i, statement] of statements.entries()) await options.onStatement?.(i + 1, statement)
  return { statementsDone: statements.length, statementsTotal: statements.length }
}

/** Statements sent after a migration's in its batch, and the error their failure is reported as. */
export interface BatchSuffix {
  readonly statements: ReadonlyArray<string>
  failed(error: unknown): unknown
}

/**
 * Sends `prefix`, then a SQL migration's up statements as {@link runMigration} runs them in a
 * batch, then `suffix`, in one round trip on a connection that can (PostgreSQL), and returns the
 * rows of the prefix's and of the suffix's statements. An error of a prefix statement is thrown as
 * it is; one of the migration's as `MIGRATION_FAILED`, naming the statement; one of the suffix's
 * as the suffix says.
 */
export async function runMigrationAfter(
  conn: Connection,
  migration: Migration & { readonly kind: 'sql' },
  prefix: ReadonlyArray<string>,
  suffix?: BatchSuffix,
): Promise<{ readonly prefix: Row[][]; readonly suffix: Row[][] }> {
  const results = await sendBatch(conn, migration, 'up', migration.up.statements, prefix, suffix)
  // The suffix's results are the last ones, whatever the statements before them returned.
  const last = suffix?.statements.length ?? 0
  return { prefix: results.slice(0, prefix.length), suffix: results.slice(results.length - last) }
}

async function sendBatch(
  conn: Connection,
  migration: Migration,
  direction: 'up' | 'down',
  statements: ReadonlyArray<Statement>,
  prefix: ReadonlyArray<string>,
  suffix?: BatchSuffix,
): Promise<Row[][]> {
  try {
    return await conn.executeBatch!([
      ...prefix,
      SAVE_SEARCH_PATH,
      ...statements.map((s) => s.sql),
      RESTORE_SEARCH_PATH,
      ...(suffix?.statements ?? []),
    ])
  } catch (error) {
    const at = isPlumblineError(error) ? error.details?.batchIndex : undefined
    if (typeof at === 'number' && at < prefix.length) throw error
    if (suffix !== undefined && typeof at === 'number' && at >= prefix.length + statements.length + 2)
      throw suffix.failed(withoutBatchIndex(error))
    const index =
      typeof at === 'number' ? Math.min(Math.max(at - prefix.length - 1, 0), statements.length - 1) : 0
    throw statementFailed(
      migration,
      direction,
      statements[index]!,
      index,
      statements.length,
      withoutBatchIndex(error),
    )
  }
}

function withoutBatchIndex(error: unknown): unknown {
  if (!isPlumblineError(error) || error.details === undefined) return error
  const { batchIndex: _, ...details } = error.details
  return new PlumblineError({
    code: error.code,
    message: error.message,
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    details,
    cause: error.cause,
  })
}

/**
 * A failed statement's hint: the server's own (PostgreSQL sends one with some errors), or the one
 * plumbline gave a coded failure such as `PERMISSION_DENIED`; not a driver's note on where the
 * statement is, which the error's details hold anyway. What of the migration stays, and so what
 * to do next, depends on its transaction: the caller, which knows, puts that first (see
 * `applyRevision`, `buildHistory`).
 */
function serverHint(server: PlumblineError | undefined): string | undefined {
  if (server === undefined) return undefined
  if (server.code !== 'QUERY_FAILED') return server.hint
  return typeof server.details?.hint === 'string' ? server.details.hint : undefined
}

/**
 * The way out when a statement failed because the migration's transaction refused it
 * (PostgreSQL's `CREATE INDEX CONCURRENTLY`, SQLite's `VACUUM`): the directive that runs it
 * without one, where it goes in this migration's file. Only going up: the file of a migration
 * that failed going up is free to edit (it is pending); one being reverted is applied, and its
 * checksum holds it as it ran.
 */
function refusedInTransaction(
  migration: Migration,
  server: PlumblineError | undefined,
  reason: string,
): string | undefined {
  if (!migration.transaction || server?.code !== 'QUERY_FAILED') return undefined
  const refused = server.details?.sqlstate === '25001' || /\b(?:inside|within) a transaction\b/i.test(reason)
  if (!refused) return undefined
  const directive =
    migration.kind === 'sql'
      ? `the line \`-- plumbline:no-transaction\` at the top of ${basename(migration.path)}`
      : `the comment line \`// plumbline:no-transaction\` to ${basename(migration.path)}`
  return `that statement cannot run inside a transaction: add ${directive}, and the migration runs without one, statement by statement with a journal`
}

function statementFailed(
  migration: Migration,
  direction: 'up' | 'down',
  statement: Statement,
  index: number,
  total: number,
  error: unknown,
): PlumblineError {
  const server = isPlumblineError(error) ? error : undefined
  const reason = server ? server.message : error instanceof Error ? error.message : String(error)
  const at = `statement ${index + 1} of ${total}${statement.line ? ` (line ${statement.line})` : ''}`
  // The statement did not fail: the server went away while it ran.
  const lost = server?.code === 'CONNECTION_LOST'
  return new PlumblineError({
    code: lost ? 'CONNECTION_LOST' : 'MIGRATION_FAILED',
    message: lost
      ? `migration ${migration.id}, at ${at}: ${reason}`
      : `migration ${migration.id} failed at ${at}: ${reason}`,
    hint:
      (direction === 'up' ? refusedInTransaction(migration, server, reason) : undefined) ??
      serverHint(server),
    details: {
      revision: migration.id,
      statementIndex: index,
      statementsDone: index,
      statementsTotal: total,
      statement: statement.sql,
      line: statement.line,
      ...(server?.details ?? {}),
    },
    cause: error,
  })
}
