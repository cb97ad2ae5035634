import type { Connection, Row } from '../dialects/dialect.js'
import { isPlumblineError, PlumblineError } from '../errors/plumbline-error.js'
import { indexOfId } from '../history/index-by-id.js'
import type { RevisionDelta } from '../history/revision-delta.js'
import { resolveIntegrityConfig } from '../integrity/integrity-config.js'
import { type CheckPhase, conditionError, runChecksFor } from '../integrity/migration-conditions.js'
import type { Schema } from '../schema/model.js'
import type { Migration } from '../source/migration.js'
import type { TrackingRow } from '../tracking/tracking-model.js'
import { MIGRATIONS_TABLE } from '../tracking/tracking-tables.js'
import {
  type AuditEvent,
  appendEvent,
  insertTrackingRowWithEvent,
  placeholders,
  writeTrackingRow,
} from '../tracking/write-tracking.js'
import { actorName } from './actor.js'
import { readCatalogFingerprint } from './catalog-fingerprint.js'
import { changesDataOnly } from './data-statement.js'
import type { ExecutionContext } from './execution-context.js'
import { runMigration, runMigrationAfter } from './run-migration.js'
import { checkDelta, compareDelta, deltaRead, isCleanDelta, verificationFailed } from './verify-revision.js'

/** How a revision is run: first time, again after its effects vanished, or after a stop part-way. */
export type ApplyMode = 'apply' | 'rerun' | 'resume'

/** Result of applying one revision. */
export interface AppliedRevision {
  readonly revision: string
  /** `skipped`: another process applied it first (it was already recorded when this one got the lock). */
  readonly status: 'applied' | 'skipped'
  readonly ms: number
  readonly statements: number
  /**
   * Of `ms`, the time spent verifying and recording after the statements ran. Where the
   * verification read travels with the statements (PostgreSQL, see `Dialect.batchedRead`), its
   * time is part of theirs and not counted here.
   */
  readonly verifyMs: number
}

const SKIPPED = Symbol('skipped')

/**
 * A revision verified in its open transaction whose tracking row, audit event and `COMMIT` have
 * not been sent: they go at the head of the next revision's batch, which saves a round trip per
 * revision of a run (PostgreSQL). Whether it committed is known once that batch comes back.
 */
export interface HeldCommit {
  readonly revision: string
  /** What applying it did, once its `COMMIT` ran. */
  readonly applied: AppliedRevision
  readonly statements: ReadonlyArray<string>
  /** Tells how the batch that carried the statements went: `true` once they all ran. */
  settle(ok: boolean): void
  /**
   * The revision's error, its `apply_failed` event recorded, for `error`: one of its statements
   * failed (nothing of it took effect), or the connection was lost before they were known to have
   * run (its COMMIT may have reached the server).
   */
  failed(error: unknown): Promise<unknown>
}

/** A held commit's revision failed: `error` is that revision's; the one that carried it never began. */
export class HeldCommitFailed extends Error {
  constructor(
    readonly revision: string,
    readonly error: unknown,
  ) {
    super(`the commit of ${revision} failed`)
  }
}

/**
 * Sends a held commit by itself: throws {@link HeldCommitFailed} where it failed, its
 * transaction rolled back (whoever takes it as landed settles it, see `executePlan`).
 */
export async function sendHeldCommit(conn: Connection, commit: HeldCommit): Promise<void> {
  try {
    await conn.executeBatch!(commit.statements)
  } catch (error) {
    await conn.execute('ROLLBACK').catch(() => {})
    commit.settle(false)
    throw new HeldCommitFailed(commit.revision, await commit.failed(error))
  }
}

/** How the statements of a held commit, sent at the head of a batch, went when the batch failed. */
function carriedFate(error: unknown, carried: number): 'landed' | 'failed' | 'unknown' {
  // A failure of a statement after them (their index, or none where the migration's statements
  // or the read after them failed) means they all ran.
  const at = isPlumblineError(error) ? error.details?.batchIndex : undefined
  if (typeof at !== 'number' || at >= carried) return 'landed'
  // A lost connection counts only the statements it heard complete: COMMIT may have run.
  return isConnectionLost(error) ? 'unknown' : 'failed'
}

