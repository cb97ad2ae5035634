import { type MigrateResult, migrate } from '../../src/engine/migrate.js'
import { openSession } from '../../src/engine/session.js'
import { type ClassTotal, type StatementClass, StatementLedger } from './statement-ledger.js'

/** One verified `up` from an empty database to head, and where its time went. */
export interface UpRun {
  readonly ms: number
  readonly applied: number
  /** Of `ms`, the time before the first migration ran: reading the folder and history, observing, planning. */
  readonly setupMs: number
  /** The engine's own figure: time in verification and tracking writes after each migration ran. */
  readonly verifyMs: number
  readonly statements: ReadonlyArray<readonly [StatementClass, ClassTotal]>
  /** Time in introspection for verification, the catalog fingerprint and tracking statements. */
  readonly verificationMs: number
  /**
   * Of `ms`, the time this process's main thread was busy (event-loop utilisation): plumbline's
   * own work and its driver's, the rest being waits for the server. For SQLite, whose driver runs
   * the statements on the main thread, it is nearly all of `ms`.
   */
  readonly busyMs: number
}

/**
 * What `plumbline up` does, in this process: open a session on `url` with the migrations of
 * `dir` and their history file (no replay), apply every migration verified, close. The session's
 * connection and dialect are timed by a {@link StatementLedger}.
 */
export async function plumblineUp(
  dir: string,
  url: string,
  options: { readonly batchedReads?: boolean } = {},
): Promise<UpRun> {
  const ledger = new StatementLedger(options)
  const loop = performance.eventLoopUtilization()
  const start = performance.now()
  const session = await openSession({ url, dir, history: 'file', create: true })
  let result: MigrateResult
  try {
    result = await migrate(ledger.session(session))
  } finally {
    await session.close()
  }
  const ms = performance.now() - start
  const busyMs = performance.eventLoopUtilization(loop).active
  if (!result.ok) throw new Error(`up failed: ${result.error?.message ?? result.state}`)
  const applied = result.applied.filter((a) => a.status === 'applied')
  return {
    ms,
    applied: applied.length,
    setupMs: ms - applied.reduce((sum, a) => sum + a.ms, 0),
    verifyMs: applied.reduce((sum, a) => sum + a.verifyMs, 0),
    statements: ledger.totals(),
    verificationMs: ledger.verificationMs(),
    busyMs,
  }
}

/** `up` with nothing to do, on a session that stays open: round trips and time of each call. */
export interface NoopUp {
  readonly roundTrips: number
  readonly samples: ReadonlyArray<number>
}

/**
 * `up` on a database at head, called `runs` times on one open session after a first call (which
 * loads code and warms the driver): what an application that migrates at start pays each time.
 */
export async function noopUp(dir: string, url: string, runs: number): Promise<NoopUp> {
  const session = await openSession({ url, dir, history: 'file' })
  try {
    const once = async () => {
      const result = await migrate(session)
      if (!result.ok || result.applied.length > 0 || result.diagnosis !== undefined)
        throw new Error(`no-op up was not the healthy path: ${result.state} ${result.error?.message ?? ''}`)
    }
    await once()
    const samples: number[] = []
    let roundTrips = 0
    for (let i = 0; i < runs; i++) {
      const before = session.conn.roundTrips
      const start = performance.now()
      await once()
      samples.push(performance.now() - start)
      roundTrips = Math.max(roundTrips, session.conn.roundTrips - before)
    }
    return { roundTrips, samples }
  } finally {
    await session.close()
  }
}
