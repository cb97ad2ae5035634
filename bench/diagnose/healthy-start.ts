import { ensureHealthy } from '../../src/api/operations.js'
import { quickHealthy } from '../../src/engine/quick-health.js'
import { openSession } from '../../src/engine/session.js'

/** One way of measuring the healthy start, run again and again. */
export interface StartProbe {
  readonly name: string
  run(): Promise<void>
}

/**
 * `ensureHealthy()` as an application calls it at start: it connects, reads the migrations
 * folder, and (healthy) answers from one statement.
 */
export function ensureHealthyProbe(url: string, dir: string): StartProbe {
  return {
    name: 'ensureHealthy()',
    async run() {
      const health = await ensureHealthy({ url, dir })
      if (!health.ok || health.state !== 'healthy' || health.diagnosis !== null)
        throw new Error(
          `ensureHealthy did not take the healthy path: ${health.state} ${health.error?.message ?? ''}`,
        )
    },
  }
}

/** The part of `ensureHealthy()` before the check: connecting and reading the migrations folder. */
export function openSessionProbe(url: string, dir: string): StartProbe {
  return {
    name: 'connect and read the folder',
    async run() {
      const session = await openSession({ url, dir })
      await session.close()
    },
  }
}

/** The healthy check itself, on a session that stays open, and the round trips it takes. */
export async function healthyCheck(
  url: string,
  dir: string,
): Promise<StartProbe & { roundTrips(): Promise<number>; close(): Promise<void> }> {
  const session = await openSession({ url, dir })
  const check = async () => {
    if (!(await quickHealthy(session.conn, session.dialect, session.migrations)))
      throw new Error('the healthy check said no on a healthy database')
  }
  return {
    name: 'the check, on an open session',
    run: check,
    async roundTrips() {
      const before = session.conn.roundTrips
      await check()
      return session.conn.roundTrips - before
    },
    close: () => session.close(),
  }
}
