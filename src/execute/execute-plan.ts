import { isPlumblineError, PlumblineError } from '../errors/plumbline-error.js'
import { findById } from '../history/index-by-id.js'
import type { Plan, PlanStep } from '../plan/plan.js'
import { MIGRATIONS_TABLE, trackingTablesDdl } from '../tracking/tracking-tables.js'
import {
  appendEvent,
  deleteTrackingRow,
  ensureTrackingTables,
  placeholders,
  writeTrackingRow,
} from '../tracking/write-tracking.js'
import {
  type AppliedRevision,
  applyRevision,
  event,
  type HeldCommit,
  HeldCommitFailed,
  requireConditions,
  revertRevision,
  sendHeldCommit,
  trackingRow,
} from './apply-revision.js'
import { readCatalogFingerprint } from './catalog-fingerprint.js'
import type { ExecutionContext, StepStatus } from './execution-context.js'
import { checkDelta, isCleanDelta, verificationFailed } from './verify-revision.js'

/** How one step of a plan went. */
export interface StepOutcome {
  readonly step: PlanStep
  readonly status: StepStatus
  readonly ms: number
  readonly applied?: AppliedRevision
  readonly error?: PlumblineError
}

/** What running a plan did. Never thrown: errors are values at this boundary. */
export interface Outcome {
  readonly ok: boolean
  readonly steps: ReadonlyArray<StepOutcome>
  readonly error?: PlumblineError
}

/**
 * The one executor: runs a plan's steps in order on a connection that holds the migration lock,
 * stops at the first failure, and returns what happened. Every tracking edit writes an audit
 * event with the rows before and after.
 */
export async function executePlan(ctx: ExecutionContext, plan: Plan): Promise<Outcome> {
  const outcomes: StepOutcome[] = []
  const lastRevision = plan.steps.findLastIndex(appliesRevision)
  // A revision verified, its commit held for the next revision's batch (see `HeldCommit`).
  let held: { readonly commit: HeldCommit; readonly index: number; readonly step: PlanStep } | undefined
  const total = plan.steps.length
  // The held commit ran: its revision is applied.
  const landed = () => {
    if (held === undefined) return
    held.commit.settle(true)
    const { applied } = held.commit
    outcomes.push({ step: held.step, status: 'done', ms: applied.ms, applied })
    ctx.onProgress?.({ kind: 'step-end', index: held.index, total, status: 'done', ms: applied.ms })
    held = undefined
  }
  const heldFailed = (failure: HeldCommitFailed): Outcome => {
    const e = asPlumblineError(failure.error)
    const { index, step, commit } = held!
    held = undefined
    outcomes.push({ step, status: 'failed', ms: commit.applied.ms, error: e })
    ctx.onProgress?.({ kind: 'step-end', index, total, status: 'failed', ms: commit.applied.ms })
    return { ok: false, steps: outcomes, error: e }
  }
  /** Sends a held commit by itself: before a step that does not take it, or a stop. */
  const flush = async (): Promise<Outcome | undefined> => {
    if (held === undefined) return undefined
    try {
      await sendHeldCommit(ctx.conn, held.commit)
    } catch (error) {
      if (error instanceof HeldCommitFailed) return heldFailed(error)
      throw error
    }
    landed()
    return undefined
  }
  for (const [index, step] of plan.steps.entries()) {
    if (ctx.signal?.aborted) {
      const failed = await flush()
      if (failed) return failed
      return { ok: false, steps: outcomes, error: await interrupted(ctx, plan, outcomes) }
    }
    if (!appliesRevision(step)) {
      const failed = await flush()
      if (failed) return failed
    }
    ctx.onProgress?.({
      kind: 'step-start',
      index,
      total,
      action: step.action,
      ...('revision' in step ? { revision: step.revision } : {}),
    })
    const clock = performance.now()
    const carried = held === undefined ? undefined : { commit: held.commit, landed }
    let holding: HeldCommit | undefined
    try {
      const applied = await runStep(ctx, step, index >= lastRevision, {
        ...(carried ? { carried } : {}),
        // Another revision of the plan follows: this one's commit may travel with it.
        ...(index < lastRevision
          ? {
              hold: (commit: HeldCommit) => {
                holding = commit
              },
            }
          : {}),
      })
      // Not taken (a step that ran no revision): sent by itself.
      if (held !== undefined) {
        const failed = await flush()
        if (failed) return failed
      }
      if (holding !== undefined) {
        held = { commit: holding, index, step }
        continue
      }
      const status: StepStatus = applied?.status === 'skipped' ? 'skipped' : 'done'
      const ms = performance.now() - clock
      outcomes.push({ step, status, ms, ...(applied ? { applied } : {}) })
      ctx.onProgress?.({ kind: 'step-end', index, total, status, ms })
    } catch (error) {
      // The previous revision's commit failed at the head of this step's batch: nothing of this
      // step ran, and the plan stops at that revision.
      if (error instanceof HeldCommitFailed) return heldFailed(error)
      // The step failed before it sent anything: the previous revision's commit goes by itself.
      const failed = await flush()
      if (failed) return failed
      const e = asPlumblineError(error)
      // Stopped while waiting to begin the step's transaction (SQLite's write lock): nothing of
      // the step ran, and the plan stops there as between two steps.
      if (e.code === 'INTERRUPTED' && e.details?.writeLockWait === true)
        return { ok: false, steps: outcomes, error: await interrupted(ctx, plan, outcomes) }
      const ms = performance.now() - clock
      outcomes.push({ step, status: 'failed', ms, error: e })
      ctx.onProgress?.({ kind: 'step-end', index, total, status: 'failed', ms })
      return { ok: false, steps: outcomes, error: e }
    }
  }
  const failed = await flush()
  if (failed) return failed
  return { ok: true, steps: outcomes }
}

