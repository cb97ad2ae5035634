import {
  type AcceptedValuesCheck,
  CHECK_KINDS,
  type CheckKind,
  type CheckKinds,
  DEFAULT_SAMPLE,
  type ExpectCheck,
  MAX_SAMPLE,
  type NotNullCheck,
  type ReconcileCheck,
  type ReconcileSide,
  type ReferencesCheck,
  type ResolvedCheck,
  type UniqueCheck,
} from './check-spec.js'
import { ENTRY_NAME, IDENTIFIER, SpecReader } from './spec-reader.js'

const OPTION_KEYS = ['severity', 'sample', 'description'] as const

/**
 * Validates one entry of the config's `checks` and fills in its defaults. Throws `CHECK_INVALID`
 * naming the check and the key at fault.
 *
 * @example
 * resolveCheck('emails-unique', { unique: { table: 'users', columns: ['email'] } })
 * // → { name: 'emails-unique', kind: 'unique', spec: {…}, severity: 'error', sample: 5 }
 */
export function resolveCheck(name: string, raw: unknown): ResolvedCheck {
  const r = new SpecReader('CHECK_INVALID', `check ${JSON.stringify(name)}`)
  if (!ENTRY_NAME.test(name)) {
    r.fail(
      '',
      'has a name that is not usable on a command line',
      'use letters, digits and . _ : - (e.g. points-log-matches-daily-stats)',
    )
  }
  const entry = r.object(raw, '', [...CHECK_KINDS, ...OPTION_KEYS])
  const kinds = CHECK_KINDS.filter((k) => entry[k] !== undefined)
  if (kinds.length !== 1) {
    r.fail(
      '',
      kinds.length === 0
        ? 'names no kind of check'
        : `names ${kinds.length} kinds of check (${kinds.join(', ')})`,
      `give exactly one of: ${CHECK_KINDS.join(', ')}`,
    )
  }
  const kind = kinds[0] as CheckKind
  const common = {
    name,
    severity: r.choice(entry.severity, 'severity', ['error', 'warn'] as const, 'error'),
    sample: r.integer(entry.sample, 'sample', 0, MAX_SAMPLE, DEFAULT_SAMPLE),
    ...(entry.description === undefined ? {} : { description: r.text(entry.description, 'description') }),
  }
  const spec = SPEC_READERS[kind](r, entry[kind])
  return Object.freeze({ ...common, kind, spec }) as ResolvedCheck
}

type SpecReaders = { readonly [K in CheckKind]: (r: SpecReader, value: unknown) => CheckKinds[K] }

