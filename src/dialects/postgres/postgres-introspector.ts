import { isPlumblineError, PlumblineError } from '../../errors/plumbline-error.js'
import { createSchema, type Schema, type SchemaObject } from '../../schema/model.js'
import type { BatchedRead, Connection, IntrospectOptions, Row } from '../dialect.js'
import {
  CATALOG_QUERIES,
  type CatalogRow,
  executeCatalog,
  PREPARE_CATALOG,
  PREPARED_CATALOG_COUNT,
  PREPARED_CATALOG_NAMES,
  WHOLE_CATALOG_STATEMENT,
} from './catalog/catalog-queries.js'
import {
  FIX_DEPARSE_SETTINGS,
  FIX_SETTINGS_LOCALLY,
  RESTORE_DEPARSE_SETTINGS,
  RESTORE_SETTINGS_FROM_SERVER,
  restoreParameters,
  SAVE_DEPARSE_SETTINGS,
  SAVE_SETTINGS_ON_SERVER,
} from './catalog/deparse-settings.js'
import { normalizeViewDefinition } from './catalog/normalize-view-definition.js'

/**
 * The catalog's size, in pages of `pg_class` and `pg_attribute`, when the prepared statement was
 * planned: kept in a setting of the session, as the statement is.
 */
const PLAN_PAGES = 'plumbline.catalog_plan_pages'
const CATALOG_PAGES = `pg_catalog.pg_relation_size('pg_catalog.pg_class') + pg_catalog.pg_relation_size('pg_catalog.pg_attribute')`

/**
 * The saved settings; which of the prepared catalog statements this session holds; the catalog's
 * size now and when they were planned.
 */
const SAVE_AND_CHECK = `${SAVE_DEPARSE_SETTINGS}, ARRAY(SELECT name::text FROM pg_catalog.pg_prepared_statements
  WHERE name = ANY (${PREPARED_CATALOG_NAMES})) AS prepared, ${CATALOG_PAGES} AS pages,
  pg_catalog.current_setting('${PLAN_PAGES}', true) AS plan_pages`

/** How many times the catalog grows before its statements are prepared again. */
const REPLAN_GROWTH = 4

/**
 * What to send with the settings so that the prepared statement exists, planned for a catalog of
 * about this size. A generic plan is made for the catalog's statistics and size when it is made:
 * priced for reads from disk, one made on an empty database (the first verification of a long
 * `up`) read the same catalogs ten times slower once they held hundreds of tables. Priced for
 * the memory they are read from (`PLANNER_SETTINGS`), the plans look names up by index at any
 * size; the statement is still prepared again once the catalog has grown {@link REPLAN_GROWTH}
 * times (preparing it again every time it grew by a quarter cost a long `up` more than it
 * saved). A setting rolled back with a failed transaction prepares it again too.
 */
function prepareIfNeeded(saved: Readonly<Record<string, unknown>> | undefined): string {
  const pages = Number(saved?.pages ?? 0)
  const planned = plannedPages(saved)
  const held = Array.isArray(saved?.prepared) ? (saved.prepared as string[]) : []
  if (held.length === PREPARED_CATALOG_COUNT && planned !== undefined && pages <= REPLAN_GROWTH * planned)
    return ''
  // Those held are dropped first, whether all or some (a migration may have dropped the others).
  const drop = held.map((name) => `DEALLOCATE ${name};\n`).join('')
  return `;\n${drop}${PREPARE_CATALOG};
SELECT pg_catalog.set_config('${PLAN_PAGES}', '${pages}', false)`
}

/**
 * Reads a PostgreSQL database into the schema model: every schema but the server's own, minus
 * what extensions created and plumbline's own `plumbline_*` tables. One catalog statement reads
 * every family of objects, sent in one round trip with the statements that save, fix and put back
 * the session settings that change how definitions are spelt: one round trip whatever the
 * database holds.
 *
 * With `only`, reads just the named relations, types and routines (and schemas and extensions of
 * those names) with what belongs to them: columns, constraints, indexes, triggers, owned
 * sequences. An entry without `schema` matches the name in any schema; a routine matches by
 * name alone or by name with argument types (`add_points(integer, integer)`). That runs as a
 * statement prepared on the session (in the round trip that fixes the settings), because a
 * verification after every migration would otherwise pay again and again for planning a
 * statement it runs in a fraction of that time.
 *
 * @example
 * const schema = await introspectPostgres(conn, { only: [{ schema: 'public', name: 'goals' }] })
 */
export async function introspectPostgres(conn: Connection, options: IntrospectOptions = {}): Promise<Schema> {
  const only = options.only
  if (only === undefined) return readWhole(conn)
  const prepared = preparedRead(conn, options)
  if (prepared !== undefined) {
    let results: Row[][]
    try {
      results = await conn.executeBatch!(prepared.statements)
    } catch (error) {
      throw prepared.failed(error)
    }
    return prepared.read(results)
  }
  const [saved] = await conn.query(SAVE_AND_CHECK)
  let failed = false
  try {
    const prepare = prepareIfNeeded(saved)
    await conn.execute(`${FIX_DEPARSE_SETTINGS}${prepare}`)
    const planned = prepare === '' ? plannedPages(saved) : Number(saved?.pages ?? 0)
    if (planned !== undefined) preparedOn.set(conn, { epoch: conn.sessionEpoch ?? 0, plannedPages: planned })
    let rows: CatalogRow[]
    try {
      rows = await readPrepared(
        conn,
        executeCatalog(only, options.kinds, options.details !== false, options.objects),
      )
    } catch (error) {
      throw introspectionError(error, CATALOG_QUERIES[0]!.family)
    }
    return createSchema(
      'postgres',
      rows.map((row) => toObject(row)),
    )
  } catch (error) {
    failed = true
    throw error
  } finally {
    await restore(conn, restoreParameters(saved ?? {}), failed)
  }
}

