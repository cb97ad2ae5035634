import { isPlumblineError, PlumblineError } from '../errors/plumbline-error.js'
import { executePlan, type Outcome } from '../execute/execute-plan.js'
import type { Plan, PlanStep } from '../plan/plan.js'
import type { Diagnosis } from '../state/diagnosis.js'
import { type BackupMode, type BackupResult, backupDatabase } from './backup.js'
import { diagnoseSession } from './diagnose.js'
import { recordHealthyCatalog } from './quick-health.js'
import type { Session } from './session.js'
import { DEFAULT_LOCK_TIMEOUT_MS, withMigrationLock } from './with-lock.js'

/** Options of `recover`. */
export interface RecoverOptions {
  /** Print the plan and its SQL; write nothing at all (no backup, no lock, no tracking table). */
  readonly dryRun?: boolean
  /** Apply pending migrations once the state is resolved (`--no-migrate`: false). */
  readonly migrate?: boolean
  readonly backup?: BackupMode
  /** Where server dumps go (SQLite backups go next to the database file). */
  readonly backupDir?: string
  /** Asked before each round's plan runs; false cancels. Absent: no confirmation (`--yes`). */
  readonly confirm?: (plan: Plan, diagnosis: Diagnosis) => Promise<boolean>
  /** Asked before each step (`--interactive`); false cancels. */
  readonly confirmStep?: (step: PlanStep, index: number, total: number) => Promise<boolean>
  /** Run only strategies that cannot lose data (ensureHealthy's `recover: 'safe'`). */
  readonly safeOnly?: boolean
  readonly lockTimeoutMs?: number
}

/** One round: what was diagnosed, what was planned, what ran. */
export interface RecoveryRound {
  readonly diagnosis: Diagnosis
  readonly plan: Plan
  readonly outcome?: Outcome
}

/** What `recover` did; `ok` only when the database ends healthy. */
export interface RecoverResult {
  readonly ok: boolean
  readonly rounds: ReadonlyArray<RecoveryRound>
  /** The diagnosis after the last round (after the plan, when it ran); `null` when none was possible. */
  readonly final: Diagnosis | null
  readonly backup: BackupResult | null
  readonly error?: PlumblineError
}

const MAX_ROUNDS = 6

/**
 * `recover`: diagnoses, plans, asks, backs up, runs the plan through the one executor, and
 * diagnoses again — round after round until the database is healthy, a human is needed, or a
 * round changes nothing. Never drops a table or a column, never deletes a user row.
 */
