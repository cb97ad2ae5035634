import { diagnose } from '../../src/api/operations.js'
import { parseConnectionUrl } from '../../src/config/connection-url.js'
import { open } from '../../src/dialects/registry.js'
import { diagnoseSession } from '../../src/engine/diagnose.js'
import { openSession } from '../../src/engine/session.js'
import { EVENTS_TABLE, MIGRATIONS_TABLE } from '../../src/tracking/tracking-tables.js'
import { type ClassTotal, type StatementClass, StatementLedger } from '../apply/statement-ledger.js'

/** Drops the tracking tables of the database at `url`: it keeps the schema and no record of it. */
export async function dropTracking(url: string): Promise<void> {
  const { conn } = await open(parseConnectionUrl(url))
  try {
    for (const table of [MIGRATIONS_TABLE, EVENTS_TABLE]) await conn.execute(`DROP TABLE ${table}`)
  } finally {
    await conn.close()
  }
}

/** What a diagnosis of an untracked database found. */
export interface UntrackedFinding {
  readonly state: string
  readonly strategy: string
  readonly inferred: string | null
  readonly exact: boolean
}

/** `diagnose()` as the API runs it: open, read folder and history file, observe, analyze, plan. */
export async function diagnoseOnce(url: string, dir: string): Promise<UntrackedFinding> {
  const { diagnosis } = await diagnose({ url, dir, history: 'file' })
  return {
    state: diagnosis.state,
    strategy: diagnosis.strategy,
    inferred: diagnosis.inferred?.revision ?? null,
    exact: diagnosis.inferred?.exact ?? false,
  }
}

/** Where one diagnosis spends its time, in the order it happens. */
export interface DiagnosePhases {
  readonly openMs: number
  readonly historyMs: number
  /** Observing (introspection, tracking, lock), analyzing and planning. */
  readonly diagnoseMs: number
  readonly statements: ReadonlyArray<readonly [StatementClass, ClassTotal]>
}

/** One diagnosis, its phases timed apart (the same calls `diagnose()` makes). */
export async function diagnosePhases(url: string, dir: string): Promise<DiagnosePhases> {
  const start = performance.now()
  const session = await openSession({ url, dir, history: 'file', allowEmpty: true })
  try {
    const opened = performance.now()
    await session.project()
    const loaded = performance.now()
    const ledger = new StatementLedger()
    await diagnoseSession(ledger.session(session))
    return {
      openMs: opened - start,
      historyMs: loaded - opened,
      diagnoseMs: performance.now() - loaded,
      statements: ledger.totals(),
    }
  } finally {
    await session.close()
  }
}
