import pg from 'pg'
import type { ServerTarget } from '../../config/connection-url.js'
import { PlumblineError } from '../../errors/plumbline-error.js'
import type { Connection, ConnectOptions, Row } from '../dialect.js'

/** Opens one PostgreSQL session (node-postgres `Client`): locks and transactions live on it. */
export async function connectPostgres(
  target: ServerTarget,
  options: ConnectOptions = {},
): Promise<Connection> {
  const ssl = sslFor(target.params.sslmode)
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    application_name: options.applicationName ?? 'plumbline',
    connectionTimeoutMillis: Number(target.params.connect_timeout ?? 10) * 1000,
    ...(ssl === undefined ? {} : { ssl }),
  })
  // A dropped connection surfaces on the next query; without a listener it would crash the process.
  client.on('error', () => {})
  try {
    await client.connect()
  } catch (error) {
    await client.end().catch(() => {})
    throw mapPostgresError(error, target)
  }
  return new PostgresConnection(client, target)
}

function sslFor(mode: string | undefined): pg.ClientConfig['ssl'] {
  if (mode === undefined || mode === 'disable' || mode === 'prefer' || mode === 'allow') return undefined
  if (mode === 'require' || mode === 'no-verify') return { rejectUnauthorized: false }
  return { rejectUnauthorized: true }
}

class PostgresConnection implements Connection {
  readonly dialect = 'postgres' as const
  readonly target: ServerTarget
  readonly #client: pg.Client
  #roundTrips = 0

  constructor(client: pg.Client, target: ServerTarget) {
    this.#client = client
    this.target = target
  }

  /** See `Connection.sessionEpoch`. */
  sessionEpoch = 0

  get roundTrips(): number {
    return this.#roundTrips
  }

  async query<R extends Row = Row>(sql: string, params: ReadonlyArray<unknown> = []): Promise<R[]> {
    this.#roundTrips++
    if (MAY_DROP_PREPARED.test(sql)) this.sessionEpoch++
    try {
      const result = await this.#client.query<R>(sql, params as unknown[])
      return result.rows
    } catch (error) {
      throw mapPostgresError(error, this.target, sql)
    }
  }

  async execute(sql: string): Promise<void> {
    this.#roundTrips++
    if (MAY_DROP_PREPARED.test(sql)) this.sessionEpoch++
    try {
      // The simple-query protocol: several statements in one round trip.
      await this.#client.query(sql)
    } catch (error) {
      throw mapPostgresError(error, this.target, sql)
    }
  }

  async executeBatch(statements: ReadonlyArray<string>): Promise<Row[][]> {
    if (statements.some((s) => MAY_DROP_PREPARED.test(s))) this.sessionEpoch++
    this.#roundTrips++
    // A newline before each separator: a statement that ends in a line comment keeps its end.
    const starts: number[] = []
    let sql = ''
    for (const statement of statements) {
      starts.push(sql.length)
      sql += `${statement}\n;\n`
    }
    let query: CountingQuery | undefined
    try {
      const results = await new Promise<unknown>((resolve, reject) => {
        query = new CountingQuery(sql, (error, result) => (error ? reject(error) : resolve(result)))
        void this.#client.query(query)
      })
      const list = (Array.isArray(results) ? results : [results]) as Array<{ rows?: Row[] }>
      return list.map((r) => r.rows ?? [])
    } catch (error) {
      if (query === undefined) throw mapPostgresError(error, this.target)
      // The server reports each statement that completed before the one that failed.
      const index = Math.min(query.completed, statements.length - 1)
      const e = error as { position?: string }
      if (e.position !== undefined) e.position = String(Number(e.position) - starts[index]!)
      const mapped = mapPostgresError(error, this.target, statements[index])
      throw new PlumblineError({
        code: mapped.code,
        message: mapped.message,
        ...(mapped.hint === undefined ? {} : { hint: mapped.hint }),
        details: { ...mapped.details, batchIndex: index },
        cause: error,
      })
    }
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.execute('BEGIN')
    try {
      const result = await fn()
      await this.execute('COMMIT')
      return result
    } catch (error) {
      await this.execute('ROLLBACK').catch(() => {})
      throw error
    }
  }

  async close(): Promise<void> {
    await this.#client.end().catch(() => {})
  }
}

/** Text that may drop a session's prepared statements; a false alarm only costs a round trip. */
export const MAY_DROP_PREPARED = /\b(DISCARD|DEALLOCATE)\b/i

/** A simple query of several statements that counts the statements the server completed. */
class CountingQuery extends pg.Query {
  completed = 0
  /** node-postgres calls this for each statement's CommandComplete message. */
  handleCommandComplete(msg: unknown, connection: unknown): void {
    this.completed++
    BASE_COMMAND_COMPLETE.call(this, msg, connection)
  }
}