/**
 * Runs one revision and writes its tracking row only once the database shows its effect.
 *
 * In a transaction (transactional DDL, no `no-transaction` directive): run → read back only what
 * the delta touches → compare → tracking row → commit; any mismatch rolls everything back and the
 * revision is simply pending again. Without one: a `running` row first, the statement count after
 * each statement (the journal), then `applied` — or an honest `partial`/`failed` row with the error.
 *
 * `durable: false` tells it that another revision of the same run follows; where the dialect can,
 * its commit then does not wait for the disk (see `Dialect.revisionPrologue`).
 */
export async function applyRevision(
  ctx: ExecutionContext,
  migration: Migration,
  mode: ApplyMode,
  fromStatement = 0,
  {
    durable = true,
    outOfOrder = false,
    carried,
    hold,
  }: {
    readonly durable?: boolean
    readonly outOfOrder?: boolean
    /**
     * The previous revision's held commit: sent at the head of this revision's batch, or alone
     * first where this one is not run that way; `landed` is called once it ran (and settles it).
     * Where it failed, this throws {@link HeldCommitFailed} and nothing of this revision ran.
     */
    readonly carried?: { readonly commit: HeldCommit; readonly landed: () => void }
    /**
     * Takes this revision's commit where it can be held (see {@link HeldCommit}); the revision is
     * then verified but not committed when this returns.
     */
    readonly hold?: (commit: HeldCommit) => void
  } = {},
): Promise<AppliedRevision> {
  const { conn, dialect } = ctx
  const at = indexOfId(ctx.history.revisions, migration.id)
  const revision = ctx.history.revisions[at]!
  const started = ctx.now()
  const clock = performance.now()
  let verifyMs = 0
  let statements = 0
  const total = migration.kind === 'sql' ? migration.up.statements.length : 0
  const onStatement = async (done: number) => {
    statements = done
    ctx.onProgress?.({ kind: 'statement', revision: migration.id, done, total })
  }
  // Whether the revision has a tracking row to replace (known under the lock, in the transaction).
  let rowExists = true
  // Verifies the revision (against `live` when its read came back with the statements), then
  // builds its tracking row and audit event.
  const verified = async (live?: Schema): Promise<{ row: TrackingRow; applied: AuditEvent }> => {
    const mismatch =
      live === undefined
        ? await checkDelta(conn, dialect, revision.delta, { inTransaction: transactional })
        : compareDelta(revision.delta, live)
    if (!isCleanDelta(mismatch)) throw verificationFailed(migration.id, mismatch, transactional)
    await requireConditions(ctx, migration, 'after', transactional)
    // Only the head revision's row is ever compared with the live catalog (the healthy path):
    // reading the whole catalog after every revision of a long run cost more than verifying it.
    const catalog =
      migration.id === ctx.migrations.at(-1)?.id ? await readCatalogFingerprint(conn, dialect) : null
    const row = trackingRow(ctx, migration, started, {
      status: 'applied',
      durationMs: Math.round(performance.now() - clock),
      statementsTotal: Math.max(total, statements),
      statementsDone: Math.max(total, statements),
      schemaFingerprint: revision.fingerprint,
      catalogFingerprint: catalog,
    })
    const applied = event(ctx, mode === 'apply' ? 'apply' : mode, migration.id, {
      statements,
      row,
      ...(outOfOrder ? { outOfOrder: true } : {}),
    })
    return { row, applied }
  }
  const finish = async (live?: Schema): Promise<void> => {
    const v = performance.now()
    const { row, applied } = await verified(live)
    if (rowExists) {
      await writeTrackingRow(conn, row)
      await appendEvent(conn, applied)
    } else await insertTrackingRowWithEvent(conn, row, applied)
    verifyMs = performance.now() - v
  }

  const transactional = migration.transaction && dialect.capabilities.transactionalDdl
  // Another process applied it while this one waited: nothing of it ran here.
  const skipped: AppliedRevision = {
    revision: migration.id,
    status: 'skipped',
    ms: 0,
    statements: 0,
    verifyMs: 0,
  }
  // Whether the revision's COMMIT was sent: until then a lost connection took everything with it.
  let commitSent = false
  // Whether the previous revision's held commit is known to have run.
  let carriedLanded = false
  const landCarried = () => {
    if (carried === undefined || carriedLanded) return
    carriedLanded = true
    carried.landed()
  }
  const result = (): AppliedRevision => ({
    revision: migration.id,
    status: 'applied',
    ms: performance.now() - clock,
    statements: Math.max(total, statements),
    verifyMs,
  })
  // A transaction that failed left nothing behind: the attempt is an audit event, and the error goes on.
  const rolledBack = async (error: unknown): Promise<never> => {
    await appendEvent(
      conn,
      event(ctx, 'apply_failed', migration.id, { error: describe(error), rolledBack: true }),
    ).catch(() => {})
    if (isConnectionLost(error) && commitSent) {
      // The connection went once COMMIT was on its way: it may have reached the server. One
      // transaction: its effect and its row, or neither. (Before it, the server rolled back.)
      throw withOutcome(migration, error, {
        done: null,
        rolledBack: null,
        hint: 'it took effect together with its tracking row, or not at all (they share one transaction): run `plumbline status` once the server answers, and `plumbline up` if it is still pending',
      })
    }
    throw withOutcome(migration, error, {
      done: 0,
      rolledBack: true,
      hint: isConnectionLost(error)
        ? 'nothing of it took effect (a server rolls back the open transaction of a connection it loses), and it is simply pending: run `plumbline up` again once the server answers'
        : `nothing of it took effect (its transaction was rolled back), and it is simply pending: fix ${migration.path} and run \`plumbline up\` again`,
    })
  }
  const prologue =
    transactional &&
    mode === 'apply' &&
    fromStatement === 0 &&
    migration.kind === 'sql' &&
    migration.checks.before.length === 0 &&
    conn.executeBatch !== undefined
      ? dialect.revisionPrologue?.(conn, migration.id, { durable })
      : undefined
  // The previous revision's held commit goes alone first where this one does not run in a batch.
  if (carried !== undefined && (prologue === undefined || migration.kind !== 'sql')) {
    await sendHeldCommit(conn, carried.commit)
    landCarried()
  }
  if (prologue !== undefined && migration.kind === 'sql') {
    // One round trip opens the transaction, reads the revision's row, stops if another process
    // applied it meanwhile, runs the statements and — where the dialect can send it so — reads
    // back what they should have done; then the row (with its audit event) and COMMIT in one more,
    // or, held, at the head of the next revision's.
    const carry = carried?.commit.statements ?? []
    const opening = [...carry, ...prologue.statements]
    const read = deltaRead(revision.delta, true)
    const batched =
      read === undefined
        ? undefined
        : dialect.batchedRead?.(conn, read, [...opening, ...migration.up.statements.map((s) => s.sql)])
    let opened: { readonly prefix: Row[][]; readonly suffix: Row[][] } | undefined
    try {
      opened = await runMigrationAfter(conn, migration, opening, batched)
      landCarried()
      rowExists = opened.prefix[carry.length + prologue.statusIndex]?.[0] !== undefined
      for (let done = 1; done <= total; done++) await onStatement(done)
      const live = batched?.read(opened.suffix)
      if (rowExists) {
        await finish(live)
        commitSent = true
        await conn.execute('COMMIT')
      } else {
        const v = performance.now()
        const { row, applied } = await verified(live)
        if (hold !== undefined) {
          const closing = prologue.closing(row, applied)
          verifyMs = performance.now() - v
          hold({
            revision: migration.id,
            applied: result(),
            statements: closing.statements,
            settle: closing.settle,
            failed: async (error) => {
              commitSent = true
              return rolledBack(closingFailed(migration, error, closing.statements)).catch((e: unknown) => e)
            },
          })
          return result()
        }
        const closing = prologue.closing(row, applied)
        commitSent = true
        try {
          await conn.executeBatch!(closing.statements)
        } catch (error) {
          closing.settle(false)
          throw closingFailed(migration, error, closing.statements)
        }
        closing.settle(true)
        verifyMs = performance.now() - v
      }
    } catch (error) {
      await conn.execute('ROLLBACK').catch(() => {})
      if (carried !== undefined && !carriedLanded) {
        const fate = carriedFate(error, carry.length)
        if (fate === 'landed') landCarried()
        else {
          carried.commit.settle(false)
          throw new HeldCommitFailed(
            carried.commit.revision,
            await carried.commit.failed(
              fate === 'failed' ? error : lostWithHeldCommit(error, carried.commit.revision, migration.id),
            ),
          )
        }
      }
      const guarded =
        opened === undefined &&
        isPlumblineError(error) &&
        error.details?.batchIndex === carry.length + prologue.guardIndex &&
        error.details.sqlstate === prologue.guardSqlstate
      if (guarded) return skipped
      return rolledBack(error)
    }
  } else if (transactional) {
    try {
      await conn.transaction(async () => {
        if (mode === 'apply') {
          const status = await recordedStatus(ctx, migration.id)
          if (status === 'applied') throw SKIPPED
          rowExists = status !== null
        }
        if (mode === 'apply') await requireConditions(ctx, migration, 'before', true)
        await runMigration(conn, migration, {
          direction: 'up',
          skip: fromStatement,
          onStatement,
          batch: true,
          ...ctx.code,
        })
        await finish()
        // The transaction commits once this returns.
        commitSent = true
      })
    } catch (error) {
      if (error === SKIPPED) return skipped
      // Stopped before its transaction began (SQLite's write lock): nothing of it ran.
      if (isPlumblineError(error) && error.details?.writeLockWait === true) throw error
      return rolledBack(error)
    }
  } else {
    if (mode === 'apply') await requireConditions(ctx, migration, 'before', false)
    await claim(ctx, migration, mode, started, fromStatement)
    try {
      await runMigration(conn, migration, {
        direction: 'up',
        skip: fromStatement,
        onStatement: async (done, statement) => {
          await conn.query(
            `UPDATE ${MIGRATIONS_TABLE} SET statements_done = ${placeholders(dialect.name, 1)} WHERE revision = ${placeholders(dialect.name, 1, 2)}`,
            [done, migration.id],
          )
          await onStatement(done)
          void statement
        },
        // A data statement commits with its journal entry: recovery counts on it.
        atomicWithJournal: (index, statement) => changesDataOnly(revision, index, statement.sql),
        ...ctx.code,
      })
      await finish()
    } catch (error) {
      const done =
        isPlumblineError(error) && typeof error.details?.statementsDone === 'number'
          ? error.details.statementsDone
          : statements
      const failedRow = trackingRow(ctx, migration, started, {
        status:
          done > 0 || (error instanceof PlumblineError && error.code === 'VERIFICATION_FAILED')
            ? 'partial'
            : 'failed',
        durationMs: Math.round(performance.now() - clock),
        statementsTotal: total,
        statementsDone: done,
        error: describe(error),
        errorStatement:
          isPlumblineError(error) && typeof error.details?.statement === 'string'
            ? error.details.statement
            : null,
      })
      const recorded = await writeTrackingRow(conn, failedRow).then(
        () => true,
        () => false,
      )
      await appendEvent(
        conn,
        event(ctx, 'apply_failed', migration.id, { error: describe(error), row: failedRow }),
      ).catch(() => {})
      const stay = `${done} statement${done === 1 ? '' : 's'} of it took effect and stay${done === 1 ? 's' : ''}`
      if (isConnectionLost(error)) {
        throw withOutcome(migration, error, {
          done,
          rolledBack: false,
          hint: `${done === 0 ? 'no statement of it finished' : stay}${duringStatement(error) ? ', and the one under way may have taken effect too' : ''} (it runs without a transaction); the connection was lost before the tracking table could record that: run \`plumbline diagnose\` once the server answers (it checks what each statement did to the schema), then \`plumbline recover\` to resume it`,
        })
      }
      const row = recorded
        ? `the tracking table records it as ${failedRow.status}`
        : 'its tracking row could not be updated'
      throw withOutcome(migration, error, {
        done,
        rolledBack: false,
        hint:
          done > 0
            ? `${stay} (it runs without a transaction), and ${row}: fix ${migration.path}, run \`plumbline diagnose\` to see what the schema holds, then \`plumbline recover\` to resume it`
            : `nothing of it took effect, and ${row}: fix ${migration.path}, then run \`plumbline recover\``,
      })
    }
  }
  return result()
}

