import mysql from 'mysql2/promise'
import type { ServerTarget } from '../../config/connection-url.js'
import { splitStatements } from '../../source/split-statements.js'
import type { Connection, ConnectOptions, Row } from '../dialect.js'
import { mapMysqlError } from './mysql-error.js'
import { bindParameters } from './mysql-parameters.js'

/** A `DELIMITER xx` line of the mysql client: the server does not know it, the client splits on it. */
const DELIMITER_LINE = /^[ \t]*delimiter[ \t]/im

/**
 * Opens one MySQL or MariaDB session (mysql2): locks and transactions live on it.
 *
 * - Multi-statement scripts are enabled, as in the mysql client: the server, which is the only
 *   exact parser of its dialect, splits a script and knows a compound `BEGIN … END` body without
 *   `DELIMITER`. Migrations never rely on it: the engine sends their statements one at a time, so
 *   its journal knows which statement failed and how many took effect before it.
 * - Dates come back as the text the server stores: DATETIME has no zone, and turning it into a
 *   `Date` would guess one. plumbline writes UTC.
 * - BIGINT and DECIMAL values beyond 2^53 come back as strings rather than rounded.
 */
export async function connectMysql(target: ServerTarget, options: ConnectOptions = {}): Promise<Connection> {
  const socket = target.host.startsWith('/')
  const ssl = sslFor(target.params.sslmode ?? target.params['ssl-mode'])
  let client: mysql.Connection
  try {
    client = await mysql.createConnection({
      ...(socket ? { socketPath: target.host } : { host: target.host, port: target.port }),
      user: target.user,
      password: target.password,
      database: target.database,
      connectTimeout: Number(target.params.connect_timeout ?? 10) * 1000,
      multipleStatements: true,
      dateStrings: true,
      supportBigNumbers: true,
      connectAttributes: { program_name: options.applicationName ?? 'plumbline' },
      ...(ssl === undefined ? {} : { ssl }),
    })
  } catch (error) {
    throw mapMysqlError(error, target)
  }
  // A dropped connection surfaces on the next query; without a listener it would crash the process.
  client.on('error', () => {})
  return new MysqlConnection(client, target)
}

function sslFor(mode: string | undefined): { rejectUnauthorized: boolean } | undefined {
  const m = mode?.toLowerCase().replace(/_/g, '-')
  if (m === undefined || m === 'disable' || m === 'disabled' || m === 'prefer' || m === 'preferred')
    return undefined
  if (m === 'require' || m === 'required' || m === 'no-verify') return { rejectUnauthorized: false }
  return { rejectUnauthorized: true }
}

/** Comments put before every statement of a connection, see {@link setStatementComment}. */
const comments = new WeakMap<Connection, string>()

/**
 * Puts `/* text *\/` before every statement `conn` sends from now on (`null`: none). The server
 * shows a running statement, with its leading comment, to every session that may read
 * `information_schema.PROCESSLIST`: it is how the migration lock names its holder (see
 * `mysql-lock.ts`). A connection that is not a plumbline MySQL connection is left as it is.
 */
export function setStatementComment(conn: Connection, text: string | null): void {
  if (!(conn instanceof MysqlConnection)) return
  if (text === null) comments.delete(conn)
  else comments.set(conn, `/* ${text.replace(/\*\//g, '* /').replace(/[\r\n]+/g, ' ')} */ `)
}

class MysqlConnection implements Connection {
  readonly dialect = 'mysql' as const
  readonly target: ServerTarget
  readonly #client: mysql.Connection
  #roundTrips = 0

  constructor(client: mysql.Connection, target: ServerTarget) {
    this.#client = client
    this.target = target
  }

  get roundTrips(): number {
    return this.#roundTrips
  }

  async query<R extends Row = Row>(sql: string, params: ReadonlyArray<unknown> = []): Promise<R[]> {
    const text = bindParameters(sql, params)
    this.#roundTrips++
    try {
      const [result] = await this.#client.query((comments.get(this) ?? '') + text)
      return rowsOf(result) as R[]
    } catch (error) {
      throw mapMysqlError(error, this.target, sql)
    }
  }

  async execute(sql: string): Promise<void> {
    if (sql.trim() === '') return
    // The server does not know the client's DELIMITER lines: such a script is split as the mysql
    // client splits it, and each statement sent on its own.
    const statements = DELIMITER_LINE.test(sql) ? splitStatements(sql, 'mysql').map((s) => s.sql) : [sql]
    for (const statement of statements) {
      this.#roundTrips++
      try {
        await this.#client.query((comments.get(this) ?? '') + statement)
      } catch (error) {
        // A script of nothing but comments: nothing to do, as on the other dialects.
        if ((error as { errno?: number }).errno === 1065) continue
        throw mapMysqlError(error, this.target, statement)
      }
    }
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.execute('START TRANSACTION')
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
    await this.#client.end().catch(() => this.#client.destroy())
  }
}

/**
 * The rows of a result: a statement without rows gives none; a `CALL` or a script, whose result
 * is a list of per-statement results, gives the rows of its first result set.
 */
function rowsOf(result: unknown): Row[] {
  if (!Array.isArray(result)) return []
  const first: unknown = result[0]
  if (Array.isArray(first) || isHeader(first))
    return (result.find((r) => Array.isArray(r)) as Row[] | undefined) ?? []
  return result as Row[]
}

/** The header of a statement without rows (`affectedRows`, `insertId`, …). */
function isHeader(value: unknown): boolean {
  return typeof value === 'object' && value !== null && value.constructor?.name === 'ResultSetHeader'
}
