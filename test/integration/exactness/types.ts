import type { ObjectKind } from '../../../src/schema/model.js'

/** One object a change must show as, and nothing else. */
export interface ExpectedDifference {
  readonly as: 'missing' | 'extra' | 'changed'
  readonly kind: ObjectKind
  readonly name: string
  readonly table?: string
  /** PostgreSQL schema; defaults to `public` there (absent on SQLite). */
  readonly schema?: string
}

/** A single change to the base schema and exactly what `diff` must name for it. */
export interface ExactnessCase {
  /** Shared across dialects where the change exists in both (see REQUIRED_CASES). */
  readonly id: string
  /**
   * SQL making the change; runs in a transaction that is rolled back afterwards, or, where DDL is
   * not transactional (MySQL), on a fresh copy of the base that is dropped afterwards.
   */
  readonly change: string
  /** The objects `diff(base, changed)` names: all of them, nothing more. */
  readonly expect: ReadonlyArray<ExpectedDifference>
}

/** Everything the shared exactness suite needs from one dialect. */
export interface DialectExactness {
  /** Statements building a base schema with at least one object of every kind the dialect models. */
  readonly base: ReadonlyArray<string>
  /**
   * The same schema built by the same statements with independent ones in another order
   * (tables created in another order, indexes before or after data, …).
   */
  readonly baseReordered: ReadonlyArray<string>
  /** Rows for the base tables; data never changes a fingerprint. */
  readonly data: ReadonlyArray<string>
  /** Maintenance that must not change a fingerprint (VACUUM, ANALYZE, REINDEX, …); run outside a transaction. */
  readonly maintenance: ReadonlyArray<string>
  readonly cases: ReadonlyArray<ExactnessCase>
}

/** Case ids every dialect must have: the single changes issue #2's acceptance names. */
export const REQUIRED_CASES: Readonly<Record<string, ReadonlyArray<string>>> = {
  sqlite: [
    'drop-index',
    'add-index',
    'index-columns',
    'partial-index-predicate',
    'expression-index',
    'column-type',
    'column-default',
    'column-nullability',
    'column-collation',
    'add-check',
    'add-unique',
    'foreign-key-action',
    'view-body',
    'trigger-body',
    'add-table',
    'drop-column',
  ],
  postgres: [
    'drop-index',
    'add-index',
    'index-columns',
    'partial-index-predicate',
    'expression-index',
    'index-method',
    'index-include',
    'column-type',
    'column-default',
    'column-nullability',
    'column-collation',
    'column-identity',
    'generated-column',
    'add-check',
    'add-unique',
    'foreign-key-action',
    'foreign-key-deferrable',
    'view-body',
    'materialized-view-body',
    'trigger-body',
    'function-body',
    'procedure-body',
    'enum-value',
    'domain-check',
    'composite-type',
    'sequence-increment',
    'extension',
    'add-schema',
    'other-schema-table',
    'add-table',
    'drop-column',
  ],
  mysql: [
    'drop-index',
    'add-index',
    'index-columns',
    'index-prefix',
    'index-type',
    'column-type',
    'column-default',
    'column-nullability',
    'column-collation',
    'generated-column',
    'auto-increment',
    'add-check',
    'add-unique',
    'foreign-key-action',
    'view-body',
    'trigger-body',
    'function-body',
    'procedure-body',
    'table-engine',
    'add-table',
    'drop-column',
  ],
}
