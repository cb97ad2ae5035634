import { PlumblineError } from '../errors/plumbline-error.js'
import type { ResolvedBackfill } from './backfill-spec.js'
import type { Checkpoint } from './backfill-table.js'

/** What the user asked about a previous run: nothing, continue it, or start over. */
export interface StartChoice {
  readonly resume?: boolean
  readonly restart?: boolean
}

/** Where a run starts: from the first row, or after the last batch a previous run committed. */
export type StartDecision =
  | { readonly mode: 'fresh'; readonly previous: Checkpoint | null }
  | { readonly mode: 'resume'; readonly previous: Checkpoint }

/**
 * Decides where a run starts, the same way for a real run and a dry run:
 *
 * - no checkpoint, or a finished one: from the first row (`--resume` then has nothing to
 *   continue, and is no error: scripts may always pass it);
 * - an unfinished one (`running` — also what a killed run leaves —, `interrupted`, `failed`):
 *   `--resume` continues it when its spec hash matches (else `BACKFILL_SPEC_CHANGED`),
 *   `--restart` starts over, and neither is `BACKFILL_UNFINISHED`: plumbline does not guess.
 */
export function decideStart(
  backfill: ResolvedBackfill,
  previous: Checkpoint | null,
  choice: StartChoice,
): StartDecision {
  if (choice.resume && choice.restart) {
    throw new PlumblineError({
      code: 'USAGE',
      message: '--resume and --restart contradict each other',
      hint: '--resume continues the previous run; --restart starts again from the first row',
    })
  }
  if (previous === null || previous.status === 'done' || choice.restart) return { mode: 'fresh', previous }
  const where = describeCheckpoint(previous)
  if (!choice.resume) {
    throw new PlumblineError({
      code: 'BACKFILL_UNFINISHED',
      message: `backfill ${backfill.name} did not finish: ${where}`,
      hint: '--resume continues after the last committed batch; --restart starts again from the first row',
      details: { checkpoint: previous },
    })
  }
  if (previous.specHash !== backfill.specHash) {
    throw new PlumblineError({
      code: 'BACKFILL_SPEC_CHANGED',
      message: `backfill ${backfill.name} changed since its checkpoint was written (${where}): its table, key or statements differ`,
      hint: 'restore the definition it ran with and --resume, or --restart to run the new one from the first row',
      details: { checkpointHash: previous.specHash, specHash: backfill.specHash },
    })
  }
  return { mode: 'resume', previous }
}

/** `interrupted after 3 batches (120 rows, key 120) at 2025-07-11T10:00:00.000Z`. */
export function describeCheckpoint(c: Checkpoint): string {
  const state = c.status === 'running' ? 'still marked running (killed, or running elsewhere)' : c.status
  const key = c.cursor === null ? '' : `, key ${String(c.cursor)}`
  const error = c.lastError === null ? '' : `; last error: ${c.lastError}`
  return `${state} after ${c.batchesDone} batches (${c.rowsDone} rows${key}) at ${c.updatedAt}${error}`
}
