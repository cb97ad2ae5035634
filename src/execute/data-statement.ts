import type { RevisionState } from '../history/history-model.js'
import { isEmptyDelta } from '../history/revision-delta.js'

/**
 * Statements that change rows and nothing else, and that every database runs inside a
 * transaction. Others that leave the schema alone (`SET`, `PRAGMA`, `VACUUM`, `TRUNCATE`, `CALL`,
 * `DO`) stay out: some refuse a transaction or do nothing in one (`PRAGMA foreign_keys`), some
 * commit by themselves, some may commit inside.
 */
const DML = /^\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE|WITH|SELECT)\b/i

/**
 * Whether statement `index` of a journaled migration changes only data, so that it runs in one
 * transaction with its journal entry: after a crash the statement either ran and is counted, or
 * did neither. The history knows: its recorded effect on the schema is empty. Recovery relies on
 * it — an unjournaled data statement did not run, and is run once more without duplicating rows.
 */
export function changesDataOnly(revision: RevisionState, index: number, sql: string): boolean {
  const delta = revision.statementDeltas?.[index]
  return delta !== undefined && isEmptyDelta(delta) && DML.test(sql)
}