function asPlumblineError(error: unknown): PlumblineError {
  return isPlumblineError(error)
    ? error
    : new PlumblineError({
        code: 'INTERNAL',
        message: error instanceof Error ? error.message : String(error),
        cause: error,
      })
}

/**
 * A plan stopped on request before step `done.length`. When a step ran, an `interrupted` event
 * records where it stopped; written as the server commits by default, it also makes every
 * earlier commit of the run durable (see `applyRevision`'s `durable`), as the last revision's
 * commit would have.
 */
async function interrupted(
  ctx: ExecutionContext,
  plan: Plan,
  done: ReadonlyArray<StepOutcome>,
): Promise<PlumblineError> {
  const rest = plan.steps.slice(done.length)
  const remaining = rest.flatMap((s) => ('revision' in s ? [s.revision] : []))
  const last = done.findLast((o) => 'revision' in o.step)?.step
  if (done.length > 0) {
    await appendEvent(
      ctx.conn,
      event(ctx, 'interrupted', last !== undefined && 'revision' in last ? last.revision : null, {
        stepsDone: done.length,
        stepsTotal: plan.steps.length,
        remaining,
      }),
    )
  }
  return new PlumblineError({
    code: 'INTERRUPTED',
    message:
      done.length === 0
        ? `stopped on request before step 1 of ${plan.steps.length}`
        : `stopped on request after ${done.length} of ${plan.steps.length} steps`,
    hint: `every step that finished is recorded${remaining.length > 0 ? ` (not run: ${remaining.join(', ')})` : ''}; run the command again to go on, or \`plumbline status\` to see where it stopped`,
    details: { stepsDone: done.length, stepsTotal: plan.steps.length, remaining },
  })
}

/** Steps that run a revision's statements in a transaction of their own. */
function appliesRevision(step: PlanStep): boolean {
  return ['apply_migration', 'rerun_revision', 'resume_migration'].includes(step.action)
}

