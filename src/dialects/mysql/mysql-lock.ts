import { createHash } from 'node:crypto'
import { PlumblineError } from '../../errors/plumbline-error.js'
import {
  type LockHolder,
  type LockRequest,
  type MigrationLock,
  waitForLock,
} from '../../lock/migration-lock.js'
import type { Connection } from '../dialect.js'
import { setStatementComment } from './mysql-connection.js'
import { mysqlServer } from './mysql-server.js'

const ANNOUNCE = /^\/\* plumbline host=(.*?) pid=(\d+) since=(\S+) \*\/ ?/

/**
 * The name of plumbline's lock for a database. User-level locks are global to the server, so the
 * database is part of the name; MySQL refuses names longer than 64 characters, so a long
 * database name is replaced by its digest.
 *
 * @example
 * mysqlLockName('app') // 'plumbline:app'
 */
export function mysqlLockName(database: string): string {
  const name = `plumbline:${database}`
  return name.length <= 64
    ? name
    : `plumbline:${createHash('sha256').update(database).digest('hex').slice(0, 54)}`
}

/**
 * A user-level lock (`GET_LOCK`) on the migration connection. The server releases it when the
 * session ends, however it ends: a killed holder never leaves it behind.
 *
 * Who holds it: `IS_USED_LOCK` gives the holder's connection id, and information_schema.PROCESSLIST
 * what the server knows of that connection (user, client address, what it runs). A session cannot
 * publish anything else that other sessions may read — user variables are private to it, and
 * connection attributes need the performance schema, which MariaDB leaves off — except the text
 * of the statement it runs. So, while it holds the lock, the connection puts
 * `/* plumbline host=… pid=… since=… *\/` before every statement it sends: whenever the holder is
 * migrating, the lock's holder is named by host and pid; between two statements, only by what the
 * server knows. The comment also shows in SHOW PROCESSLIST and in the binary log, for the DBA.
 */
export function mysqlLock(conn: Connection): MigrationLock {
  const name = lockName(conn)
  /** Waits up to `request.timeoutMs` (0: not at all): true once taken, false when it ran out. */
  const take = async (request: LockRequest): Promise<boolean> => {
    const { host, pid, since } = request.owner
    setStatementComment(conn, `plumbline host=${host} pid=${pid} since=${since.replace(/\.\d+Z$/, 'Z')}`)
    let taken = false
    try {
      // MySQL waits whole seconds: a slice of an abortable wait lasts one there.
      const whole = (await mysqlServer(conn)).flavor !== 'mariadb'
      taken = await waitForLock(
        request.timeoutMs,
        request.timeoutMs <= 0 ? undefined : request.signal,
        async (waitMs) => {
          const [row] = await conn.query<{ ok: number | null }>('SELECT GET_LOCK(?, ?) AS ok', [
            name,
            await waitSeconds(conn, waitMs),
          ])
          // NULL: an error, not a wait that ran out.
          if (row?.ok !== 0 && row?.ok !== 1) throw getLockFailed(name)
          return row.ok === 1
        },
        whole ? 1000 : 0,
      )
      return taken
    } finally {
      if (!taken) setStatementComment(conn, null)
    }
  }
  return {
    async acquire(request: LockRequest) {
      if (await take(request)) return
      throw await lockedError(conn, request.timeoutMs <= 0 ? 'LOCKED' : 'LOCK_TIMEOUT', request.timeoutMs)
    },
    tryAcquire: (request: LockRequest) => take({ ...request, timeoutMs: 0 }),
    async release() {
      setStatementComment(conn, null)
      await conn.query('SELECT RELEASE_LOCK(?)', [name])
    },
    holder: () => mysqlLockHolder(conn),
  }
}

function lockName(conn: Connection): string {
  if (conn.target.dialect !== 'mysql')
    throw new TypeError(`mysql lock given a ${conn.target.dialect} connection`)
  return mysqlLockName(conn.target.database)
}

/** MariaDB waits fractions of a second; MySQL reads the timeout as whole seconds, so it is rounded up. */
async function waitSeconds(conn: Connection, timeoutMs: number): Promise<number> {
  if (timeoutMs <= 0) return 0
  const server = await mysqlServer(conn)
  return server.flavor === 'mariadb' ? Math.ceil(timeoutMs) / 1000 : Math.ceil(timeoutMs / 1000)
}

function getLockFailed(name: string): PlumblineError {
  return new PlumblineError({
    code: 'QUERY_FAILED',
    message: 'MySQL: GET_LOCK failed (the wait was interrupted, or the server ran out of memory)',
    hint: 'run again; if it keeps failing, look at the server log',
    details: { lock: name },
  })
}

/** The session holding plumbline's lock on this database, other than `conn`'s. */
export async function mysqlLockHolder(conn: Connection): Promise<LockHolder | null> {
  const rows = await conn.query<{
    id: number
    user: string | null
    host: string | null
    command: string | null
    time: number | null
    info: string | null
  }>(
    `SELECT l.id, p.USER AS user, p.HOST AS host, p.COMMAND AS command, p.TIME AS time, p.INFO AS info
     FROM (SELECT IS_USED_LOCK(?) AS id) l
     LEFT JOIN information_schema.PROCESSLIST p ON p.ID = l.id
     WHERE l.id IS NOT NULL AND l.id <> CONNECTION_ID()`,
    [lockName(conn)],
  )
  const row = rows[0]
  if (row === undefined) return null
  const info = row.info === null ? null : String(row.info)
  const announced = ANNOUNCE.exec(info ?? '')
  const running = info?.replace(ANNOUNCE, '').replace(/\s+/g, ' ').trim()
  const doing =
    row.command === null
      ? ' (what it does is shown to users with the PROCESS privilege)'
      : row.command === 'Sleep'
        ? `, idle for ${row.time ?? 0} s`
        : running
          ? `, running ${running.length > 80 ? `${running.slice(0, 77)}...` : running}`
          : `, ${row.command}`
  return Object.freeze({
    host: announced?.[1] ?? null,
    pid: announced?.[2] ? Number(announced[2]) : null,
    since: announced?.[3] ?? null,
    session: Number(row.id),
    description: `MySQL connection ${row.id}${row.user === null ? '' : ` of ${row.user} from ${row.host}`}${doing}`,
  })
}

async function lockedError(
  conn: Connection,
  code: 'LOCKED' | 'LOCK_TIMEOUT',
  waitedMs: number,
): Promise<PlumblineError> {
  const holder = await mysqlLockHolder(conn).catch(() => null)
  const who = holder
    ? holder.host !== null
      ? `plumbline on ${holder.host} (pid ${holder.pid}) since ${holder.since}, ${holder.description}`
      : holder.description
    : 'another session'
  return new PlumblineError({
    code,
    message:
      code === 'LOCKED'
        ? `the migration lock is held by ${who}`
        : `waited ${waitedMs} ms for the migration lock, held by ${who}`,
    hint: holder
      ? `wait for it to finish, or raise --lock-timeout; if that process is gone for good, end its session: KILL ${holder.session}`
      : 'wait for the other run to finish, or raise --lock-timeout',
    details: holder === null ? {} : { holder },
  })
}