/**
 * Runs the checks a migration names for one phase (`-- plumbline:check-before/after <name>`) and
 * throws `CHECK_FAILED` when one fails: before it, nothing has run; after it, inside a
 * transaction, the throw rolls the migration back; without one (MySQL DDL), statements that
 * committed on their own stay, and the error says so.
 */
export async function requireConditions(
  ctx: ExecutionContext,
  migration: Migration,
  phase: CheckPhase,
  inTransaction: boolean,
): Promise<void> {
  const names = migration.checks[phase]
  if (names.length === 0) return
  const integrity = ctx.integrity ?? resolveIntegrityConfig({})
  const outcome = await runChecksFor(ctx.conn, ctx.dialect, integrity, names, phase, { inTransaction })
  if (outcome.action === 'continue') return
  const error = conditionError(migration.id, outcome)
  if (phase === 'before' || inTransaction) throw error
  throw new PlumblineError({
    code: error.code,
    message: error.message.replace(
      'was rolled back',
      'ran, and its statements stay (this database commits DDL on its own); it is recorded partial',
    ),
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    ...(error.details === undefined ? {} : { details: error.details }),
  })
}

/** Reverts one revision with its down section, verified against the revision before it. */
export async function revertRevision(ctx: ExecutionContext, migration: Migration): Promise<AppliedRevision> {
  const { conn, dialect } = ctx
  const at = indexOfId(ctx.history.revisions, migration.id)
  const delta = ctx.history.revisions[at]!.delta
  const inverse: RevisionDelta = {
    created: delta.dropped,
    dropped: delta.created,
    changed: delta.changed.map((c) => ({ before: c.after, after: c.before })),
  }
  const clock = performance.now()
  const started = ctx.now()
  let statements = 0
  // Whether the transaction's COMMIT was sent (see `applyRevision`).
  let commitSent = false
  const body = async () => {
    await runMigration(conn, migration, {
      direction: 'down',
      onStatement: async (done) => {
        statements = done
      },
      ...ctx.code,
    })
    const mismatch = await checkDelta(conn, dialect, inverse)
    if (!isCleanDelta(mismatch)) throw verificationFailed(`${migration.id} (down)`, mismatch, transactional)
    const row = trackingRow(ctx, migration, started, {
      status: 'rolled_back',
      durationMs: Math.round(performance.now() - clock),
      statementsTotal: statements,
      statementsDone: statements,
    })
    await writeTrackingRow(conn, row)
    await appendEvent(conn, event(ctx, 'revert', migration.id, { statements, row }))
    commitSent = true
  }
  const transactional = migration.transaction && dialect.capabilities.transactionalDdl
  try {
    if (transactional) await conn.transaction(body)
    else await body()
  } catch (error) {
    // Stopped before its transaction began (SQLite's write lock): nothing of it ran.
    if (isPlumblineError(error) && error.details?.writeLockWait === true) throw error
    // The attempt is an audit event; the error says what of the down section stays.
    await appendEvent(
      conn,
      event(ctx, 'revert_failed', migration.id, {
        error: describe(error),
        statementsDone: transactional ? 0 : statements,
        rolledBack: transactional,
      }),
    ).catch(() => {})
    throw revertFailed(migration, error, transactional ? 0 : statements, transactional, commitSent)
  }
  return { revision: migration.id, status: 'applied', ms: performance.now() - clock, statements, verifyMs: 0 }
}

