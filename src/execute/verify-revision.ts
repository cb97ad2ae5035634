import type { Connection, Dialect, IntrospectOptions } from '../dialects/dialect.js'
import { PlumblineError } from '../errors/plumbline-error.js'
import type { RevisionDelta } from '../history/revision-delta.js'
import {
  describeObject,
  objectKey,
  type Schema,
  type SchemaObject,
  TABLE_SCOPED_KINDS,
} from '../schema/model.js'

/** What the database shows of a delta that it should not. */
export interface DeltaMismatch {
  readonly missing: ReadonlyArray<SchemaObject>
  readonly changed: ReadonlyArray<{ readonly expected: SchemaObject; readonly actual: SchemaObject }>
  /** Objects the delta drops that are still there. */
  readonly remaining: ReadonlyArray<SchemaObject>
}

/**
 * Reads only the objects a delta touches and checks that the database shows exactly its effect:
 * every created or changed object present with its expected definition, every dropped one gone.
 */
export async function checkDelta(
  conn: Connection,
  dialect: Dialect,
  delta: RevisionDelta,
  { inTransaction = false }: { readonly inTransaction?: boolean } = {},
): Promise<DeltaMismatch> {
  const read = deltaRead(delta, inTransaction)
  if (read === undefined) return { missing: [], changed: [], remaining: [] }
  return compareDelta(delta, await dialect.introspect(conn, read))
}

/** What to read of the live schema to check `delta`; `undefined` when it touches nothing. */
export function deltaRead(delta: RevisionDelta, inTransaction: boolean): IntrospectOptions | undefined {
  const wanted = [...delta.created, ...delta.changed.map((c) => c.after)]
  const touched = [...wanted, ...delta.dropped]
  if (touched.length === 0) return undefined
  return {
    expected: wanted,
    only: relationsOf(touched),
    kinds: [...new Set(touched.map((o) => o.kind))],
    objects: [...new Set(touched.filter((o) => TABLE_SCOPED_KINDS.has(o.kind)).map((o) => o.name))],
    details: false,
    inTransaction,
  }
}

/** What `live` (read with {@link deltaRead}) shows of `delta` that it should not. */
export function compareDelta(delta: RevisionDelta, live: Schema): DeltaMismatch {
  const wanted = [...delta.created, ...delta.changed.map((c) => c.after)]
  const byKey = new Map(live.objects.map((o) => [objectKey(o), o] as const))
  const missing: SchemaObject[] = []
  const changed: Array<{ expected: SchemaObject; actual: SchemaObject }> = []
  for (const object of wanted) {
    const actual = byKey.get(objectKey(object))
    if (actual === undefined) missing.push(object)
    else if (actual.definition !== object.definition) changed.push({ expected: object, actual })
  }
  const remaining = delta.dropped.filter((o) => byKey.has(objectKey(o)))
  return { missing, changed, remaining }
}

/** True when nothing is out of place. */
export function isCleanDelta(m: DeltaMismatch): boolean {
  return m.missing.length === 0 && m.changed.length === 0 && m.remaining.length === 0
}

/** The objects to introspect for a set of objects: their tables, or themselves. */
export function relationsOf(objects: ReadonlyArray<SchemaObject>): Array<{ schema?: string; name: string }> {
  const seen = new Map<string, { schema?: string; name: string }>()
  for (const o of objects) {
    const name =
      (TABLE_SCOPED_KINDS.has(o.kind) || o.kind === 'index') && o.table !== undefined
        ? o.table
        : o.name.replace(/\(.*$/, '')
    const entry = o.schema === undefined ? { name } : { schema: o.schema, name }
    seen.set(`${o.schema ?? ''}.${name}`, entry)
  }
  return [...seen.values()]
}

/** The error a verification failure raises, listing exactly what differs. */
export function verificationFailed(
  revision: string,
  mismatch: DeltaMismatch,
  rolledBack: boolean,
): PlumblineError {
  const lines = [
    ...mismatch.missing.map((o) => `  - ${describeObject(o)} is missing (expected: ${o.definition})`),
    ...mismatch.changed.map(
      (c) =>
        `  - ${describeObject(c.expected)} differs\n      expected: ${c.expected.definition}\n      found:    ${c.actual.definition}`,
    ),
    ...mismatch.remaining.map((o) => `  - ${describeObject(o)} should have been dropped, and is still there`),
  ]
  return new PlumblineError({
    code: 'VERIFICATION_FAILED',
    message: `migration ${revision} ran without error, but the database does not show its effect${
      rolledBack ? ' (it was rolled back)' : ''
    }:\n${lines.join('\n')}`,
    hint:
      mismatch.changed.length > 0
        ? 'an object of that name already existed with another definition (IF NOT EXISTS skips it silently): rename one of them, or drop the old one in the migration'
        : 'check the migration for statements that skip silently (IF NOT EXISTS, IF EXISTS, conditional blocks)',
    details: {
      revision,
      missing: mismatch.missing.map((o) => ({
        kind: o.kind,
        name: o.name,
        table: o.table,
        expected: o.definition,
      })),
      changed: mismatch.changed.map((c) => ({
        kind: c.expected.kind,
        name: c.expected.name,
        table: c.expected.table,
        expected: c.expected.definition,
        actual: c.actual.definition,
      })),
      remaining: mismatch.remaining.map((o) => ({ kind: o.kind, name: o.name, table: o.table })),
    },
  })
}
