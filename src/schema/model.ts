import type { DialectName } from '../config/connection-url.js'

/**
 * The kinds of object plumbline models. A dialect that lacks a kind never produces it.
 * Table-scoped kinds (see {@link TABLE_SCOPED_KINDS}) are named within their table.
 */
export type ObjectKind =
  | 'schema'
  | 'extension'
  | 'type'
  | 'sequence'
  | 'table'
  | 'column'
  | 'primary_key'
  | 'unique'
  | 'foreign_key'
  | 'check'
  | 'index'
  | 'view'
  | 'materialized_view'
  | 'trigger'
  | 'function'
  | 'procedure'

/**
 * Kinds whose names are unique only within their table; their key includes the table. Indexes
 * are among them: MySQL names an index per table, and an index always belongs to one table.
 */
export const TABLE_SCOPED_KINDS: ReadonlySet<ObjectKind> = new Set([
  'column',
  'index',
  'primary_key',
  'unique',
  'foreign_key',
  'check',
  'trigger',
])

/** Structured facts about an object: JSON values only. Not part of the fingerprint. */
export type ObjectDetails = Readonly<Record<string, unknown>>

/**
 * One object of a schema.
 *
 * `definition` is canonical text taken from the database itself and normalised, so that two
 * databases built by the same migrations produce the same text and any real difference shows.
 * Only `kind`, `schema`, `table`, `name` and `definition` take part in identity and fingerprint;
 * `details` carries structured facts (column lists, ordinal positions, versions) for rendering.
 */
export interface SchemaObject {
  readonly kind: ObjectKind
  /** PostgreSQL schema or MySQL database; absent on SQLite. */
  readonly schema?: string
  /** For functions and procedures the name carries the argument types: `add(integer, integer)`. */
  readonly name: string
  /** The table (or view) the object belongs to, for table-scoped kinds, indexes and triggers. */
  readonly table?: string
  readonly definition: string
  readonly details?: ObjectDetails
}

/** A database schema as plumbline models it: objects sorted by key, frozen. */
export interface Schema {
  readonly dialect: DialectName
  readonly objects: ReadonlyArray<SchemaObject>
}

/**
 * The stable identity of an object: `index:public.goals.idx_goals_user_id`, `column:public.users.email`.
 * Objects with equal keys are the same object; their definitions may differ.
 */
export function objectKey(object: Pick<SchemaObject, 'kind' | 'schema' | 'table' | 'name'>): string {
  // Frozen objects never change: their key is computed once (introspection caches and history
  // replays hand the same objects to every comparison).
  const frozen = Object.isFrozen(object)
  if (frozen) {
    const cached = keys.get(object)
    if (cached !== undefined) return cached
  }
  let key = `${object.kind}:`
  if (object.schema !== undefined) key += `${object.schema}.`
  if (TABLE_SCOPED_KINDS.has(object.kind) && object.table !== undefined) key += `${object.table}.`
  key += object.name
  if (frozen) keys.set(object, key)
  return key
}

const keys = new WeakMap<object, string>()

/**
 * Builds a frozen schema from objects in any order. Two objects with one key mean the dialect
 * modelled something twice: that is a bug, reported rather than hidden.
 */
export function createSchema(dialect: DialectName, objects: Iterable<SchemaObject>): Schema {
  // Each key is computed once; the sort compares the precomputed keys (this runs on every
  // introspection of thousands of objects).
  const keyed: Array<{ key: string; object: SchemaObject }> = []
  const seen = new Set<string>()
  for (const object of objects) {
    const key = objectKey(object)
    if (seen.has(key)) throw new Error(`schema model: two objects share the key ${key}`)
    seen.add(key)
    const frozen = Object.isFrozen(object) ? object : Object.freeze({ ...object })
    // The frozen copy has the same key: later comparisons look it up instead of building it.
    if (frozen !== object) keys.set(frozen, key)
    keyed.push({ key, object: frozen })
  }
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  const sorted = new Array<SchemaObject>(keyed.length)
  for (let i = 0; i < keyed.length; i++) sorted[i] = keyed[i]!.object
  return Object.freeze({ dialect, objects: Object.freeze(sorted) })
}

/** A short human label: `index idx_goals_user_id on goals`. */
export function describeObject(object: Pick<SchemaObject, 'kind' | 'table' | 'name'>): string {
  const kind = object.kind.replace(/_/g, ' ')
  return object.table !== undefined ? `${kind} ${object.name} on ${object.table}` : `${kind} ${object.name}`
}