/**
 * A failed `down`, with a hint that says what took effect: nothing, where the down section ran in
 * a transaction; otherwise the statements that ran before the failure stay, and the tracking row
 * still records the revision as applied.
 */
function revertFailed(
  migration: Migration,
  error: unknown,
  done: number,
  rolledBack: boolean,
  commitSent: boolean,
): unknown {
  if (!isPlumblineError(error)) return error
  if (isConnectionLost(error)) {
    // In a transaction, the outcome is unknown only once its COMMIT was on its way.
    const unknown = rolledBack && commitSent
    const hint = !rolledBack
      ? `${done} statement${done === 1 ? '' : 's'} of its down section took effect and stay${done === 1 ? 's' : ''}${duringStatement(error) ? ', and the one under way may have taken effect too' : ''} (this database commits DDL by itself), and the tracking table still records ${migration.id} as applied: run \`plumbline diagnose\` once the server answers, then \`plumbline recover\``
      : unknown
        ? 'its down section took effect together with its tracking update, or not at all (they share one transaction): run `plumbline status` once the server answers'
        : 'nothing of its down section took effect (a server rolls back the open transaction of a connection it loses): run `plumbline down` again once the server answers'
    const lost = withOutcome(migration, error, {
      done: unknown ? null : done,
      rolledBack: unknown ? null : rolledBack,
      hint,
    }) as PlumblineError
    return new PlumblineError({
      code: lost.code,
      message: lost.message.replace(/^migration (\S+),/, 'the down section of migration $1,'),
      ...(lost.hint === undefined ? {} : { hint: lost.hint }),
      ...(lost.details === undefined ? {} : { details: lost.details }),
      cause: lost.cause,
    })
  }
  const hint =
    rolledBack || done === 0
      ? `nothing of its down section took effect${rolledBack ? ' (its transaction was rolled back)' : ''}: fix the down section of ${migration.path} and run \`plumbline down\` again`
      : `${done} statement${done === 1 ? '' : 's'} of its down section took effect and stay${done === 1 ? 's' : ''} (this database commits DDL by itself), and the tracking table still records ${migration.id} as applied: run \`plumbline diagnose\` to see what the schema holds now, then \`plumbline recover\`; fix the down section before reverting again`
  return new PlumblineError({
    code: error.code,
    message: error.message.replace(
      /^migration (\S+) failed at/,
      'the down section of migration $1 failed at',
    ),
    hint: error.code === 'MIGRATION_FAILED' ? withStatementHint(hint, error) : hint,
    details: { ...error.details, statementsDone: done, rolledBack },
    cause: error.cause ?? error,
  })
}