const BASE_COMMAND_COMPLETE = (
  pg.Query.prototype as unknown as { handleCommandComplete(msg: unknown, connection: unknown): void }
).handleCommandComplete

interface PgErrorFields {
  code?: string
  detail?: string
  hint?: string
  position?: string
  where?: string
  schema?: string
  table?: string
  column?: string
  constraint?: string
}

/**
 * Maps a node-postgres error to a coded plumbline error. Server fields (SQLSTATE, detail, hint,
 * position) are lifted into `details` so the user sees the server's own words.
 */
export function mapPostgresError(error: unknown, target: ServerTarget, sql?: string): PlumblineError {
  const e = (error ?? {}) as PgErrorFields & { message?: string }
  const code = e.code ?? ''
  const message = e.message ?? String(error)
  const where = `${target.host}:${target.port}`
  switch (code) {
    case 'ECONNREFUSED':
      return new PlumblineError({
        code: 'CONNECTION_REFUSED',
        message: `no PostgreSQL server answers at ${where}`,
        hint: 'check that the server is running and that host and port in the URL are right',
        cause: error,
      })
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new PlumblineError({
        code: 'HOST_NOT_FOUND',
        message: `host ${target.host} was not found`,
        hint: 'check the host name in the URL',
        cause: error,
      })
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new PlumblineError({
        code: 'CONNECTION_TIMEOUT',
        message: `PostgreSQL at ${where} could not be reached (${code})`,
        hint: 'check the network path and firewall, or raise ?connect_timeout= in the URL',
        cause: error,
      })
    case '28P01':
    case '28000':
      return new PlumblineError({
        code: 'AUTHENTICATION_FAILED',
        message: `PostgreSQL at ${where} refused user "${target.user}": authentication failed`,
        hint: 'check the user name and password in the URL (the password is never printed)',
        details: { sqlstate: code },
        cause: error,
      })
    case '3D000':
      return new PlumblineError({
        code: 'DATABASE_NOT_FOUND',
        message: `database "${target.database}" does not exist on ${where}`,
        hint: `create it first (CREATE DATABASE "${target.database}") or fix the database name in the URL`,
        details: { sqlstate: code },
        cause: error,
      })
    // The server ended the session (pg_terminate_backend, a shutdown), or the socket went.
    case '57P01':
    case '57P02':
    case '08000':
    case '08003':
    case '08006':
    case 'ECONNRESET':
    case 'EPIPE':
      return connectionLost(where, message, error, serverFields(e, sql))
    case '42501':
      return new PlumblineError({
        code: 'PERMISSION_DENIED',
        message: `PostgreSQL denied user "${target.user}": ${message}`,
        hint: 'grant the privilege, or connect as a role that owns the schema',
        details: serverFields(e, sql),
        cause: error,
      })
  }
  if (/timeout expired|Connection terminated due to connection timeout/i.test(message)) {
    return new PlumblineError({
      code: 'CONNECTION_TIMEOUT',
      message: `PostgreSQL at ${where} did not answer in time`,
      hint: 'check the network path, or raise ?connect_timeout= in the URL',
      cause: error,
    })
  }
  if (/Connection terminated|not queryable|connection (?:is )?closed/i.test(message)) {
    return connectionLost(where, message, error, serverFields(e, sql))
  }
  if (/SASL|password must be a string|client password/i.test(message)) {
    return new PlumblineError({
      code: 'AUTHENTICATION_FAILED',
      message: `PostgreSQL at ${where} asked user "${target.user}" for a password the URL does not give`,
      hint: 'put the password in the URL: postgres://user:password@host/database',
      cause: error,
    })
  }
  return new PlumblineError({
    code: 'QUERY_FAILED',
    message: `PostgreSQL: ${message}`,
    hint: e.hint,
    details: serverFields(e, sql),
    cause: error,
  })
}

function connectionLost(
  where: string,
  message: string,
  cause: unknown,
  details: Record<string, unknown>,
): PlumblineError {
  return new PlumblineError({
    code: 'CONNECTION_LOST',
    message: `the connection to PostgreSQL at ${where} was lost: ${message}`,
    hint: 'check that the server is running, then run the command again',
    details,
    cause,
  })
}

function serverFields(e: PgErrorFields, sql: string | undefined): Record<string, unknown> {
  const fields: Record<string, unknown> = {}
  for (const key of [
    'code',
    'detail',
    'hint',
    'position',
    'where',
    'schema',
    'table',
    'column',
    'constraint',
  ] as const) {
    if (e[key] !== undefined) fields[key === 'code' ? 'sqlstate' : key] = e[key]
  }
  if (sql !== undefined) fields.statement = sql
  return fields
}
