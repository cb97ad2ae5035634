import type { Connection, Dialect } from '../dialects/dialect.js'
import { boundBeforeFirst, keyKind, rowsAfter } from './backfill-keys.js'
import type { ResolvedBackfill } from './backfill-spec.js'
import { decideStart, type StartChoice } from './backfill-start.js'
import {
  backfillTableExists,
  ensureBackfillTable,
  readCheckpoint,
  startCheckpoint,
  updateCheckpoint,
} from './backfill-table.js'
import type { CheckReport } from './check-result.js'
import type { ResolvedCheck } from './check-spec.js'
import { runBatch } from './run-batch.js'
import { runChecks } from './run-checks.js'
import { splitTableName, tableFacts } from './table-facts.js'

/** After each committed batch: where the run stands. */
export interface BatchProgress {
  readonly batch: number
  readonly from: unknown
  readonly to: unknown
  readonly rows: number
  readonly ms: number
  readonly rowsDone: number
  readonly rowsTotal: number
  /** Smoothed over recent batches (EMA), so one slow batch does not swing the ETA. */
  readonly rowsPerSecond: number
  readonly etaMs: number
}

/** When the run is about to start its first batch. */
export interface BackfillStart {
  readonly resumed: boolean
  readonly rowsDone: number
  readonly rowsTotal: number
  readonly batchSize: number
  readonly cursor: unknown
}

/** How to run a backfill. */
export interface RunBackfillOptions extends StartChoice {
  /** Overrides the backfill's `batchSize`. */
  readonly batchSize?: number
  /** Aborting finishes the batch under way, records `interrupted`, and resolves (resumable). */
  readonly signal?: AbortSignal
  readonly onStart?: (start: BackfillStart) => void
  /** Called after each batch commits; the next batch waits for it. */
  readonly onBatch?: (progress: BatchProgress) => void | Promise<void>
  /** The configured checks, to run the backfill's `verify` checks at the end. */
  readonly checks?: ReadonlyMap<string, ResolvedCheck>
  /** The clock; tests pass a fixed one. */
  readonly now?: () => Date
}

/** What a run did. `rowsDone` and `batchesDone` count every run of this backfill since its start. */
export interface BackfillResult {
  readonly name: string
  readonly status: 'done' | 'interrupted'
  readonly table: string
  readonly key: string
  readonly batchSize: number
  readonly resumed: boolean
  readonly rowsDone: number
  readonly batchesDone: number
  readonly rowsThisRun: number
  readonly batchesThisRun: number
  readonly rowsTotal: number
  readonly cursor: unknown
  readonly durationMs: number
  readonly rowsPerSecond: number
  readonly longestBatchMs: number
  /** The `verify` checks, run once the last batch is done. */
  readonly verify?: CheckReport
}

const EMA_ALPHA = 0.3

/**
 * Runs a backfill in key-range batches of its table, one transaction per batch that also moves
 * the checkpoint in `plumbline_backfills`, so a crash loses at most the batch under way and
 * `resume` continues after the last committed one.
 *
 * Throws `BACKFILL_UNFINISHED` / `BACKFILL_SPEC_CHANGED` (see {@link decideStart}),
 * `BACKFILL_FAILED` when a batch's statement fails (that batch rolled back, the checkpoint says
 * `failed`), `BACKFILL_CONFLICT` when another run moves the same checkpoint.
 *
 * @example
 * const controller = new AbortController()
 * process.once('SIGINT', () => controller.abort())
 * const result = await runBackfill(conn, dialect, backfills.get('points-log-from-daily-stats')!, {
 *   resume: true, signal: controller.signal, checks,
 * })
 */
