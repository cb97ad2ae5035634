import type { Schema, SchemaObject } from '../schema/model.js'

/**
 * Turns expected objects back into DDL, so a partly applied revision can be completed from the
 * definitions the history recorded. Pure; each dialect provides one.
 */
export interface DdlRenderer {
  /**
   * Statements creating `object` as `expected` defines it. A table comes with its columns,
   * constraints, indexes and triggers (the planner does not create those parts of a missing table
   * again); a column as `ALTER TABLE … ADD COLUMN`. `null` when the dialect cannot create
   * it without touching user data (a human decides).
   */
  create(object: SchemaObject, expected: Schema): ReadonlyArray<string> | null
  /** The statement dropping an object that holds no data (index, view, trigger, routine), or `null`. */
  drop(object: SchemaObject): string | null
}

/** Kinds that hold no user data: recovery may drop and re-create them. Tables and columns never. */
export const DATALESS_KINDS: ReadonlySet<SchemaObject['kind']> = new Set([
  'index',
  'view',
  'materialized_view',
  'trigger',
  'function',
  'procedure',
])
