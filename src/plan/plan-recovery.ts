import type { History } from '../history/history-model.js'
import { findById, indexOfId } from '../history/index-by-id.js'
import { describeObject, objectKey, type Schema, type SchemaObject } from '../schema/model.js'
import type { Migration } from '../source/migration.js'
import type { Diagnosis, Problem } from '../state/diagnosis.js'
import type { TrackingObservation } from '../tracking/tracking-model.js'
import { MIGRATIONS_COLUMNS } from '../tracking/tracking-tables.js'
import { DATALESS_KINDS, type DdlRenderer } from './ddl-renderer.js'
import type { Blocker, Plan, PlanStep } from './plan.js'
import { planJournaledResume } from './plan-journal.js'

/** Everything the recovery planner reads. */
export interface RecoveryInput {
  readonly diagnosis: Diagnosis
  readonly history: History
  readonly migrations: ReadonlyArray<Migration>
  readonly live: Schema
  readonly tracking: TrackingObservation
  readonly renderer: DdlRenderer
  /** DDL creating the tracking tables, shown in the plan. */
  readonly trackingDdl: ReadonlyArray<string>
  /** Apply pending migrations once the state is resolved (`recover` without `--no-migrate`). */
  readonly migrate: boolean
  /**
   * The dialect's DDL rolls back with its transaction. Without it (MySQL) every migration ran
   * statement by statement, journaled, whatever its directives: a half-done one is resumed.
   */
  readonly transactionalDdl: boolean
}

/**
 * The plan that resolves a diagnosis's state — one strategy at a time; `recover` diagnoses again
 * after running it and plans again until the database is healthy or a human is needed. Pure.
 * Never plans to drop a table or a column, or to delete a user row.
 */
export function planRecovery(input: RecoveryInput): Plan {
  const { diagnosis, tracking } = input
  const steps: PlanStep[] = []
  const blockers: Blocker[] = []
  const byId = new Map(input.migrations.map((m) => [m.id, m] as const))
  const ensureTracking = () => {
    if (!tracking.exists) {
      steps.push({
        action: 'create_tracking_tables',
        description: 'create plumbline_migrations and plumbline_events',
        sql: input.trackingDdl,
      })
    }
  }
  const applyPending = () => {
    if (!input.migrate) return
    for (const id of diagnosis.pending) {
      const m = byId.get(id)!
      steps.push({
        action: 'apply_migration',
        revision: id,
        description: `apply ${id}, verified`,
        sql: statementsOf(m),
      })
    }
  }

  switch (diagnosis.strategy) {
    case 'no_action':
      break
    case 'normal_migration':
      ensureTracking()
      applyPending()
      break
    case 'initialize_tracking': {
      ensureTracking()
      const upTo = diagnosis.inferred?.revision ?? null
      const revisions =
        upTo === null ? [] : input.migrations.slice(0, indexOfId(input.migrations, upTo) + 1).map((m) => m.id)
      steps.push({
        action: 'record_applied',
        revisions,
        description: `record ${revisions.length} revision(s) up to ${upTo} as applied (baseline at the inferred revision)`,
        reason: diagnosis.inferred?.exact
          ? `the live schema matches ${upTo} exactly`
          : `the live schema is nearest to ${upTo}; ${diagnosis.inferred?.distance} object(s) differ and are completed next`,
        sql: [],
      })
      break
    }
    case 'repair_tracking': {
      const accept = cosmeticEditSteps(diagnosis)
      if (accept.length > 0) {
        steps.push(...accept)
        break
      }
      const upTo = diagnosis.inferred?.revision ?? null
      const revisions =
        upTo === null ? [] : input.migrations.slice(0, indexOfId(input.migrations, upTo) + 1).map((m) => m.id)
      // A table made by hand (columns missing, no key on revision, hence duplicates) cannot take
      // plumbline's rows: it is set aside and made anew.
      const rebuildTable =
        MIGRATIONS_COLUMNS.some((c) => !tracking.columns.includes(c)) ||
        tracking.defects.some((d) => d.code === 'MISSING_COLUMNS' || d.code === 'DUPLICATE_REVISION')
      steps.push({
        action: 'rewrite_tracking',
        revisions,
        rebuildTable,
        description: `rewrite the tracking table to say ${upTo ?? 'nothing'} is applied${rebuildTable ? ' (the damaged table is renamed and kept, then recreated)' : ''}`,
        reason: `the live schema is at ${upTo ?? 'the state before the first migration'}${diagnosis.inferred?.exact ? ' (exact match)' : ` (nearest; ${diagnosis.inferred?.distance} object(s) differ)`}`,
        sql: rebuildTable ? input.trackingDdl : [],
      })
      break
    }
    case 'complete_partial_migration':
      planCompletion(input, steps, blockers)
      break
    case 'resume_failed':
      planResume(input, steps, blockers)
      break
    case 'manual':
      for (const p of diagnosis.problems.filter((x) => x.severity === 'error'))
        blockers.push({ revision: p.revision ?? null, message: p.message })
      break
  }
  return Object.freeze({ steps: Object.freeze(steps), blockers: Object.freeze(blockers) })
}

