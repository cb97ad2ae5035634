import type { History } from '../history/history-model.js'
import { diff, type SchemaDiff } from '../schema/diff.js'
import { describeObject, objectKey, type SchemaObject } from '../schema/model.js'
import type { TrackingRow } from '../tracking/tracking-model.js'
import {
  type Diagnosis,
  type Inference,
  type Problem,
  type ProblemObject,
  type RevisionLine,
  type RevisionStatus,
  STATES,
  type State,
  type Strategy,
} from './diagnosis.js'
import { inferRevision } from './infer-revision.js'
import { type JournalProgress, journalEvidence, journalNote, revisionJournal } from './journal-progress.js'
import type { Observation } from './observation.js'
import { definitionHistory, objectDroppers, objectOwners } from './ownership.js'

/**
 * Compares the three sources of truth — the history (expected schema per revision), the live
 * schema and the tracking table — and names the state, every problem with its evidence, and the
 * strategy that resolves the state. Pure: no connection, no clock, no file system.
 *
 * `history` must describe exactly `observation.migrations` (same ids, same order).
 */
export function analyze(observation: Observation, history: History): Diagnosis {
  const { migrations, tracking, live } = observation
  if (
    history.revisions.length !== migrations.length ||
    history.revisions.some((r, i) => r.id !== migrations[i]!.id)
  ) {
    throw new Error('analyze: the history does not describe these migrations; rebuild it first')
  }
  const problems: Problem[] = []
  const states = new Set<State>()
  const index = new Map(migrations.map((m, i) => [m.id, i] as const))
  const head = migrations.at(-1)?.id ?? null
  const owners = objectOwners(history)
  const inference = inferRevision(history, live)

  if (observation.lock) {
    states.add('locked')
    problems.push({
      code: 'LOCKED',
      severity: 'error',
      message: `another process holds the migration lock: ${
        observation.lock.host
          ? `plumbline on ${observation.lock.host} (pid ${observation.lock.pid})`
          : observation.lock.description
      }`,
      evidence: { holder: observation.lock },
    })
  }

  for (const defect of tracking.defects) {
    states.add('corrupted_tracking')
    problems.push({
      code: 'TRACKING_DEFECT',
      severity: 'error',
      revision: defect.revision ?? null,
      message: defect.message,
      evidence: {
        defect: defect.code,
        ...(defect.row === undefined ? {} : { row: defect.row }),
        ...(defect.raw ? { stored: defect.raw } : {}),
      },
    })
  }

  // Rows of revisions that exist as files, and rows of revisions that do not.
  const maxVersion = migrations.length > 0 ? BigInt(migrations.at(-1)!.version) : -1n
  const known: TrackingRow[] = []
  for (const row of tracking.rows) {
    if (index.has(row.revision)) {
      known.push(row)
      continue
    }
    const version = /^(\d+)_/.exec(row.revision)?.[1]
    const ahead = version !== undefined && BigInt(version) > maxVersion
    if (ahead) {
      states.add('unknown_revision')
      problems.push({
        code: 'UNKNOWN_REVISION',
        severity: 'error',
        revision: row.revision,
        message: `the database records revision ${row.revision}, which is newer than every migration here (head ${head ?? 'none'}): it is ahead of this code`,
        evidence: { row },
      })
    } else {
      states.add('corrupted_tracking')
      problems.push({
        code: 'MISSING_FILE',
        severity: 'error',
        revision: row.revision,
        message: `the database records revision ${row.revision}, but no migration file has that id`,
        evidence: { row },
      })
    }
  }

  const rowOf = new Map(known.map((r) => [r.revision, r] as const))
  const journals = new Map<string, JournalProgress>()
  const appliedIdx = known.filter((r) => r.status === 'applied').map((r) => index.get(r.revision)!)
  const trackedIndex = appliedIdx.length > 0 ? Math.max(...appliedIdx) : -1
  const trackedRevision = trackedIndex >= 0 ? migrations[trackedIndex]!.id : null

  const liveDefinitions = new Map(live.objects.map((o) => [objectKey(o), o.definition] as const))
  for (let i = 0; i < trackedIndex; i++) {
    const row = rowOf.get(migrations[i]!.id)
    if (row === undefined || row.status === 'rolled_back') {
      states.add('corrupted_tracking')
      // None of its schema effects there, and never recorded: a migration merged with a version
      // older than ones already applied. Rewinding tracking to make room would lie about the
      // later ones; a human gives it a newer version. With its effects there, its row was lost.
      const delta = history.revisions[i]!.delta
      const effects = [
        ...delta.created.map((o) => liveDefinitions.get(objectKey(o)) === o.definition),
        ...delta.changed.map((c) => liveDefinitions.get(objectKey(c.after)) === c.after.definition),
        ...delta.dropped.map((o) => !liveDefinitions.has(objectKey(o))),
      ]
      // A migration that changes no schema (data only) leaves nothing to tell whether it ran: its
      // missing row says it did not, and recording it as applied unseen would claim data that
      // may never have been written. A human says which.
      const schemaNeutral = row === undefined && effects.length === 0
      const lateMerge =
        schemaNeutral || (row === undefined && effects.length > 0 && effects.every((present) => !present))
      const id = migrations[i]!.id
      problems.push({
        code: 'OUT_OF_ORDER',
        severity: 'error',
        revision: id,
        message: schemaNeutral
          ? `${id} was never recorded as applied, but the later ${trackedRevision} is, and it changes no schema, so the database cannot show whether it ran: if it was added with an older version than migrations already applied, apply it where it stands with \`plumbline up --out-of-order\`; if it ran and its row was lost, record it with \`plumbline baseline --revision ${trackedRevision}\``
          : lateMerge
            ? `${id} was never applied, but the later ${trackedRevision} is: it was added with an older version than migrations already applied — apply it where it stands with \`plumbline up --out-of-order\`, or give it a version after ${migrations.at(-1)!.id} (rename the file)`
            : `revision ${id} is not recorded as applied, but the later ${trackedRevision} is`,
        evidence: { lateMerge, ...(schemaNeutral ? { schemaNeutral } : {}) },
      })
    }
  }

  for (const row of known) {
    const file = migrations[index.get(row.revision)!]!
    if (row.status === 'applied' && row.checksum !== file.checksum) {
      const cosmetic = row.normalizedChecksum !== null && row.normalizedChecksum === file.normalizedChecksum
      states.add('checksum_mismatch')
      problems.push({
        code: cosmetic ? 'COSMETIC_EDIT' : 'CHECKSUM_MISMATCH',
        severity: cosmetic ? 'warning' : 'error',
        revision: row.revision,
        message: cosmetic
          ? `${file.path} changed after it was applied, in whitespace or comments only`
          : `${file.path} changed after it was applied: what is in the file is not what ran`,
        evidence: {
          recorded: row.checksum,
          file: file.checksum,
          recordedNormalized: row.normalizedChecksum,
          fileNormalized: file.normalizedChecksum,
        },
      })
    }
    if (row.status === 'failed' || row.status === 'partial' || row.status === 'running') {
      states.add('failed')
      // A journaled run is judged by the live schema, statement by statement, not by its count.
      const journal = revisionJournal(history, row.revision, live, row.statementsDone ?? 0)
      if (journal) journals.set(row.revision, journal)
      problems.push({
        code:
          row.status === 'failed'
            ? 'FAILED_MIGRATION'
            : row.status === 'partial'
              ? 'PARTIAL_MIGRATION'
              : 'INTERRUPTED_MIGRATION',
        severity: 'error',
        revision: row.revision,
        message:
          (row.status === 'running'
            ? `${row.revision} was started ${row.startedAt ?? row.appliedAt} by ${row.appliedBy ?? 'an unknown process'} and never finished (the process died, or lost its connection)`
            : `${row.revision} ${row.status === 'failed' ? 'failed' : 'stopped part-way'} after ${row.statementsDone ?? 0} of ${row.statementsTotal ?? '?'} statements${row.error ? `: ${row.error}` : ''}`) +
          (journal ? journalNote(journal) : ''),
        evidence: journal ? { row, ...journalEvidence(journal) } : { row },
      })
    }
  }

  const noTracking = !tracking.exists || (tracking.raw.length === 0 && tracking.defects.length === 0)
  const inferredIndex = inference.revision === null ? -1 : index.get(inference.revision)!
  // The schema object problems are measured against: the tracked revision, or — without tracking,
  // or when the schema is exactly at a later revision than tracking says — the inferred one.
  // A stopped attempt of a later revision explains a schema ahead of tracking: its schema
  // statements may all have run while a data statement did not. That is `failed`, not a damaged table.
  const stoppedAhead = known.some(
    (r) =>
      (r.status === 'failed' || r.status === 'partial' || r.status === 'running') &&
      index.get(r.revision)! > trackedIndex &&
      index.get(r.revision)! <= inferredIndex,
  )
  // Revisions that change no schema (data migrations) match alike: when the tracked revision is
  // one of the exact matches, the schema is where tracking says, not ahead of it.
  const trackedMatches =
    inference.exact && [inference.revision, ...inference.alsoExact].includes(trackedRevision)
  const aheadOfTracking =
    !noTracking && inference.exact && inferredIndex > trackedIndex && !stoppedAhead && !trackedMatches
  const referenceIndex = noTracking || aheadOfTracking ? inferredIndex : trackedIndex
  const reference = referenceIndex >= 0 ? history.revisions[referenceIndex]!.schema : history.initial
  if (noTracking && (inference.revision !== null || !inference.exact)) {
    states.add('untracked_schema')
    problems.push({
      code: 'UNTRACKED_SCHEMA',
      severity: 'error',
      revision: inference.revision,
      message: tracking.exists
        ? `plumbline_migrations is empty, but the schema is at ${describeInference(inference)}`
        : `the database has a schema but no plumbline_migrations table; the schema is at ${describeInference(inference)}`,
    })
  }
  if (aheadOfTracking) {
    states.add('corrupted_tracking')
    problems.push({
      code: 'TRACKING_BEHIND_SCHEMA',
      severity: 'error',
      revision: inference.revision,
      message: `tracking says ${trackedRevision ?? 'nothing'} is applied, but the schema is exactly at ${inference.revision}`,
    })
  }

  const d = withoutJournaledProgress(diff(reference, live), journals)
  const versions = definitionHistory(history)
  const droppers = objectDroppers(history)
  let missingCount = 0
  let driftCount = 0
  for (const object of d.missing) {
    const owner = owners.get(objectKey(object)) ?? null
    missingCount++
    problems.push({
      code: 'MISSING_OBJECT',
      severity: 'error',
      revision: owner,
      object: problemObject(object),
      message: `${describeObject(object)}${owner ? ` of ${owner}` : ''} is missing`,
      expected: object.definition,
      actual: null,
    })
  }
  for (const change of d.changed) {
    // A live definition that an earlier revision gave the object means the later changes never
    // took effect: that is a partly applied revision, not drift.
    const chain = versions.get(change.key) ?? []
    const at = chain.findIndex((v) => v.definition === change.actual.definition)
    const unapplied = at >= 0 && at < chain.length - 1 ? chain[at + 1]! : undefined
    if (unapplied) missingCount++
    else driftCount++
    problems.push({
      code: unapplied ? 'MISSING_CHANGE' : 'CHANGED_OBJECT',
      severity: 'error',
      revision: unapplied?.revision ?? owners.get(change.key) ?? null,
      object: problemObject(change.expected),
      message: unapplied
        ? `${describeObject(change.expected)} is as before ${unapplied.revision}: that revision's change to it is missing`
        : `${describeObject(change.expected)} differs from what the migrations define`,
      expected: change.expected.definition,
      actual: change.actual.definition,
    })
  }
  for (const object of d.extra) {
    const key = objectKey(object)
    const owner = owners.get(key)
    const dropper = droppers.get(key)
    // An object a revision up to the reference dropped, still there: that revision's drop is missing.
    const unappliedDrop =
      owner !== undefined &&
      dropper !== undefined &&
      index.get(dropper)! <= referenceIndex &&
      index.get(dropper)! > index.get(owner)!
    if (unappliedDrop) missingCount++
    else if (owner !== undefined) driftCount++
    problems.push({
      code: unappliedDrop ? 'MISSING_CHANGE' : 'EXTRA_OBJECT',
      severity: owner === undefined ? 'warning' : 'error',
      revision: unappliedDrop ? dropper : (owner ?? null),
      object: problemObject(object),
      message: unappliedDrop
        ? `${describeObject(object)} still exists: ${dropper} drops it, and that change is missing`
        : owner === undefined
          ? `${describeObject(object)} exists but no migration created it`
          : `${describeObject(object)} exists, but at this revision it should not (${owner} creates it)`,
      expected: null,
      actual: object.definition,
    })
  }
  if (driftCount > 0) states.add('drift')
  else if (missingCount > 0) states.add(noTracking ? 'untracked_schema' : 'partial')
  if (noTracking && inference.alsoExact.length > 0) {
    problems.push({
      code: 'AMBIGUOUS_REVISION',
      severity: 'warning',
      revision: inference.revision,
      message: `the schema matches ${[inference.revision, ...inference.alsoExact].map((r) => r ?? '(before the first migration)').join(', ')} alike: their migrations change no schema; assuming the latest, ${inference.revision}`,
    })
  }

  const baseIndex = noTracking || aheadOfTracking ? inferredIndex : trackedIndex
  const pending = migrations
    .slice(baseIndex + 1)
    .filter((m) => rowOf.get(m.id)?.status !== 'applied')
    .map((m) => m.id)
  const state: State =
    STATES.find((s) => states.has(s)) ??
    (noTracking && inference.revision === null ? 'fresh' : pending.length > 0 ? 'pending' : 'healthy')

  const missingBy = new Map<string, number>()
  for (const p of problems)
    if (p.code === 'MISSING_OBJECT' && p.revision)
      missingBy.set(p.revision, (missingBy.get(p.revision) ?? 0) + 1)
  const ownedBy = new Map<string, number>()
  for (const owner of owners.values()) ownedBy.set(owner, (ownedBy.get(owner) ?? 0) + 1)
  const timeline: RevisionLine[] = migrations.map((m) => {
    const row = rowOf.get(m.id) ?? null
    const status: RevisionStatus = row ? (row.status as RevisionStatus) : 'pending'
    return {
      id: m.id,
      status: status === 'rolled_back' ? 'pending' : status,
      row,
      missingObjects: missingBy.get(m.id) ?? 0,
      ownedObjects: ownedBy.get(m.id) ?? 0,
      ...(journals.has(m.id) ? { journal: journals.get(m.id)! } : {}),
    }
  })
  for (const row of tracking.rows) {
    if (!index.has(row.revision))
      timeline.push({ id: row.revision, status: 'missing_file', row, missingObjects: 0, ownedObjects: 0 })
  }

  return Object.freeze({
    dialect: observation.dialect,
    state,
    strategy: strategyFor(state, problems, inference),
    head,
    tracked: { revision: trackedRevision },
    inferred: live.objects.length === 0 && history.revisions.length === 0 ? null : inference,
    pending,
    problems: Object.freeze(problems),
    timeline: Object.freeze(timeline),
  })
}

