import { objectKey, type Schema, type SchemaObject } from './model.js'

/** An object present on both sides with different definitions. */
export interface ChangedObject {
  readonly key: string
  readonly expected: SchemaObject
  readonly actual: SchemaObject
}

/** What separates an expected schema from an actual one, object by object, sorted by key. */
export interface SchemaDiff {
  /** In `expected`, not in `actual`. */
  readonly missing: ReadonlyArray<SchemaObject>
  /** In `actual`, not in `expected`. */
  readonly extra: ReadonlyArray<SchemaObject>
  readonly changed: ReadonlyArray<ChangedObject>
}

/**
 * Compares two schemas object by object.
 *
 * @example
 * const d = diff(expectedAtHead, live)
 * d.missing.map(o => o.name) // ['idx_goals_user_id', …]
 */
export function diff(expected: Schema, actual: Schema): SchemaDiff {
  const actualByKey = new Map(actual.objects.map((o) => [objectKey(o), o] as const))
  const missing: SchemaObject[] = []
  const changed: ChangedObject[] = []
  for (const object of expected.objects) {
    const key = objectKey(object)
    const other = actualByKey.get(key)
    if (other === undefined) missing.push(object)
    else {
      if (other.definition !== object.definition) changed.push({ key, expected: object, actual: other })
      actualByKey.delete(key)
    }
  }
  const extra = actual.objects.filter((o) => actualByKey.has(objectKey(o)))
  return Object.freeze({
    missing: Object.freeze(missing),
    extra: Object.freeze(extra),
    changed: Object.freeze(changed),
  })
}

/** True when the two schemas are equal. */
export function isEmptyDiff(d: SchemaDiff): boolean {
  return d.missing.length === 0 && d.extra.length === 0 && d.changed.length === 0
}

/** The number of objects a diff names: how far apart two schemas are. */
export function diffSize(d: SchemaDiff): number {
  return d.missing.length + d.extra.length + d.changed.length
}