/** Missing objects and missing changes, revision by revision. */
function planCompletion(input: RecoveryInput, steps: PlanStep[], blockers: Blocker[]): void {
  const { diagnosis, history } = input
  const trackedIndex =
    diagnosis.tracked.revision === null ? -1 : indexOfId(input.migrations, diagnosis.tracked.revision)
  const expected = trackedIndex >= 0 ? history.revisions[trackedIndex]!.schema : history.initial
  const groups = new Map<string, Problem[]>()
  for (const p of diagnosis.problems) {
    if ((p.code === 'MISSING_OBJECT' || p.code === 'MISSING_CHANGE') && p.revision) {
      groups.set(p.revision, [...(groups.get(p.revision) ?? []), p])
    }
  }
  const ordered = [...groups.keys()].sort(
    (a, b) => indexOfId(input.migrations, a) - indexOfId(input.migrations, b),
  )
  for (const revisionId of ordered) {
    const problems = groups.get(revisionId)!
    const at = indexOfId(input.migrations, revisionId)
    const revision = history.revisions[at]!
    const migration = input.migrations[at]!
    const effects =
      revision.delta.created.length + revision.delta.changed.length + revision.delta.dropped.length
    const touchedLater = laterTouched(history, at, trackedIndex, revision.delta)
    if (problems.length === effects && !touchedLater && migration.kind === 'sql') {
      steps.push({
        action: 'rerun_revision',
        revision: revisionId,
        description: `run ${revisionId} again, verified: none of its ${effects} effect(s) are in the database`,
        sql: statementsOf(migration),
      })
      continue
    }
    const objects: SchemaObject[] = []
    const sql: string[] = []
    const live = new Map(input.live.objects.map((o) => [objectKey(o), o] as const))
    const expectedByKey = new Map(expected.objects.map((o) => [objectKey(o), o] as const))
    const missingTables = new Set(
      problems
        .filter((p) => p.code === 'MISSING_OBJECT' && p.object?.kind === 'table')
        .map((p) => tableKey(p.object!.schema, p.object!.name)),
    )
    for (const p of orderForCreation(problems)) {
      const key = objectKey(p.object!)
      const object = expectedByKey.get(key)
      if (p.code === 'MISSING_OBJECT' && object) {
        // A missing table is created with its columns and constraints: its parts are not created twice.
        if (
          object.kind !== 'table' &&
          object.table !== undefined &&
          missingTables.has(tableKey(object.schema, object.table))
        ) {
          objects.push(object) // created with its table; still verified one by one
          continue
        }
        const created = input.renderer.create(object, expected)
        if (created !== null) {
          objects.push(object)
          sql.push(...created)
          continue
        }
      }
      const current = live.get(key)
      if (p.code === 'MISSING_CHANGE' && current && DATALESS_KINDS.has(current.kind)) {
        const drop = input.renderer.drop(current)
        if (drop !== null) {
          const created = object ? input.renderer.create(object, expected) : []
          if (created !== null) {
            sql.push(drop, ...created)
            if (object) objects.push(object)
            continue
          }
        }
      }
      blockers.push({
        revision: revisionId,
        message: `${p.object ? describeObject(p.object) : 'an object'}: ${p.message}; recovery never alters or drops a table or column by itself — change it by hand or in a new migration`,
      })
    }
    // Ownership of a sequence needs its table: set it once everything else of the step exists.
    const ownership = sql.filter((x) => /^ALTER SEQUENCE .* OWNED BY /.test(x))
    const ordered = [...sql.filter((x) => !ownership.includes(x)), ...ownership]
    if (ordered.length > 0) {
      steps.push({
        action: 'create_missing_objects',
        revision: revisionId,
        objects,
        description: `complete ${revisionId}: create ${objects.length} missing object(s) from their expected definitions`,
        sql: ordered,
      })
    }
  }
}