const SPEC_READERS: SpecReaders = {
  reconcile: readReconcile,
  references: (r, value): ReferencesCheck => {
    const v = r.object(value, 'references', ['from', 'to'], ['from', 'to'])
    const from = r.object(v.from, 'references.from', ['table', 'columns', 'where'], ['table', 'columns'])
    const to = r.object(v.to, 'references.to', ['table', 'columns'], ['table', 'columns'])
    const fromColumns = r.identifiers(from.columns, 'references.from.columns')
    const toColumns = r.identifiers(to.columns, 'references.to.columns')
    if (fromColumns.length !== toColumns.length) {
      r.fail(
        'references.to.columns',
        `names ${toColumns.length} columns for ${fromColumns.length} in references.from.columns`,
      )
    }
    const where = r.optionalText(from.where, 'references.from.where')
    return Object.freeze({
      from: Object.freeze({
        table: r.table(from.table, 'references.from.table'),
        columns: fromColumns,
        ...(where ? { where } : {}),
      }),
      to: Object.freeze({ table: r.table(to.table, 'references.to.table'), columns: toColumns }),
    })
  },
  unique: (r, value): UniqueCheck => {
    const v = r.object(value, 'unique', ['table', 'columns', 'where'], ['table', 'columns'])
    const where = r.optionalText(v.where, 'unique.where')
    return Object.freeze({
      table: r.table(v.table, 'unique.table'),
      columns: r.identifiers(v.columns, 'unique.columns'),
      ...(where ? { where } : {}),
    })
  },
  notNull: (r, value): NotNullCheck => {
    const v = r.object(value, 'notNull', ['table', 'columns'], ['table', 'columns'])
    return Object.freeze({
      table: r.table(v.table, 'notNull.table'),
      columns: r.identifiers(v.columns, 'notNull.columns'),
    })
  },
  acceptedValues: (r, value): AcceptedValuesCheck => {
    const v = r.object(
      value,
      'acceptedValues',
      ['table', 'column', 'values', 'nulls'],
      ['table', 'column', 'values'],
    )
    const raw: unknown[] =
      Array.isArray(v.values) && v.values.length > 0
        ? v.values
        : r.fail('acceptedValues.values', 'must be a non-empty array')
    const values = raw.map((x: unknown, i: number) => {
      if (typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x)))
        return x
      return r.fail(
        `acceptedValues.values[${i}]`,
        'must be a string, a finite number or a boolean',
        'NULL is governed by `nulls`',
      )
    })
    return Object.freeze({
      table: r.table(v.table, 'acceptedValues.table'),
      column: r.identifier(v.column, 'acceptedValues.column'),
      values: Object.freeze(values),
      nulls: r.choice(v.nulls, 'acceptedValues.nulls', ['fail', 'pass'] as const, 'fail'),
    })
  },
  expect: (r, value): ExpectCheck => {
    const v = r.object(value, 'expect', ['table', 'that', 'where', 'nulls'], ['table', 'that'])
    const where = r.optionalText(v.where, 'expect.where')
    return Object.freeze({
      table: r.table(v.table, 'expect.table'),
      that: r.text(v.that, 'expect.that'),
      ...(where ? { where } : {}),
      nulls: r.choice(v.nulls, 'expect.nulls', ['fail', 'pass'] as const, 'fail'),
    })
  },
  sql: (r, value): string => {
    const text = r.text(value, 'sql').trim().replace(/;\s*$/, '')
    if (!/^(select|with|values)\b/i.test(text)) {
      r.fail('sql', 'must be a query (SELECT or WITH … SELECT) whose rows are the violations')
    }
    return text
  },
}

function readSide(r: SpecReader, value: unknown, key: string): ReconcileSide {
  const v = r.object(value, key, ['table', 'groupBy', 'value', 'where'], ['table', 'groupBy', 'value'])
  const where = r.optionalText(v.where, `${key}.where`)
  return Object.freeze({
    table: r.table(v.table, `${key}.table`),
    groupBy: r.texts(v.groupBy, `${key}.groupBy`),
    value: r.text(v.value, `${key}.value`),
    ...(where ? { where } : {}),
  })
}

function readReconcile(r: SpecReader, value: unknown): ReconcileCheck {
  const v = r.object(value, 'reconcile', ['left', 'right', 'missing', 'tolerance', 'keys'], ['left', 'right'])
  const left = readSide(r, v.left, 'reconcile.left')
  const right = readSide(r, v.right, 'reconcile.right')
  if (left.groupBy.length !== right.groupBy.length) {
    r.fail(
      'reconcile.right.groupBy',
      `has ${right.groupBy.length} keys, the left side ${left.groupBy.length}`,
    )
  }
  if (
    v.tolerance !== undefined &&
    (typeof v.tolerance !== 'number' || !(v.tolerance >= 0) || !Number.isFinite(v.tolerance))
  ) {
    r.fail('reconcile.tolerance', 'must be a finite number ≥ 0')
  }
  const keys =
    v.keys === undefined
      ? left.groupBy.map((g, i) =>
          IDENTIFIER.test(g) ? g : IDENTIFIER.test(right.groupBy[i]!) ? right.groupBy[i]! : `key${i + 1}`,
        )
      : r.identifiers(v.keys, 'reconcile.keys')
  if (keys.length !== left.groupBy.length)
    r.fail('reconcile.keys', `names ${keys.length} keys for ${left.groupBy.length} groupBy entries`)
  const clash = keys.find((k, i) => keys.indexOf(k) !== i || ['left', 'right'].includes(k.toLowerCase()))
  if (clash !== undefined) {
    r.fail(
      'reconcile.keys',
      `would name two sample columns ${clash}`,
      'give distinct names other than left and right in reconcile.keys',
    )
  }
  return Object.freeze({
    left,
    right,
    missing: r.choice(v.missing, 'reconcile.missing', ['zero', 'fail'] as const, 'zero'),
    ...(v.tolerance === undefined ? {} : { tolerance: v.tolerance as number }),
    keys: Object.freeze([...keys]),
  })
}
