import { PlumblineError } from '../../errors/plumbline-error.js'
import {
  type LockHolder,
  type LockRequest,
  type MigrationLock,
  waitForLock,
} from '../../lock/migration-lock.js'
import type { Connection } from '../dialect.js'

/** 'plmb' as an int4: the first key of plumbline's advisory lock. */
const LOCK_CLASS = 1886219618
/** The second key: the database and schema, so two schemas migrated separately do not block each other. */
const LOCK_OBJECT = `hashtext(current_database() || '.' || current_schema())`
const ANNOUNCE = /^plumbline host=(.*) pid=(\d+) since=(\S+)$/

/**
 * A session advisory lock on the migration connection. The server drops it when the session
 * ends, however it ends. While held, the session's `application_name` announces host, pid and
 * time, so another process can say who holds it (pg_locks ⋈ pg_stat_activity).
 */
export function postgresLock(conn: Connection): MigrationLock {
  const announce = async ({ owner: { host, pid, since } }: LockRequest) => {
    // application_name is cut at 63 bytes by the server; the host goes first and may be cut.
    await conn.query(`SELECT set_config('application_name', $1, false)`, [
      `plumbline host=${host.slice(0, 12)} pid=${pid} since=${since.replace(/\.\d+Z$/, 'Z')}`,
    ])
  }
  const tryAcquire = async (request: LockRequest) => {
    const [row] = await conn.query<{ ok: boolean }>(
      `SELECT pg_try_advisory_lock(${LOCK_CLASS}, ${LOCK_OBJECT}) AS ok`,
    )
    if (row?.ok !== true) return false
    await announce(request)
    return true
  }
  return {
    tryAcquire,
    async acquire(request: LockRequest) {
      if (request.timeoutMs <= 0) {
        if (!(await tryAcquire(request))) throw await lockedError(conn, 'LOCKED', 0)
        return
      }
      let timeout: number | undefined
      const taken = await waitForLock(request.timeoutMs, request.signal, async (waitMs) => {
        const ms = Math.ceil(waitMs)
        try {
          if (ms !== timeout) {
            await conn.query(`SELECT set_config('lock_timeout', $1, false)`, [`${ms}ms`])
            timeout = ms
          }
          await conn.query(`SELECT pg_advisory_lock(${LOCK_CLASS}, ${LOCK_OBJECT})`)
          return true
        } catch (error) {
          if ((error as PlumblineError).details?.sqlstate === '55P03') return false
          throw error
        }
      }).finally(() => conn.query(`SELECT set_config('lock_timeout', '0', false)`).catch(() => {}))
      if (!taken) throw await lockedError(conn, 'LOCK_TIMEOUT', request.timeoutMs)
      await announce(request)
    },
    async release() {
      await conn.query(`SELECT pg_advisory_unlock(${LOCK_CLASS}, ${LOCK_OBJECT})`)
      await conn.query(`SELECT set_config('application_name', 'plumbline', false)`)
    },
    holder: () => postgresLockHolder(conn),
  }
}

/** The session holding plumbline's advisory lock on this database and schema, other than `conn`'s. */
export async function postgresLockHolder(conn: Connection): Promise<LockHolder | null> {
  const rows = await conn.query<{
    pid: number
    application_name: string | null
    client_addr: string | null
    backend_start: Date | null
    state: string | null
  }>(
    `SELECT a.pid, a.application_name, a.client_addr::text AS client_addr, a.backend_start, a.state
     FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND l.classid::bigint = ${LOCK_CLASS}
       AND l.objid::bigint = (${LOCK_OBJECT}::bigint + 4294967296) % 4294967296
       AND l.pid <> pg_backend_pid()`,
  )
  const row = rows[0]
  if (row === undefined) return null
  const announced = ANNOUNCE.exec(row.application_name ?? '')
  return Object.freeze({
    host: announced?.[1] ?? null,
    pid: announced?.[2] ? Number(announced[2]) : null,
    since: announced?.[3] ?? (row.backend_start ? row.backend_start.toISOString() : null),
    session: row.pid,
    description:
      `PostgreSQL backend ${row.pid}` +
      (row.client_addr ? ` from ${row.client_addr}` : '') +
      (row.application_name ? ` (${row.application_name})` : '') +
      (row.state ? `, ${row.state}` : ''),
  })
}

async function lockedError(
  conn: Connection,
  code: 'LOCKED' | 'LOCK_TIMEOUT',
  waitedMs: number,
): Promise<PlumblineError> {
  const holder = await postgresLockHolder(conn).catch(() => null)
  const who = holder
    ? holder.host !== null
      ? `plumbline on ${holder.host} (pid ${holder.pid}) since ${holder.since}`
      : holder.description
    : 'another session'
  return new PlumblineError({
    code,
    message:
      code === 'LOCKED'
        ? `the migration lock is held by ${who}`
        : `waited ${waitedMs} ms for the migration lock, held by ${who}`,
    hint: holder
      ? `wait for it to finish, or raise --lock-timeout; if that process is gone for good, end its session: SELECT pg_terminate_backend(${holder.session})`
      : 'wait for the other run to finish, or raise --lock-timeout',
    details: holder === null ? {} : { holder },
  })
}