/** Failed, partial and interrupted attempts. */
function planResume(input: RecoveryInput, steps: PlanStep[], blockers: Blocker[]): void {
  const { diagnosis, history } = input
  const live = new Map(input.live.objects.map((o) => [objectKey(o), o] as const))
  for (const p of diagnosis.problems) {
    if (p.code !== 'FAILED_MIGRATION' && p.code !== 'PARTIAL_MIGRATION' && p.code !== 'INTERRUPTED_MIGRATION')
      continue
    const id = p.revision!
    const at = indexOfId(input.migrations, id)
    const migration = input.migrations[at]!
    const line = diagnosis.timeline.find((l) => l.id === id)
    if (line?.journal && migration.kind === 'sql') {
      // A journaled SQL migration: the live schema says, statement by statement, how far it got.
      planJournaledResume(
        id,
        line.row?.status ?? 'failed',
        line.journal,
        statementsOf(migration),
        steps,
        blockers,
      )
      continue
    }
    const delta = history.revisions[at]!.delta
    const effects = [
      ...delta.created.map((o) => live.get(objectKey(o))?.definition === o.definition),
      ...delta.changed.map((c) => live.get(objectKey(c.after))?.definition === c.after.definition),
      ...delta.dropped.map((o) => !live.has(objectKey(o))),
    ]
    const present = effects.filter(Boolean).length
    const row = diagnosis.timeline.find((l) => l.id === id)?.row
    const done = row?.statementsDone ?? 0
    if (effects.length > 0 && present === effects.length) {
      steps.push({
        action: 'record_applied',
        revisions: [id],
        description: `record ${id} as applied: all ${effects.length} of its effects are in the database`,
        reason: `the attempt recorded as ${row?.status} did take effect; only its tracking row was not finished`,
        sql: [],
      })
    } else if (present === 0) {
      steps.push({
        action: 'clear_failed_attempt',
        revision: id,
        description: `clear the ${row?.status ?? 'failed'} record of ${id}: none of its effects are in the database`,
        sql: [],
      })
      steps.push({
        action: 'apply_migration',
        revision: id,
        description: `apply ${id} again, verified`,
        sql: statementsOf(migration),
      })
    } else if ((!migration.transaction || !input.transactionalDdl) && migration.kind === 'sql') {
      const rest = statementsOf(migration).slice(done)
      steps.push({
        action: 'resume_migration',
        revision: id,
        fromStatement: done,
        description: `resume ${id} after statement ${done} of ${statementsOf(migration).length} (${present} of ${effects.length} effects are in place)`,
        sql: rest,
      })
    } else {
      blockers.push({
        revision: id,
        message: `${id} is half applied (${present} of ${effects.length} effects) although it ran in a transaction: finish or undo it by hand`,
      })
    }
  }
  if (input.migrate) {
    // Revisions a step resolves, or a blocker holds back, are not pending work to append.
    const planned = new Set([
      ...steps.flatMap((s) => ('revision' in s ? [s.revision] : 'revisions' in s ? s.revisions : [])),
      ...blockers.map((b) => b.revision),
    ])
    for (const id of input.diagnosis.pending) {
      if (planned.has(id)) continue
      const m = findById(input.migrations, id)!
      steps.push({
        action: 'apply_migration',
        revision: id,
        description: `apply ${id}, verified`,
        sql: statementsOf(m),
      })
    }
  }
}

/** Whether a later revision (up to the tracked one) changes or drops what this revision made. */
function laterTouched(
  history: History,
  at: number,
  trackedIndex: number,
  delta: History['revisions'][number]['delta'],
): boolean {
  const keys = new Set([
    ...delta.created.map(objectKey),
    ...delta.changed.map((c) => objectKey(c.after)),
    ...delta.dropped.map(objectKey),
  ])
  for (let i = at + 1; i <= trackedIndex; i++) {
    const later = history.revisions[i]!.delta
    for (const o of [...later.created, ...later.dropped, ...later.changed.map((c) => c.after)])
      if (keys.has(objectKey(o))) return true
  }
  return false
}

const CREATION_ORDER: ReadonlyArray<SchemaObject['kind']> = [
  'schema',
  'extension',
  'type',
  'sequence',
  'function',
  'table',
  'column',
  'primary_key',
  'unique',
  'check',
  'foreign_key',
  'index',
  'view',
  'materialized_view',
  'trigger',
  'procedure',
]

function orderForCreation(problems: ReadonlyArray<Problem>): Problem[] {
  return [...problems].sort(
    (a, b) => CREATION_ORDER.indexOf(a.object!.kind) - CREATION_ORDER.indexOf(b.object!.kind),
  )
}

function tableKey(schema: string | undefined, name: string): string {
  return `${schema ?? ''}.${name}`
}

/** The statements a SQL migration's up section runs; a code migration shows as one line. */
export function statementsOf(migration: Migration): ReadonlyArray<string> {
  return migration.kind === 'sql'
    ? migration.up.statements.map((s) => s.sql)
    : [`-- ${migration.path}: up(ctx)`]
}

/**
 * When applied files were edited in whitespace, comments or line endings only (and nothing else
 * makes the checksums disagree), the steps that record their new checksums; otherwise none.
 * Only in the `checksum_mismatch` state, unless `inAnyState` (`up --out-of-order`, where a late
 * merge is the state the database shows first).
 */
export function cosmeticEditSteps(
  diagnosis: Diagnosis,
  { inAnyState = false }: { readonly inAnyState?: boolean } = {},
): Array<Extract<PlanStep, { action: 'update_checksum' }>> {
  if (!inAnyState && diagnosis.state !== 'checksum_mismatch') return []
  if (diagnosis.problems.some((p) => p.code === 'CHECKSUM_MISMATCH')) return []
  return diagnosis.problems.flatMap((p) =>
    p.code === 'COSMETIC_EDIT' && typeof p.revision === 'string'
      ? [
          {
            action: 'update_checksum' as const,
            revision: p.revision,
            description: `accept the whitespace/comment-only edit of ${p.revision}: record the file's new checksum`,
            sql: [],
          },
        ]
      : [],
  )
}
