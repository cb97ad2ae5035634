/** How much a failing check matters: `error` fails the run (exit 1), `warn` is reported only. */
export type CheckSeverity = 'error' | 'warn'

/** Whether a NULL where a value is checked passes (`'pass'`) or is a violation (`'fail'`, the default). */
export type NullPolicy = 'fail' | 'pass'

/** What any check may carry besides its kind. */
export interface CheckOptions {
  /** `error` (default) makes the run fail when the check finds violations; `warn` only reports them. */
  readonly severity?: CheckSeverity
  /** How many violating rows (or groups) to show; default {@link DEFAULT_SAMPLE}, at most {@link MAX_SAMPLE}. */
  readonly sample?: number
  /** Shown beside the check's name in human output. */
  readonly description?: string
}

/** The samples a check shows unless it says otherwise. */
export const DEFAULT_SAMPLE = 5
/** The most samples a check may ask for: samples are for reading, not for exporting. */
export const MAX_SAMPLE = 1000

/**
 * One side of a reconciliation: a table grouped by some keys, with one aggregate per group.
 * A `groupBy` entry that is a plain identifier is a column (quoted); anything else is an SQL
 * expression used as written (`date(created_at)`).
 */
export interface ReconcileSide {
  readonly table: string
  readonly groupBy: ReadonlyArray<string>
  /** An aggregate SQL expression, e.g. `sum(points)` or `count(*)`. */
  readonly value: string
  /** An SQL predicate: only rows where it is true take part. */
  readonly where?: string
}

/**
 * Per group, the left value must equal the right value. A group absent on one side counts as 0
 * there (`missing: 'zero'`, the default) or is a violation by itself (`missing: 'fail'`). A NULL
 * aggregate and a NULL group key are always violations: neither can be reconciled.
 */
export interface ReconcileCheck {
  readonly left: ReconcileSide
  readonly right: ReconcileSide
  readonly missing?: 'zero' | 'fail'
  /** Values within this absolute difference are equal (for decimals and floats); default exact. */
  readonly tolerance?: number
  /** Names of the group keys in the samples; default the left side's column names. */
  readonly keys?: ReadonlyArray<string>
}

/**
 * Every row of `from` whose columns are all non-NULL must find a row of `to` with equal columns.
 * A row with a NULL in any `from` column is not an orphan (SQL's MATCH SIMPLE): pair the check
 * with a `notNull` check when the reference is mandatory.
 */
export interface ReferencesCheck {
  readonly from: { readonly table: string; readonly columns: ReadonlyArray<string>; readonly where?: string }
  readonly to: { readonly table: string; readonly columns: ReadonlyArray<string> }
}

/**
 * No two rows share the same values in `columns`. Rows with a NULL in any of them are ignored,
 * as a SQL UNIQUE constraint ignores them. Violations count duplicated key values, not rows.
 */
export interface UniqueCheck {
  readonly table: string
  readonly columns: ReadonlyArray<string>
  readonly where?: string
}

/** No row has a NULL in any of `columns`. */
export interface NotNullCheck {
  readonly table: string
  readonly columns: ReadonlyArray<string>
}

/** `column` holds one of `values` in every row. NULL is a violation unless `nulls: 'pass'`. */
export interface AcceptedValuesCheck {
  readonly table: string
  readonly column: string
  readonly values: ReadonlyArray<string | number | boolean>
  readonly nulls?: NullPolicy
}

/**
 * The SQL predicate `that` is true for every row (where `where` holds). A row where it is NULL
 * is a violation unless `nulls: 'pass'`: `rating BETWEEN 1 AND 5` fails a NULL rating.
 */
export interface ExpectCheck {
  readonly table: string
  readonly that: string
  readonly where?: string
  readonly nulls?: NullPolicy
}

/** Every kind of check, by the key that introduces it. `sql` is a query whose rows are violations. */
export interface CheckKinds {
  readonly reconcile: ReconcileCheck
  readonly references: ReferencesCheck
  readonly unique: UniqueCheck
  readonly notNull: NotNullCheck
  readonly acceptedValues: AcceptedValuesCheck
  readonly expect: ExpectCheck
  readonly sql: string
}

/** A check kind: `reconcile`, `references`, `unique`, `notNull`, `acceptedValues`, `expect`, `sql`. */
export type CheckKind = keyof CheckKinds

/** The check kinds, in the order the documentation lists them. */
export const CHECK_KINDS: ReadonlyArray<CheckKind> = Object.freeze([
  'reconcile',
  'references',
  'unique',
  'notNull',
  'acceptedValues',
  'expect',
  'sql',
])

type OneKind<K extends CheckKind> = CheckOptions & { readonly [P in K]: CheckKinds[P] } & {
  readonly [P in Exclude<CheckKind, K>]?: never
}

/**
 * One entry of the config's `checks` (contract §9): exactly one kind key, plus options.
 *
 * @example
 * const check: CheckConfig = { unique: { table: 'users', columns: ['email'] }, severity: 'warn' }
 */
export type CheckConfig = { [K in CheckKind]: OneKind<K> }[CheckKind]

/** The config's `checks`: checks by name. */
export type ChecksConfig = Readonly<Record<string, CheckConfig>>

/** A validated check: its kind named, its options filled in. Discriminated on `kind`. */
export type ResolvedCheck = {
  [K in CheckKind]: {
    readonly name: string
    readonly kind: K
    readonly spec: CheckKinds[K]
    readonly severity: CheckSeverity
    readonly sample: number
    readonly description?: string
  }
}[CheckKind]

/** A resolved check of one kind. */
export type ResolvedCheckOf<K extends CheckKind> = Extract<ResolvedCheck, { kind: K }>