/**
 * A failed statement's error (`MIGRATION_FAILED`), saying what of the migration stays: with its
 * transaction rolled back nothing did, whatever the statement's index; without one, the
 * statements before it did. `hint` says what to do next; the statement's own hint (the
 * server's) follows it. Other errors pass unchanged.
 */
function withOutcome(
  migration: Migration,
  error: unknown,
  outcome: {
    readonly done: number | null
    readonly rolledBack: boolean | null
    readonly hint: string
  },
): unknown {
  if (!isPlumblineError(error)) return error
  const details = { ...error.details, statementsDone: outcome.done, rolledBack: outcome.rolledBack }
  if (error.code === 'INTERRUPTED') {
    // Stopped part-way through the migration (a transaction inside it waited for the write lock).
    return new PlumblineError({
      code: error.code,
      message: `migration ${migration.id} stopped part-way: ${error.message}`,
      hint: outcome.hint,
      details: { ...details, writeLockWait: false, revision: migration.id },
      cause: error,
    })
  }
  if (error.code === 'CONNECTION_LOST') {
    // Not the migration's fault: its own hint says what stays, and nothing is to be fixed in it.
    const named = error.details?.revision === migration.id
    return new PlumblineError({
      code: error.code,
      message: named ? error.message : `migration ${migration.id}, after its statements: ${error.message}`,
      hint: outcome.hint,
      details: { ...details, revision: migration.id },
      cause: error.cause ?? error,
    })
  }
  if (error.code !== 'MIGRATION_FAILED') return error
  return new PlumblineError({
    code: error.code,
    message: error.message,
    hint: withStatementHint(outcome.hint, error),
    details,
    cause: error.cause ?? error,
  })
}

