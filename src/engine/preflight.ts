import type { DialectName } from '../config/connection-url.js'
import type { History } from '../history/history-model.js'
import { findById } from '../history/index-by-id.js'
import { describeObject, objectKey, type Schema, type SchemaObject } from '../schema/model.js'

/** A pending revision that cannot fit the live schema, and the object that shows it. */
export interface Misfit {
  readonly revision: string
  readonly message: string
}

/**
 * Checks, before anything runs, that each pending revision's delta fits the schema it will meet:
 * what it creates must not exist, what it drops or changes must exist as it expects. The live
 * schema is carried forward through the deltas, so the fifth pending migration is checked
 * against what the first four will leave.
 */
export function preflight(
  history: History,
  live: Schema,
  pending: ReadonlyArray<string>,
): ReadonlyArray<Misfit> {
  const misfits: Misfit[] = []
  // The live schema carried forward through the deltas, as two maps updated in place: rebuilding
  // a schema per pending revision cost more than the checks themselves on a long history.
  const byKey = new Map(live.objects.map((o) => [objectKey(o), o] as const))
  const byName = new Map(live.objects.map((o) => [claimedName(live.dialect, o), o] as const))
  for (const id of pending) {
    const revision = findById(history.revisions, id)!
    const dropped = new Set(revision.delta.dropped.map(objectKey))
    const named = (o: SchemaObject) => {
      const holder = byName.get(claimedName(live.dialect, o))
      return holder !== undefined && !dropped.has(objectKey(holder)) ? holder : undefined
    }
    for (const o of revision.delta.created) {
      const existing = byKey.get(objectKey(o)) ?? named(o)
      if (existing === undefined) continue
      const same = objectKey(existing) === objectKey(o)
      misfits.push({
        revision: id,
        message:
          same && existing.definition === o.definition
            ? `${id} creates ${describeObject(o)}, which already exists (no migration created it)`
            : `${id} creates ${describeObject(o)}, but ${same ? 'one of that name already exists with another definition' : `${describeObject(existing)} already holds that name`} — IF NOT EXISTS would skip it silently\n      expected: ${o.definition}\n      found:    ${existing.definition}`,
      })
    }
    for (const o of revision.delta.dropped) {
      if (!byKey.has(objectKey(o)))
        misfits.push({ revision: id, message: `${id} drops ${describeObject(o)}, which does not exist` })
    }
    for (const { before } of revision.delta.changed) {
      const existing = byKey.get(objectKey(before))
      if (existing === undefined)
        misfits.push({
          revision: id,
          message: `${id} changes ${describeObject(before)}, which does not exist`,
        })
      else if (existing.definition !== before.definition) {
        misfits.push({
          revision: id,
          message: `${id} changes ${describeObject(before)}, which is not as it expects\n      expected: ${before.definition}\n      found:    ${existing.definition}`,
        })
      }
    }
    for (const o of revision.delta.dropped) {
      const key = objectKey(o)
      const gone = byKey.get(key)
      byKey.delete(key)
      const name = claimedName(live.dialect, o)
      if (gone !== undefined && byName.get(name) === gone) byName.delete(name)
    }
    for (const o of [...revision.delta.changed.map((c) => c.after), ...revision.delta.created]) {
      byKey.set(objectKey(o), o)
      byName.set(claimedName(live.dialect, o), o)
    }
  }
  return misfits
}

/**
 * The name an object takes in its database, compared as the database compares it: tables, views
 * and indexes share one namespace per schema on SQLite and PostgreSQL (sequences too on
 * PostgreSQL; MySQL names indexes per table), and SQLite ignores the case of every name, MySQL
 * that of index and column names. `CREATE … IF NOT EXISTS` skips on any such clash.
 */
function claimedName(dialect: DialectName, o: SchemaObject): string {
  const folds = dialect === 'sqlite' || (dialect === 'mysql' && (o.kind === 'index' || o.kind === 'column'))
  const name = folds ? o.name.toLowerCase() : o.name
  const relation =
    o.kind === 'table' ||
    o.kind === 'view' ||
    o.kind === 'materialized_view' ||
    (o.kind === 'index' && dialect !== 'mysql') ||
    (o.kind === 'sequence' && dialect === 'postgres')
  return relation ? `relation:${o.schema ?? ''}.${name}` : objectKey({ ...o, name })
}
