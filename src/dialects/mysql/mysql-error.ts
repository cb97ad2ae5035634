import type { ServerTarget } from '../../config/connection-url.js'
import { PlumblineError } from '../../errors/plumbline-error.js'

interface Mysql2ErrorFields {
  code?: string
  errno?: number
  sqlState?: string
  sqlMessage?: string
  message?: string
}

/** Server error numbers that mean "this user may not": on a database, a table, a column, a routine, a privilege. */
const PERMISSION_ERRNOS: ReadonlySet<number> = new Set([1044, 1142, 1143, 1227, 1370])

/** mysql2's codes for a connection that is gone. */
const CONNECTION_LOST_CODES = new Set(['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'EPIPE'])

/** ER_SERVER_SHUTDOWN, ER_CONNECTION_KILLED, CR_SERVER_GONE_ERROR, CR_SERVER_LOST. */
const CONNECTION_LOST_ERRNOS = new Set([1053, 1927, 2006, 2013])

/**
 * Maps a mysql2 error to a coded plumbline error. The server's own fields (error number,
 * SQLSTATE, message) and the statement are lifted into `details`; the driver error stays `cause`.
 */
export function mapMysqlError(error: unknown, target: ServerTarget, sql?: string): PlumblineError {
  const e = (error ?? {}) as Mysql2ErrorFields
  const code = e.code ?? ''
  const message = e.sqlMessage ?? e.message ?? String(error)
  const where = `${target.host}:${target.port}`
  switch (code) {
    case 'ECONNREFUSED':
      return new PlumblineError({
        code: 'CONNECTION_REFUSED',
        message: `no MySQL server answers at ${where}`,
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
        message: `MySQL at ${where} could not be reached (${code})`,
        hint: 'check the network path and firewall, or raise ?connect_timeout= (seconds) in the URL',
        cause: error,
      })
  }
  // The server closed the session (KILL, a shutdown, wait_timeout), or the socket went.
  if (
    CONNECTION_LOST_CODES.has(code) ||
    (e.errno !== undefined && CONNECTION_LOST_ERRNOS.has(e.errno)) ||
    /closed state/i.test(message)
  ) {
    return new PlumblineError({
      code: 'CONNECTION_LOST',
      message: `the connection to MySQL at ${where} was lost: ${message}`,
      hint: 'check that the server is running, then run the command again',
      details: serverFields(e, sql),
      cause: error,
    })
  }
  // 1698: a user that authenticates by unix socket (MariaDB's root by default) tried a password.
  if (e.errno === 1045 || e.errno === 1698) {
    return new PlumblineError({
      code: 'AUTHENTICATION_FAILED',
      message: `MySQL at ${where} refused user "${target.user}": access denied`,
      hint: 'check the user name and password in the URL (the password is never printed), and the host the user may connect from',
      details: serverFields(e, undefined),
      cause: error,
    })
  }
  if (e.errno === 1049) {
    return new PlumblineError({
      code: 'DATABASE_NOT_FOUND',
      message: `database "${target.database}" does not exist on ${where}`,
      hint: `create it first (CREATE DATABASE \`${target.database}\`) or fix the database name in the URL`,
      details: serverFields(e, undefined),
      cause: error,
    })
  }
  if (e.errno !== undefined && PERMISSION_ERRNOS.has(e.errno)) {
    return new PlumblineError({
      code: 'PERMISSION_DENIED',
      message: `MySQL denied user "${target.user}": ${message}`,
      hint: 'grant the privilege (GRANT … ON <database>.* TO …), or connect as a user that has it',
      details: serverFields(e, sql),
      cause: error,
    })
  }
  return new PlumblineError({
    code: 'QUERY_FAILED',
    message: `MySQL: ${message}`,
    hint: sql === undefined ? undefined : 'the statement is in the error details',
    details: serverFields(e, sql),
    cause: error,
  })
}

function serverFields(e: Mysql2ErrorFields, sql: string | undefined): Record<string, unknown> {
  const fields: Record<string, unknown> = {}
  if (e.errno !== undefined) fields.errno = e.errno
  if (e.sqlState !== undefined) fields.sqlstate = e.sqlState
  if (e.code !== undefined) fields.mysqlCode = e.code
  if (e.sqlMessage !== undefined) fields.sqlMessage = e.sqlMessage
  if (sql !== undefined) fields.statement = sql
  return fields
}
