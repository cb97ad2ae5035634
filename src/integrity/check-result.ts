import type { CheckKind, CheckSeverity } from './check-spec.js'

/**
 * How a check ended (contract §9): `pass` no violations, `fail` violations of an `error` check,
 * `warn` violations of a `warn` check, `error` the check itself could not run.
 */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'error'

/** One sample: column name → value, as JSON can carry it. */
export type SampleRow = Readonly<Record<string, unknown>>

/** The outcome of one check. */
export interface CheckResult {
  readonly name: string
  readonly kind: CheckKind
  readonly severity: CheckSeverity
  readonly status: CheckStatus
  /** Violating rows (groups for `reconcile` and `unique`); `null` when the check could not run. */
  readonly violations: number | null
  readonly samples: ReadonlyArray<SampleRow>
  /** Present on a `pass` that no scan was needed for: a constraint the database enforces guarantees it. */
  readonly proven?: true
  /** The constraint that proves it: `unique constraint users_email_key`. */
  readonly provenBy?: string
  /** Why an `error` check could not run, in the server's own words. */
  readonly error?: { readonly code: string; readonly message: string; readonly detail?: string }
  readonly description?: string
}

/** A run of checks: every result in the order asked, and how many failed (`fail` or `error`). */
export interface CheckReport {
  readonly checks: ReadonlyArray<CheckResult>
  readonly failed: number
}

/** `fail` and `error` fail a run; `warn` does not. */
export function isFailure(result: CheckResult): boolean {
  return result.status === 'fail' || result.status === 'error'
}

/** Freezes results into a report, counting the failures. */
export function makeReport(checks: ReadonlyArray<CheckResult>): CheckReport {
  return Object.freeze({ checks: Object.freeze([...checks]), failed: checks.filter(isFailure).length })
}
