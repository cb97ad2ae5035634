import type { History } from '../history/history-model.js'
import { isEmptyDelta, type RevisionDelta } from '../history/revision-delta.js'
import { objectKey, type Schema, type SchemaObject } from '../schema/model.js'
import type { ProblemObject } from './diagnosis.js'

/** An object whose live state is not what the journaled statements leave. */
export interface JournalDifference {
  readonly object: ProblemObject
  /** The definition the journaled statements leave (`null`: the object should not exist). */
  readonly expected: string | null
  /** The live definition (`null`: absent). */
  readonly actual: string | null
}

/**
 * How far a journaled run of a migration really got: what its tracking row's journal counts,
 * checked against the live schema statement by statement.
 */
export interface JournalProgress {
  /** Statements the journal (`statements_done`) counts as done. */
  readonly journaled: number
  /** Statements in the migration. */
  readonly total: number
  /**
   * Statements that took effect, proven by the live schema: the journaled ones, plus those right
   * after them that change the schema and whose effect is there (each ran, and the process died
   * before its journal entry). `null` when the live schema contradicts the journal.
   */
  readonly verified: number | null
  /** When `verified` is `null`: how the live schema differs from what the journaled statements leave. */
  readonly differences: ReadonlyArray<JournalDifference>
  /**
   * When `verified` is `null`: the live schema shows none of the migration's effects, and no
   * statement the journal counts changes data — so running it again from the start repeats no
   * effect that is there.
   */
  readonly restartable: boolean
  /**
   * Keys of the objects the statements touch: what was compared. When `verified` is set, their
   * live state is the stopped run's own doing, explained rather than drift.
   */
  readonly touched: ReadonlyArray<string>
}

/**
 * The progress of a journaled run of revision `at`, or `undefined` when the history holds no
 * statement effects for it (it runs in one transaction, or is a code migration). Pure.
 *
 * Only the objects the migration's statements touch are compared. A statement that changes only
 * data is never counted beyond the journal: it runs in one transaction with its journal entry, so
 * unjournaled means it did not run. A schema statement commits by itself on MySQL, so the journal
 * may lag one statement behind the schema; the schema decides.
 */
export function journalProgress(
  history: History,
  at: number,
  live: Schema,
  journaled: number,
): JournalProgress | undefined {
  const deltas = history.revisions[at]?.statementDeltas
  if (deltas === undefined) return undefined
  const before = at === 0 ? history.initial : history.revisions[at - 1]!.schema
  const states = expectedStates(before, deltas)
  const compare = comparison(deltas)
  const now = new Map<string, SchemaObject | undefined>()
  const liveByKey = new Map(live.objects.map((o) => [objectKey(o), o] as const))
  for (const key of states[0]!.keys()) now.set(key, liveByKey.get(key))
  const matches = (j: number) => differencesAt(states[j]!, now, compare).length === 0

  const total = deltas.length
  const k = Math.max(0, journaled)
  let verified: number | null = null
  for (let j = k; j <= total; j++) {
    // Beyond the journal only a statement that changes the schema can have run unrecorded.
    if (j > k && isEmptyDelta(deltas[j - 1]!)) break
    if (matches(j)) {
      verified = j
      break
    }
  }
  const touched = [...now.keys()]
  if (verified !== null) return { journaled, total, verified, differences: [], restartable: false, touched }
  const differences = k <= total ? differencesAt(states[k]!, now, compare) : []
  const restartable = k <= total && matches(0) && deltas.slice(0, k).every((delta) => !isEmptyDelta(delta))
  return { journaled, total, verified, differences, restartable, touched }
}

/** The progress of the journaled run of `revision` in `history`, found by id (see {@link journalProgress}). */
export function revisionJournal(
  history: History,
  revision: string,
  live: Schema,
  journaled: number,
): JournalProgress | undefined {
  const at = history.revisions.findIndex((r) => r.id === revision)
  return at < 0 ? undefined : journalProgress(history, at, live, journaled)
}

/**
 * The facts of a journaled run as a problem's evidence: `journal` (statements counted),
 * `verified` (statements the live schema proves took effect, `null` when it contradicts the
 * journal), `statementsTotal`, and the differences that contradict it.
 */
export function journalEvidence(progress: JournalProgress): Record<string, unknown> {
  return {
    journal: progress.journaled,
    verified: progress.verified,
    statementsTotal: progress.total,
    ...(progress.verified === null ? { differences: progress.differences } : {}),
  }
}

/** A sentence to append to a problem's message: what the live schema says of the journal. */
export function journalNote(progress: JournalProgress): string {
  const { journaled, verified, total } = progress
  if (verified === null)
    return `; the live schema contradicts its journal of ${journaled} statement(s) done: ${progress.differences.length} object(s) differ from what they leave`
  if (verified === journaled)
    return `; the live schema confirms ${verified} of ${total} statement(s) took effect`
  return `; the live schema shows ${verified} of ${total} statement(s) took effect (the journal counts ${journaled}: ${verified - journaled} took effect without a journal entry)`
}

type State = Map<string, SchemaObject | undefined>

/** The touched objects after 0, 1, … n statements: `states[j]` is the state after statement j. */
function expectedStates(before: Schema, deltas: ReadonlyArray<RevisionDelta>): State[] {
  const beforeByKey = new Map(before.objects.map((o) => [objectKey(o), o] as const))
  const first: State = new Map()
  for (const delta of deltas) {
    for (const o of [...delta.created, ...delta.dropped, ...delta.changed.map((c) => c.after)]) {
      const key = objectKey(o)
      first.set(key, beforeByKey.get(key))
    }
  }
  const states = [first]
  for (const delta of deltas) {
    const next = new Map(states.at(-1)!)
    for (const o of delta.dropped) next.set(objectKey(o), undefined)
    for (const c of delta.changed) next.set(objectKey(c.after), c.after)
    for (const o of delta.created) next.set(objectKey(o), o)
    states.push(next)
  }
  return states
}

/**
 * How two states of one object compare: by definition, as verification does — and also by
 * details for an object some statement changes in its details alone (a partition added to a
 * MySQL table), which would otherwise leave no trace to decide by.
 */
function comparison(
  deltas: ReadonlyArray<RevisionDelta>,
): (key: string, o: SchemaObject | undefined) => string | null {
  const detailed = new Set<string>()
  for (const delta of deltas)
    for (const c of delta.changed)
      if (c.before.definition === c.after.definition) detailed.add(objectKey(c.after))
  return (key, o) =>
    o === undefined
      ? null
      : detailed.has(key)
        ? `${o.definition}\u0000${JSON.stringify(o.details ?? null)}`
        : o.definition
}

function differencesAt(
  expected: State,
  live: State,
  compare: (key: string, o: SchemaObject | undefined) => string | null,
): JournalDifference[] {
  const out: JournalDifference[] = []
  for (const [key, want] of expected) {
    const have = live.get(key)
    if (compare(key, want) === compare(key, have)) continue
    const o = (want ?? have)!
    out.push({
      object: {
        kind: o.kind,
        name: o.name,
        ...(o.table === undefined ? {} : { table: o.table }),
        ...(o.schema === undefined ? {} : { schema: o.schema }),
      },
      expected: want?.definition ?? null,
      actual: have?.definition ?? null,
    })
  }
  return out
}
