/**
 * One entry of the config's `backfills` (contract §9): a repair run in key-range batches of
 * `table`, one transaction per batch.
 *
 * @example
 * const backfill: BackfillConfig = {
 *   table: 'daily_stats', key: 'id', batchSize: 1000,
 *   run: 'INSERT INTO points_log (…) SELECT … FROM daily_stats d WHERE d.id > :from AND d.id <= :to AND NOT EXISTS (…)',
 *   verify: ['points-log-matches-daily-stats'],
 * }
 */
export interface BackfillConfig {
  /** The table whose key ranges make the batches. */
  readonly table: string
  /** An indexed integer or text column of `table`, ideally its primary key. */
  readonly key: string
  /** Rows of `table` per batch; default {@link DEFAULT_BATCH_SIZE}. `--batch-size` overrides it. */
  readonly batchSize?: number
  /**
   * The statement (or statements, run in order) of one batch. `:from` and `:to` are the batch's
   * bounds, exclusive and inclusive: write `key > :from AND key <= :to`, on every table the
   * statement reads by that key. Make it idempotent: `--restart`, or a run after a finished one,
   * goes over every range again.
   */
  readonly run: string | ReadonlyArray<string>
  /** Checks run when the last batch is done; they decide the exit code. */
  readonly verify?: ReadonlyArray<string>
  /** A pause between batches, to leave room for the application's writes; default 0. */
  readonly pauseMs?: number
  /** Shown in human output. */
  readonly description?: string
}

/** The config's `backfills`: backfills by name. */
export type BackfillsConfig = Readonly<Record<string, BackfillConfig>>

/** The batch size when neither the config nor `--batch-size` gives one. */
export const DEFAULT_BATCH_SIZE = 1000
/** The largest batch accepted: one batch is one transaction, and it must stay short. */
export const MAX_BATCH_SIZE = 1_000_000

/** A validated backfill. */
export interface ResolvedBackfill {
  readonly name: string
  readonly table: string
  readonly key: string
  readonly batchSize: number
  readonly statements: ReadonlyArray<string>
  readonly verify: ReadonlyArray<string>
  readonly pauseMs: number
  readonly description?: string
  /**
   * sha256 of what decides the rows a batch writes (table, key, statements). A checkpoint is
   * resumed only under the same hash; batch size, pause and verify may change between runs.
   */
  readonly specHash: string
}