/**
 * The whole database in one round trip: the settings saved on the server, fixed, the catalog
 * statement, the settings put back, all with `SET LOCAL` semantics (see `SAVE_SETTINGS_ON_SERVER`).
 * A statement that fails there ends the implicit transaction they share, and the settings with it.
 */
async function readWhole(conn: Connection): Promise<Schema> {
  let results: Row[][]
  try {
    results = await conn.executeBatch!([
      SAVE_SETTINGS_ON_SERVER,
      FIX_SETTINGS_LOCALLY,
      WHOLE_CATALOG_STATEMENT,
      RESTORE_SETTINGS_FROM_SERVER,
    ])
  } catch (error) {
    throw introspectionError(error, CATALOG_QUERIES[0]!.family)
  }
  return createSchema(
    'postgres',
    (results[2] ?? []).map((row) => toObject(row as unknown as CatalogRow)),
  )
}

/** The savepoint a verification inside the caller's transaction fixes the settings in. */
const SETTINGS_SAVEPOINT = 'plumbline_catalog_settings'

/**
 * Sessions known to hold the prepared catalog statement (since the connection's epoch, see
 * `Connection.sessionEpoch`), and the catalog size it was planned for.
 */
const preparedOn = new WeakMap<Connection, { readonly epoch: number; readonly plannedPages: number }>()

function plannedPages(saved: Readonly<Record<string, unknown>> | undefined): number | undefined {
  return saved?.plan_pages == null || saved.plan_pages === '' ? undefined : Number(saved.plan_pages)
}

/**
 * A read by name in one round trip, once the session holds the prepared statements: the settings
 * are saved, fixed and put back on the server around it, and the catalog's size comes back with
 * them, so that a catalog grown fourfold is planned for again next time. Inside the caller's
 * transaction the settings are fixed in a savepoint instead, and rolling back to it puts them
 * back: nothing to save, nothing to send back. `undefined` when the read is not by name or the
 * session may not hold the statements (see {@link preparedOn}): `introspectPostgres` prepares them.
 */
export function preparedRead(conn: Connection, options: IntrospectOptions): BatchedRead | undefined {
  const only = options.only
  const known = only === undefined ? undefined : preparedOn.get(conn)
  if (only === undefined || known === undefined || known.epoch !== (conn.sessionEpoch ?? 0)) return undefined
  if (conn.executeBatch === undefined) return undefined
  const executes = executeCatalog(only, options.kinds, options.details !== false, options.objects)
  const inTransaction = options.inTransaction === true
  return {
    statements: inTransaction
      ? [
          `SAVEPOINT ${SETTINGS_SAVEPOINT}`,
          `${FIX_SETTINGS_LOCALLY}, ${CATALOG_PAGES} AS pages`,
          ...executes,
          `ROLLBACK TO SAVEPOINT ${SETTINGS_SAVEPOINT}`,
          `RELEASE SAVEPOINT ${SETTINGS_SAVEPOINT}`,
        ]
      : [
          SAVE_SETTINGS_ON_SERVER,
          FIX_SETTINGS_LOCALLY,
          ...executes,
          `${RESTORE_SETTINGS_FROM_SERVER}, ${CATALOG_PAGES} AS pages`,
        ],
    read(results) {
      const pages = Number(results[inTransaction ? 1 : 2 + executes.length]?.[0]?.pages ?? 0)
      if (pages > REPLAN_GROWTH * known.plannedPages) preparedOn.delete(conn)
      return createSchema(
        'postgres',
        results
          .slice(2, 2 + executes.length)
          .flatMap((rows) => rows.map((row) => toObject(row as unknown as CatalogRow))),
      )
    },
    failed: (error) => introspectionError(error, CATALOG_QUERIES[0]!.family),
  }
}

/** The rows of the prepared catalog statements' `EXECUTE`s, in one round trip. */
async function readPrepared(conn: Connection, executes: ReadonlyArray<string>): Promise<CatalogRow[]> {
  if (executes.length === 0) return []
  return (await conn.executeBatch!(executes)).flat() as unknown as CatalogRow[]
}

function toObject(row: CatalogRow): SchemaObject {
  const object: { -readonly [K in keyof SchemaObject]: SchemaObject[K] } = {
    kind: row.kind,
    schema: row.schema,
    name: row.name,
    definition: row.view_query == null ? row.definition : row.definition + viewQuery(row, row.view_query),
  }
  if (row.table !== null) object.table = row.table
  if (row.details !== null) object.details = Object.freeze(row.details)
  return object
}

function viewQuery(row: CatalogRow, query: string): string {
  if (row.query_tree == null) return query
  return normalizeViewDefinition(query, row.query_tree, row.relation_names ?? {})
}

async function restore(conn: Connection, parameters: ReadonlyArray<unknown>, failed: boolean): Promise<void> {
  try {
    await conn.query(RESTORE_DEPARSE_SETTINGS, parameters)
  } catch (error) {
    // After a failed catalog query inside a transaction nothing more can run; the rollback that
    // must follow restores the settings itself, and the first error is the one worth showing.
    if (!failed) throw error
  }
}

function introspectionError(error: unknown, family: string): unknown {
  if (!isPlumblineError(error) || error.code !== 'QUERY_FAILED') return error
  return new PlumblineError({
    code: 'INTROSPECTION_FAILED',
    message: `could not read the PostgreSQL catalog (${family}): ${error.message.replace(/^PostgreSQL: /, '')}`,
    hint: 'the connecting role needs to read the system catalogs; the server must be PostgreSQL 14 or later',
    details: error.details,
    cause: error,
  })
}
