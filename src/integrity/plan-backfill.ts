import type { Connection, Dialect } from '../dialects/dialect.js'
import { boundBeforeFirst, keyKind, nextBatch, rowsAfter } from './backfill-keys.js'
import type { ResolvedBackfill } from './backfill-spec.js'
import { decideStart, type StartChoice } from './backfill-start.js'
import { backfillTableExists, type Checkpoint, readCheckpoint } from './backfill-table.js'
import { type BoundStatement, bindBounds } from './bind-bounds.js'
import { splitTableName, tableFacts } from './table-facts.js'

/** What a backfill would do, found by reading only. */
export interface BackfillPlan {
  readonly name: string
  readonly table: string
  readonly key: string
  readonly batchSize: number
  /** `resume` when an unfinished run would be continued. */
  readonly mode: 'fresh' | 'resume'
  /** The checkpoint a previous run left, if any. */
  readonly previous: Checkpoint | null
  /** Rows of the batched table left to do, and the batches they make (exact for a unique key). */
  readonly rows: number
  readonly batches: number
  /** The first batch: its bounds, its rows, and each statement as written and as it would be sent. */
  readonly firstBatch: {
    readonly from: unknown
    readonly to: unknown
    readonly rows: number
    readonly statements: ReadonlyArray<{ readonly text: string } & BoundStatement>
  } | null
}

/**
 * Plans a backfill without writing anything: no checkpoint table, no checkpoint row, no data.
 * It decides where the run would start exactly as the run does (so an unfinished run or a
 * changed spec fails the same way), counts what is left and binds the first batch.
 */
export async function planBackfill(
  conn: Connection,
  dialect: Dialect,
  backfill: ResolvedBackfill,
  options: StartChoice & { readonly batchSize?: number } = {},
): Promise<BackfillPlan> {
  const facts = tableFacts(
    await dialect.introspect(conn, { only: [splitTableName(backfill.table)] }),
    [backfill.table],
    conn.dialect,
  )
  const kind = keyKind(backfill, facts.get(backfill.table))
  const previous = (await backfillTableExists(conn)) ? await readCheckpoint(conn, backfill.name) : null
  const decision = decideStart(backfill, previous, options)
  const batchSize = options.batchSize ?? backfill.batchSize
  const from =
    decision.mode === 'resume' && decision.previous.cursor !== null
      ? decision.previous.cursor
      : await boundBeforeFirst(conn, backfill, kind)
  const rows = from === null ? 0 : await rowsAfter(conn, backfill, from)
  const first = from === null ? null : await nextBatch(conn, backfill, from, batchSize)
  return Object.freeze({
    name: backfill.name,
    table: backfill.table,
    key: backfill.key,
    batchSize,
    mode: decision.mode,
    previous,
    rows,
    batches: Math.ceil(rows / batchSize),
    firstBatch:
      first === null
        ? null
        : Object.freeze({
            from: first.from,
            to: first.to,
            rows: first.rows,
            statements: Object.freeze(
              backfill.statements.map((text) =>
                Object.freeze({ text, ...bindBounds(text, conn.dialect, first.from, first.to) }),
              ),
            ),
          }),
  })
}