/**
 * A lost connection, told as the revision whose held commit went at the head of `next`'s batch:
 * its COMMIT was on its way, and the server may have run it.
 */
function lostWithHeldCommit(error: unknown, revision: string, next: string): unknown {
  if (!isPlumblineError(error)) return error
  return new PlumblineError({
    code: 'CONNECTION_LOST',
    message: `migration ${revision}, its COMMIT sent at the head of ${next}'s batch: ${error.message}`,
    details: { revision },
    cause: error.cause ?? error,
  })
}

/**
 * A failure of the statements that write a revision's row and commit it, told as the revision's:
 * at `COMMIT`, its own deferred work failed (a deferred constraint, a constraint trigger), which
 * the migration must fix. A lost connection passes unchanged.
 */
function closingFailed(migration: Migration, error: unknown, statements: ReadonlyArray<string>): unknown {
  if (!isPlumblineError(error) || isConnectionLost(error)) return error
  const at = error.details?.batchIndex
  const commit = typeof at === 'number' && statements[at] === 'COMMIT'
  const { batchIndex: _, ...details } = error.details ?? {}
  return new PlumblineError({
    code: commit ? 'MIGRATION_FAILED' : error.code,
    message: `migration ${migration.id} failed at ${commit ? 'its COMMIT' : 'its tracking row'}: ${error.message}`,
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    details: { ...details, revision: migration.id, ...(commit ? { statement: 'COMMIT' } : {}) },
    cause: error.cause ?? error,
  })
}

