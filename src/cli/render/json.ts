import type { AppliedRevision } from '../../execute/apply-revision.js'
import type { Plan } from '../../plan/plan.js'
import type { Diagnosis } from '../../state/diagnosis.js'
import { observedStatus } from './revision-status.js'

/** A plan step as JSON: contract §5's `{ action, description, sql }`, plus the revisions it is about. */
export function planJson(plan: Plan): Array<Record<string, unknown>> {
  return plan.steps.map((step) => ({
    action: step.action,
    description: step.description,
    sql: [...step.sql],
    ...('revision' in step ? { revision: step.revision } : {}),
    ...('revisions' in step ? { revisions: [...step.revisions] } : {}),
  }))
}

/**
 * `diagnose --json` exactly as contract §5 names it — dialect, state, strategy, head, tracked,
 * inferred, pending, problems, plan — with additions that never rename a field: `distance` on
 * `inferred`, `expected`/`actual`/`evidence` on problems, `blockers` and the revision `timeline`.
 */
export function diagnosisJson(diagnosis: Diagnosis, plan: Plan): Record<string, unknown> {
  const d = diagnosis
  return {
    dialect: d.dialect,
    state: d.state,
    strategy: d.strategy,
    head: d.head,
    tracked: { revision: d.tracked.revision },
    inferred: d.inferred
      ? { revision: d.inferred.revision, exact: d.inferred.exact, distance: d.inferred.distance }
      : null,
    pending: [...d.pending],
    problems: d.problems.map((p) => ({
      code: p.code,
      severity: p.severity,
      revision: p.revision ?? null,
      object: p.object ?? null,
      message: p.message,
      ...(p.expected === undefined ? {} : { expected: p.expected }),
      ...(p.actual === undefined ? {} : { actual: p.actual }),
      ...(p.evidence === undefined ? {} : { evidence: p.evidence }),
    })),
    plan: planJson(plan),
    blockers: plan.blockers.map((b) => ({ revision: b.revision, message: b.message })),
    timeline: d.timeline.map((line) => ({
      revision: line.id,
      status: observedStatus(line),
      recorded: line.row?.status ?? null,
      appliedAt: line.row?.appliedAt ?? null,
      missingObjects: line.missingObjects,
      ownedObjects: line.ownedObjects,
    })),
  }
}

/** What one revision run reported: `{ revision, status, ms, statements }`. */
export function appliedJson(applied: ReadonlyArray<AppliedRevision>): Array<Record<string, unknown>> {
  return applied.map((a) => ({
    revision: a.revision,
    status: a.status,
    ms: Math.round(a.ms),
    statements: a.statements,
  }))
}