export async function recover(session: Session, options: RecoverOptions = {}): Promise<RecoverResult> {
  const rounds: RecoveryRound[] = []
  let backup: BackupResult | null = null
  const migrateAfter = options.migrate ?? true
  if (options.dryRun) {
    const { diagnosis, plan } = await diagnoseSession(session, { migrate: migrateAfter })
    return { ok: diagnosis.state === 'healthy', rounds: [{ diagnosis, plan }], final: diagnosis, backup }
  }
  const ctx = await session.context()
  return withMigrationLock(session, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, async () => {
    let { diagnosis, plan } = await diagnoseSession(session, { migrate: migrateAfter, lockHeld: true })
    let previous = ''
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (diagnosis.state === 'healthy' || (!migrateAfter && diagnosis.state === 'pending')) break
      const unsafe = options.safeOnly ? unsafeReason(diagnosis, plan) : null
      if (plan.blockers.length > 0 || unsafe !== null || plan.steps.length === 0) {
        rounds.push({ diagnosis, plan })
        const error = new PlumblineError({
          code: 'STATE_NEEDS_DECISION',
          message: `recover stopped: the database is ${diagnosis.state.replace(/_/g, ' ')} and ${
            unsafe ??
            (plan.blockers.length > 0
              ? `a human must decide:\n${plan.blockers.map((b) => `  - ${b.message}`).join('\n')}`
              : 'no plan resolves it')
          }`,
          hint: 'run `plumbline diagnose --detailed` for the evidence; docs/recovery.md says what each state needs',
          details: { state: diagnosis.state, strategy: diagnosis.strategy },
        })
        return { ok: false, rounds, final: diagnosis, backup, error }
      }
      const signature = JSON.stringify([
        diagnosis.state,
        diagnosis.problems.map((p) => [p.code, p.revision, p.object?.name]),
      ])
      if (signature === previous) {
        rounds.push({ diagnosis, plan })
        const error = new PlumblineError({
          code: 'STATE_NEEDS_DECISION',
          message: `recover stopped: the last plan left the database ${diagnosis.state.replace(/_/g, ' ')} as it found it`,
          hint: 'run `plumbline diagnose --detailed`; docs/recovery.md',
        })
        return { ok: false, rounds, final: diagnosis, backup, error }
      }
      previous = signature
      if (options.confirm && !(await options.confirm(plan, diagnosis))) {
        rounds.push({ diagnosis, plan })
        return { ok: false, rounds, final: diagnosis, backup, error: cancelled() }
      }
      if (backup === null && (options.backup ?? 'auto') !== 'off') {
        backup = await backupDatabase(
          session.conn,
          session.target,
          ctx.now(),
          options.backupDir ?? 'plumbline-backups',
        )
        if ('skipped' in backup && options.backup === 'required') {
          throw new PlumblineError({
            code: 'BACKUP_UNAVAILABLE',
            message: `recover refused before any change: --backup required, but ${backup.skipped}`,
            hint: 'install the dump tool, or choose --backup auto after taking a backup yourself',
          })
        }
      }
      let outcome: Outcome
      if (options.confirmStep) {
        // Interactive: each step is shown, confirmed and run before the next is shown.
        const done: Outcome['steps'][number][] = []
        let failed: Outcome | undefined
        for (const [i, step] of plan.steps.entries()) {
          if (!(await options.confirmStep(step, i, plan.steps.length))) {
            rounds.push({ diagnosis, plan, outcome: { ok: false, steps: done } })
            const final = (await diagnoseSession(session, { migrate: migrateAfter, lockHeld: true }))
              .diagnosis
            return { ok: false, rounds, final, backup, error: cancelled() }
          }
          const one = await executePlan(ctx, { steps: [step], blockers: [] })
          done.push(...one.steps)
          if (!one.ok) {
            failed = { ok: false, steps: done, ...(one.error ? { error: one.error } : {}) }
            break
          }
        }
        outcome = failed ?? { ok: true, steps: done }
      } else outcome = await executePlan(ctx, plan)
      rounds.push({ diagnosis, plan, outcome })
      if (!outcome.ok) {
        // The step's error is the one to show; a diagnosis that cannot be read after it (the
        // connection is gone, say) leaves the final state unknown rather than replacing it.
        const final = await diagnoseSession(session, { migrate: migrateAfter, lockHeld: true }).then(
          (after) => after.diagnosis,
          (error: unknown) => {
            if (outcome.error === undefined) throw error
            return null
          },
        )
        return { ok: false, rounds, final, backup, ...(outcome.error ? { error: outcome.error } : {}) }
      }
      ;({ diagnosis, plan } = await diagnoseSession(session, { migrate: migrateAfter, lockHeld: true }))
    }
    // The head row's catalog fingerprint describes the catalog as it was when that revision was
    // applied: record the healthy one, so the next start takes the one-round-trip path.
    if (diagnosis.state === 'healthy') await recordHealthyCatalog(session)
    return { ok: diagnosis.state === 'healthy', rounds, final: diagnosis, backup }
  }).catch((error: unknown) => {
    if (!isPlumblineError(error)) throw error
    return { ok: false, rounds, final: rounds.at(-1)?.diagnosis ?? null, backup, error }
  })
}

/** Why a plan is not safe to run unattended, or `null` (contract §7: `recover: 'safe'`). */
function unsafeReason(diagnosis: Diagnosis, plan: Plan): string | null {
  switch (diagnosis.strategy) {
    case 'normal_migration':
      return null
    case 'initialize_tracking':
    case 'repair_tracking':
      return diagnosis.inferred?.exact && diagnosis.inferred.alsoExact.length === 0
        ? null
        : `its strategy (${diagnosis.strategy}) would rest on an inexact or ambiguous inference of the revision`
    case 'complete_partial_migration':
      return plan.steps.every(
        (s) =>
          s.action === 'create_missing_objects' ||
          s.action === 'rerun_revision' ||
          s.action === 'apply_migration',
      ) &&
        plan.steps.every(
          (s) =>
            s.sql.every((sql) => /^\s*(CREATE|ALTER\s+TABLE\s+\S+\s+ADD)\b/i.test(sql)) ||
            s.action !== 'create_missing_objects',
        )
        ? null
        : 'completing it would drop or replace objects'
    default:
      return `its strategy (${diagnosis.strategy}) is not one that runs unattended`
  }
}

function cancelled(): PlumblineError {
  return new PlumblineError({
    code: 'RECOVERY_CANCELLED',
    message: 'recovery cancelled at the prompt',
    hint: 'run `plumbline recover` again when ready',
  })
}