/** `last`: no later step of the plan runs a revision (see `applyRevision`'s `durable`). */
async function runStep(
  ctx: ExecutionContext,
  step: PlanStep,
  last: boolean,
  commits: Pick<Parameters<typeof applyRevision>[4] & object, 'carried' | 'hold'>,
): Promise<AppliedRevision | undefined> {
  const migration = (id: string) => {
    const m = findById(ctx.migrations, id)
    if (!m)
      throw new PlumblineError({
        code: 'INTERNAL',
        message: `plan names ${id}, which is not a migration here`,
      })
    return m
  }
  switch (step.action) {
    case 'create_tracking_tables':
      await ensureTrackingTables(ctx.conn)
      return undefined
    case 'apply_migration':
      return applyRevision(ctx, migration(step.revision), 'apply', 0, {
        durable: last,
        outOfOrder: step.outOfOrder === true,
        ...commits,
      })
    case 'rerun_revision':
      return applyRevision(ctx, migration(step.revision), 'rerun', 0, { durable: last, ...commits })
    case 'resume_migration':
      return applyRevision(ctx, migration(step.revision), 'resume', step.fromStatement, {
        durable: last,
        ...commits,
      })
    case 'revert_migration':
      return revertRevision(ctx, migration(step.revision))
    case 'record_applied':
      await inTransaction(ctx, async () => {
        const catalog = await readCatalogFingerprint(ctx.conn, ctx.dialect)
        const before = await rawRows(ctx)
        // A stopped attempt is recorded applied only if the checks it requires after it hold now.
        for (const id of step.revisions) {
          const attempt = before.find((r) => r.revision === id)
          if (attempt && ['partial', 'running', 'failed'].includes(String(attempt.status))) {
            await requireConditions(ctx, migration(id), 'after', ctx.dialect.capabilities.transactionalDdl)
          }
        }
        for (const id of step.revisions) {
          const m = migration(id)
          const revision = findById(ctx.history.revisions, id)!
          const last = id === step.revisions.at(-1)
          await writeTrackingRow(
            ctx.conn,
            trackingRow(ctx, m, ctx.now(), {
              status: 'applied',
              durationMs: 0,
              statementsDone: 0,
              statementsTotal: 0,
              schemaFingerprint: revision.fingerprint,
              catalogFingerprint: last ? catalog : null,
            }),
          )
        }
        await appendEvent(
          ctx.conn,
          event(ctx, 'baseline', step.revisions.at(-1) ?? null, {
            reason: step.reason,
            revisions: step.revisions,
            before,
            after: await rawRows(ctx),
          }),
        )
      })
      return undefined
    case 'rewrite_tracking':
      await inTransaction(ctx, async () => {
        const before = await rawRows(ctx)
        let setAside: string | null = null
        if (step.rebuildTable) {
          setAside = `${MIGRATIONS_TABLE}_damaged_${ctx.now().toISOString().replace(/\D/g, '').slice(0, 14)}`
          await ctx.conn.query(`ALTER TABLE ${MIGRATIONS_TABLE} RENAME TO ${setAside}`)
          for (const ddl of trackingTablesDdl(ctx.dialect.name)) await ctx.conn.query(ddl)
        } else {
          await ctx.conn.query(`DELETE FROM ${MIGRATIONS_TABLE}`)
        }
        const catalog = await readCatalogFingerprint(ctx.conn, ctx.dialect)
        for (const id of step.revisions) {
          const revision = findById(ctx.history.revisions, id)!
          await writeTrackingRow(
            ctx.conn,
            trackingRow(ctx, migration(id), ctx.now(), {
              status: 'applied',
              durationMs: 0,
              statementsDone: 0,
              statementsTotal: 0,
              schemaFingerprint: revision.fingerprint,
              catalogFingerprint: id === step.revisions.at(-1) ? catalog : null,
            }),
          )
        }
        await appendEvent(
          ctx.conn,
          event(ctx, 'repair', step.revisions.at(-1) ?? null, {
            reason: step.reason,
            ...(setAside ? { damagedTableKeptAs: setAside } : {}),
            before,
            after: await rawRows(ctx),
          }),
        )
      })
      return undefined
    case 'update_checksum':
      await inTransaction(ctx, async () => {
        const m = migration(step.revision)
        const before = await rawRows(ctx, step.revision)
        const d = ctx.dialect.name
        await ctx.conn.query(
          `UPDATE ${MIGRATIONS_TABLE} SET checksum = ${placeholders(d, 1)}, normalized_checksum = ${placeholders(d, 1, 2)} WHERE revision = ${placeholders(d, 1, 3)}`,
          [m.checksum, m.normalizedChecksum, m.id],
        )
        await appendEvent(
          ctx.conn,
          event(ctx, 'repair', m.id, {
            reason: 'whitespace/comment-only edit accepted',
            before,
            after: await rawRows(ctx, m.id),
          }),
        )
      })
      return undefined
    case 'clear_failed_attempt':
      await inTransaction(ctx, async () => {
        const before = await rawRows(ctx, step.revision)
        await deleteTrackingRow(ctx.conn, step.revision)
        await appendEvent(
          ctx.conn,
          event(ctx, 'clear_failed', step.revision, { reason: step.description, before, after: [] }),
        )
      })
      return undefined
    case 'create_missing_objects':
      await inTransaction(ctx, async () => {
        for (const sql of step.sql) await ctx.conn.execute(sql)
        const mismatch = await checkDelta(ctx.conn, ctx.dialect, {
          created: step.objects,
          dropped: [],
          changed: [],
        })
        if (!isCleanDelta(mismatch))
          throw verificationFailed(
            `${step.revision} (completion)`,
            mismatch,
            ctx.dialect.capabilities.transactionalDdl,
          )
        await appendEvent(
          ctx.conn,
          event(ctx, 'recover', step.revision, {
            reason: step.description,
            created: step.objects.map((o) => ({
              kind: o.kind,
              name: o.name,
              table: o.table,
              definition: o.definition,
            })),
            sql: step.sql,
          }),
        )
      })
      return undefined
  }
}

async function inTransaction(ctx: ExecutionContext, fn: () => Promise<void>): Promise<void> {
  if (ctx.dialect.capabilities.transactionalDdl) await ctx.conn.transaction(fn)
  else await fn()
}

/** The tracking rows as stored (all columns as text), for the audit log's before/after. */
async function rawRows(ctx: ExecutionContext, revision?: string): Promise<Array<Record<string, unknown>>> {
  const where = revision === undefined ? '' : ` WHERE revision = ${placeholders(ctx.dialect.name, 1)}`
  const rows = await ctx.conn.query(
    `SELECT * FROM ${MIGRATIONS_TABLE}${where}`,
    revision === undefined ? [] : [revision],
  )
  return rows.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])),
  )
}
