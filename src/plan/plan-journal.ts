import { describeObject } from '../schema/model.js'
import type { JournalDifference, JournalProgress } from '../state/journal-progress.js'
import type { Blocker, PlanStep } from './plan.js'

/**
 * The steps that resolve a stopped journaled run of `revision`, decided by how far the live
 * schema proves it got (`progress.verified`), never by the journal's count alone:
 *
 * - every statement took effect → record it applied (the process died before its row said so);
 * - none did → clear the attempt and apply it again;
 * - some did → resume right after the last one that did, so no statement runs twice;
 * - the live schema contradicts the journal → run it again from the start only when nothing of
 *   it is there and no statement the journal counts changed data; otherwise a human decides.
 *
 * Pure. `statements` are the migration's statements, for the plan to show.
 */
export function planJournaledResume(
  revision: string,
  recorded: string,
  progress: JournalProgress,
  statements: ReadonlyArray<string>,
  steps: PlanStep[],
  blockers: Blocker[],
): void {
  const { journaled, verified, total } = progress
  const evidence = `the journal counts ${journaled} of ${total} statement(s)`
  const restart = (why: string) => {
    steps.push({
      action: 'clear_failed_attempt',
      revision,
      description: `clear the ${recorded} record of ${revision}: ${why}`,
      sql: [],
    })
    steps.push({
      action: 'apply_migration',
      revision,
      description: `apply ${revision} again, verified`,
      sql: statements,
    })
  }
  if (verified === null) {
    if (progress.restartable) {
      restart(
        `${evidence}, yet none of its effects are in the database, and none of those statements changes data: it runs again from the start`,
      )
      return
    }
    blockers.push({
      revision,
      message: `${revision}: ${evidence}, but the live schema contradicts it — ${describeDifferences(progress.differences)}; decide by hand whether those statements ran, finish or undo their work, then record the revision`,
    })
    return
  }
  if (verified === total) {
    steps.push({
      action: 'record_applied',
      revisions: [revision],
      description: `record ${revision} as applied: the live schema shows all ${total} of its statements took effect`,
      reason: `${evidence}; the live schema proves all ${total} took effect before the run stopped`,
      sql: [],
    })
    return
  }
  if (verified === 0) {
    restart(`${evidence}, and the live schema shows none of them took effect`)
    return
  }
  steps.push({
    action: 'resume_migration',
    revision,
    fromStatement: verified,
    description: `resume ${revision} after statement ${verified} of ${total} (${evidence}; the live schema proves ${verified} took effect)`,
    sql: statements.slice(verified),
  })
}

function describeDifferences(differences: ReadonlyArray<JournalDifference>): string {
  if (differences.length === 0) return 'it counts more statements than the migration has'
  return differences
    .map((d) =>
      d.actual === null
        ? `${describeObject(d.object)} is missing (expected: ${d.expected})`
        : d.expected === null
          ? `${describeObject(d.object)} exists, and should not`
          : `${describeObject(d.object)} is ${d.actual}, expected ${d.expected}`,
    )
    .join('; ')
}
