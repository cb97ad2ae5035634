import type { Connection } from '../dialects/dialect.js'
import { isPlumblineError, PlumblineError } from '../errors/plumbline-error.js'
import { type BatchBounds, nextBatch } from './backfill-keys.js'
import type { ResolvedBackfill } from './backfill-spec.js'
import { type Checkpoint, readCheckpoint, updateCheckpoint } from './backfill-table.js'
import { bindBounds } from './bind-bounds.js'

/** Where the run stands when a batch starts. */
export interface BatchState {
  readonly from: unknown
  readonly batchSize: number
  readonly rowsDone: number
  readonly batchesDone: number
  readonly at: string
}

/**
 * One batch in one transaction: lock the checkpoint and check nobody else moved it, find the
 * range, run the statements, move the checkpoint. `null` when no row is left.
 */
export async function runBatch(
  conn: Connection,
  backfill: ResolvedBackfill,
  state: BatchState,
): Promise<BatchBounds | null> {
  // Written inside the transaction, read after it failed: which batch and statement it was.
  const current: { bounds: BatchBounds | null; statement?: string } = { bounds: null }
  try {
    return await conn.transaction(async () => {
      const checkpoint = await readCheckpoint(conn, backfill.name, true)
      if (
        checkpoint === null ||
        checkpoint.batchesDone !== state.batchesDone ||
        checkpoint.specHash !== backfill.specHash
      ) {
        throw conflict(backfill, checkpoint, state.batchesDone)
      }
      const bounds = await nextBatch(conn, backfill, state.from, state.batchSize)
      current.bounds = bounds
      if (bounds === null) return null
      for (const sql of backfill.statements) {
        current.statement = sql
        const bound = bindBounds(sql, conn.dialect, bounds.from, bounds.to)
        await conn.query(bound.sql, bound.params)
      }
      current.statement = undefined
      await updateCheckpoint(conn, backfill.name, {
        status: 'running',
        at: state.at,
        cursor: bounds.to,
        rowsDone: state.rowsDone + bounds.rows,
        batchesDone: state.batchesDone + 1,
      })
      return bounds
    })
  } catch (error) {
    if (isPlumblineError(error) && error.code === 'BACKFILL_CONFLICT') throw error
    throw await recordFailure(conn, backfill, state, current.bounds, current.statement, error)
  }
}

/** Marks the checkpoint `failed` (after the batch rolled back) and builds the error to throw. */
async function recordFailure(
  conn: Connection,
  backfill: ResolvedBackfill,
  state: BatchState,
  bounds: BatchBounds | null,
  statement: string | undefined,
  error: unknown,
): Promise<PlumblineError> {
  const message = error instanceof Error ? error.message : String(error)
  await updateCheckpoint(conn, backfill.name, { status: 'failed', at: state.at, lastError: message }).catch(
    () => {},
  )
  const range = bounds === null ? '' : ` (key > ${String(bounds.from)} and ≤ ${String(bounds.to)})`
  return new PlumblineError({
    code: 'BACKFILL_FAILED',
    message: `backfill ${backfill.name}: batch ${state.batchesDone + 1}${range} failed and was rolled back: ${message}`,
    hint: `${state.batchesDone} earlier batches stay committed; fix the cause, then run again with --resume`,
    details: {
      batch: state.batchesDone + 1,
      ...(bounds === null ? {} : { from: bounds.from, to: bounds.to }),
      ...(statement === undefined ? {} : { statement }),
      ...(isPlumblineError(error) && error.details ? { server: error.details } : {}),
    },
    cause: error,
  })
}

function conflict(backfill: ResolvedBackfill, found: Checkpoint | null, expected: number): PlumblineError {
  return new PlumblineError({
    code: 'BACKFILL_CONFLICT',
    message:
      found === null
        ? `backfill ${backfill.name}: its checkpoint row disappeared while it ran`
        : `backfill ${backfill.name}: another run moved its checkpoint (expected ${expected} batches done, found ${found.batchesDone})`,
    hint: 'two runs of one backfill were at work; let the other finish, then run again with --resume',
  })
}