/**
 * A stopped journaled run whose progress the live schema proves left its objects as its done
 * statements leave them: those objects are that run's progress, named by its problem — not
 * missing, changed or extra objects.
 */
function withoutJournaledProgress(d: SchemaDiff, journals: ReadonlyMap<string, JournalProgress>): SchemaDiff {
  const explained = new Set([...journals.values()].flatMap((j) => (j.verified === null ? [] : j.touched)))
  if (explained.size === 0) return d
  return {
    missing: d.missing.filter((o) => !explained.has(objectKey(o))),
    extra: d.extra.filter((o) => !explained.has(objectKey(o))),
    changed: d.changed.filter((c) => !explained.has(c.key)),
  }
}

function strategyFor(state: State, problems: ReadonlyArray<Problem>, inference: Inference): Strategy {
  switch (state) {
    case 'healthy':
      return 'no_action'
    case 'fresh':
    case 'pending':
      return 'normal_migration'
    case 'untracked_schema':
      return problems.some((p) => p.code === 'CHANGED_OBJECT') ? 'manual' : 'initialize_tracking'
    case 'partial':
      return 'complete_partial_migration'
    case 'failed':
      return 'resume_failed'
    case 'corrupted_tracking':
      if (problems.some((p) => p.code === 'OUT_OF_ORDER' && p.evidence?.lateMerge === true)) return 'manual'
      return inference.distance === 0 || problems.every((p) => p.code !== 'CHANGED_OBJECT')
        ? 'repair_tracking'
        : 'manual'
    case 'checksum_mismatch':
      return problems.some((p) => p.code === 'CHECKSUM_MISMATCH') ? 'manual' : 'repair_tracking'
    case 'unknown_revision':
    case 'drift':
    case 'locked':
      return 'manual'
  }
}

function describeInference(inference: Inference): string {
  const at = inference.revision ?? 'the state before the first migration'
  return inference.exact
    ? `${at} (exact match)`
    : `${at} at best, with ${inference.distance} object(s) missing or different`
}

function problemObject(object: SchemaObject): ProblemObject {
  return {
    kind: object.kind,
    name: object.name,
    ...(object.table === undefined ? {} : { table: object.table }),
    ...(object.schema === undefined ? {} : { schema: object.schema }),
  }
}