/** The server or the network ended the session: nothing the migration did caused it. */
function isConnectionLost(error: unknown): boolean {
  return isPlumblineError(error) && error.code === 'CONNECTION_LOST'
}

/** The failure came while one of the migration's statements ran (before any COMMIT was sent). */
function duringStatement(error: unknown): boolean {
  return isPlumblineError(error) && typeof error.details?.statementIndex === 'number'
}

/** What to do next, then the failed statement's own hint (the server's), when it had one. */
function withStatementHint(next: string, error: PlumblineError): string {
  return error.hint === undefined ? next : `${next} (${error.hint})`
}

/** Builds a tracking row for a migration run by this process. */
export function trackingRow(
  ctx: ExecutionContext,
  migration: Migration,
  started: Date,
  fields: Partial<TrackingRow> & Pick<TrackingRow, 'status'>,
): TrackingRow {
  return {
    revision: migration.id,
    checksum: migration.checksum,
    normalizedChecksum: migration.normalizedChecksum,
    appliedAt: ctx.now().toISOString(),
    startedAt: started.toISOString(),
    appliedBy: actorName(ctx.actor),
    host: ctx.actor.host,
    pid: ctx.actor.pid,
    durationMs: null,
    statementsTotal: null,
    statementsDone: null,
    error: null,
    errorStatement: null,
    schemaFingerprint: null,
    catalogFingerprint: null,
    plumblineVersion: ctx.version,
    ...fields,
  }
}

/** An audit event from this process. */
export function event(
  ctx: ExecutionContext,
  name: string,
  revision: string | null,
  details: Record<string, unknown>,
) {
  return {
    at: ctx.now().toISOString(),
    event: name,
    revision,
    actor: actorName(ctx.actor),
    host: ctx.actor.host,
    pid: ctx.actor.pid,
    details,
  }
}

async function recordedStatus(ctx: ExecutionContext, revision: string): Promise<string | null> {
  const rows = await ctx.conn.query<{ status: string }>(
    `SELECT status FROM ${MIGRATIONS_TABLE} WHERE revision = ${placeholders(ctx.dialect.name, 1)}`,
    [revision],
  )
  return rows[0]?.status ?? null
}

/**
 * Writes the `running` row of a migration that runs outside a transaction, after checking under
 * the database's write lock that no other process applied or is running it. A re-run replaces the
 * `applied` row whose effects vanished, and a resume the row of the attempt it continues (left
 * `running` by a process that died): recovery planned them from those very rows.
 */
async function claim(
  ctx: ExecutionContext,
  migration: Migration,
  mode: ApplyMode,
  started: Date,
  fromStatement: number,
): Promise<void> {
  const planned = mode === 'rerun' ? 'applied' : mode === 'resume' ? 'running' : null
  const body = async () => {
    const status = await recordedStatus(ctx, migration.id)
    if ((status === 'applied' || status === 'running') && status !== planned) {
      throw new PlumblineError({
        code: status === 'applied' ? 'ALREADY_APPLIED' : 'LOCKED',
        message:
          status === 'applied'
            ? `${migration.id} was applied by another process meanwhile`
            : `${migration.id} is being run by another process (its tracking row says running)`,
        hint: 'run `plumbline status` to see who; a row left running by a process that died is resolved by `plumbline recover`',
      })
    }
    await writeTrackingRow(
      ctx.conn,
      trackingRow(ctx, migration, started, {
        status: 'running',
        statementsDone: fromStatement,
        statementsTotal: migration.kind === 'sql' ? migration.up.statements.length : null,
      }),
    )
    await appendEvent(ctx.conn, event(ctx, 'apply_started', migration.id, { fromStatement }))
  }
  if (ctx.dialect.capabilities.transactionalDdl) await ctx.conn.transaction(body)
  else await body()
}

function describe(error: unknown): string {
  return isPlumblineError(error)
    ? `${error.code}: ${error.message}`
    : error instanceof Error
      ? error.message
      : String(error)
}