export async function runBackfill(
  conn: Connection,
  dialect: Dialect,
  backfill: ResolvedBackfill,
  options: RunBackfillOptions = {},
): Promise<BackfillResult> {
  const now = options.now ?? (() => new Date())
  const started = performance.now()
  const facts = tableFacts(
    await dialect.introspect(conn, { only: [splitTableName(backfill.table)] }),
    [backfill.table],
    conn.dialect,
  )
  const kind = keyKind(backfill, facts.get(backfill.table))
  const previous = (await backfillTableExists(conn)) ? await readCheckpoint(conn, backfill.name) : null
  const decision = decideStart(backfill, previous, options)
  const batchSize = options.batchSize ?? backfill.batchSize
  await ensureBackfillTable(conn)

  let rowsDone = 0
  let batchesDone = 0
  let from: unknown
  if (decision.mode === 'resume') {
    rowsDone = decision.previous.rowsDone
    batchesDone = decision.previous.batchesDone
    from = decision.previous.cursor ?? (await boundBeforeFirst(conn, backfill, kind))
  } else {
    from = await boundBeforeFirst(conn, backfill, kind)
  }
  const rowsTotal = rowsDone + (from === null ? 0 : await rowsAfter(conn, backfill, from))
  const at = now().toISOString()
  if (decision.mode === 'resume') {
    await updateCheckpoint(conn, backfill.name, {
      status: 'running',
      at,
      batchSize,
      rowsTotal,
      lastError: null,
    })
  } else {
    await conn.transaction(() =>
      startCheckpoint(conn, {
        name: backfill.name,
        specHash: backfill.specHash,
        batchSize,
        rowsTotal,
        startedAt: at,
      }),
    )
  }
  options.onStart?.({ resumed: decision.mode === 'resume', rowsDone, rowsTotal, batchSize, cursor: from })

  let rowsThisRun = 0
  let batchesThisRun = 0
  let longestBatchMs = 0
  let ema = 0
  let interrupted = false
  while (from !== null) {
    if (options.signal?.aborted) {
      interrupted = true
      break
    }
    const batchStarted = performance.now()
    const batch = await runBatch(conn, backfill, {
      from,
      batchSize,
      rowsDone,
      batchesDone,
      at: now().toISOString(),
    })
    if (batch === null) break
    const ms = performance.now() - batchStarted
    from = batch.to
    rowsDone += batch.rows
    batchesDone++
    rowsThisRun += batch.rows
    batchesThisRun++
    longestBatchMs = Math.max(longestBatchMs, ms)
    const rate = batch.rows / Math.max(ms / 1000, 1e-6)
    ema = batchesThisRun === 1 ? rate : EMA_ALPHA * rate + (1 - EMA_ALPHA) * ema
    await options.onBatch?.({
      batch: batchesDone,
      from: batch.from,
      to: batch.to,
      rows: batch.rows,
      ms,
      rowsDone,
      rowsTotal: Math.max(rowsTotal, rowsDone),
      rowsPerSecond: ema,
      etaMs: ema > 0 ? (Math.max(rowsTotal - rowsDone, 0) / ema) * 1000 : 0,
    })
    if (backfill.pauseMs > 0 && !options.signal?.aborted) await pause(backfill.pauseMs, options.signal)
  }
  await updateCheckpoint(conn, backfill.name, {
    status: interrupted ? 'interrupted' : 'done',
    at: now().toISOString(),
  })
  const durationMs = performance.now() - started
  const verify =
    !interrupted && backfill.verify.length > 0 && options.checks !== undefined
      ? await runChecks(
          conn,
          dialect,
          backfill.verify
            .map((n) => options.checks?.get(n))
            .filter((c): c is ResolvedCheck => c !== undefined),
        )
      : undefined
  return Object.freeze({
    name: backfill.name,
    status: interrupted ? 'interrupted' : 'done',
    table: backfill.table,
    key: backfill.key,
    batchSize,
    resumed: decision.mode === 'resume',
    rowsDone,
    batchesDone,
    rowsThisRun,
    batchesThisRun,
    rowsTotal: Math.max(rowsTotal, rowsDone),
    cursor: from,
    durationMs,
    rowsPerSecond: rowsThisRun / Math.max(durationMs / 1000, 1e-6),
    longestBatchMs,
    ...(verify === undefined ? {} : { verify }),
  })
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}
