import type { ResolvedCheck } from './check-spec.js'
import { splitTableName, type TableFacts } from './table-facts.js'

/**
 * The constraint that makes a check's violations impossible, or `undefined` when the data must
 * be read. Only constraints the database enforces on every existing row count:
 *
 * - `notNull`: every column is declared NOT NULL.
 * - `unique`: a primary key, unique constraint or full (not partial, valid) unique index covers
 *   a subset of the columns — unique on fewer columns is unique on more, and a `where` only
 *   narrows the rows.
 * - `references`: a trusted foreign key (see {@link ForeignKeyFact.trusted}) on exactly these
 *   column pairs.
 *
 * A CHECK constraint is never taken as proof: matching its text against an `expect` predicate
 * is too fragile (the server rewrites it: `rating BETWEEN 1 AND 5` comes back as
 * `((rating >= 1) AND (rating <= 5))`).
 */
export function proveCheck(check: ResolvedCheck, facts: ReadonlyMap<string, TableFacts>): string | undefined {
  switch (check.kind) {
    case 'notNull': {
      const table = facts.get(check.spec.table)
      if (!table || !check.spec.columns.every((c) => table.columns.get(c)?.notNull === true)) return undefined
      return `NOT NULL ${check.spec.columns.length === 1 ? 'column' : 'columns'} ${check.spec.columns.join(', ')}`
    }
    case 'unique': {
      const table = facts.get(check.spec.table)
      const wanted = new Set(check.spec.columns)
      return table?.unique.find((u) => u.columns.every((c) => wanted.has(c)))?.by
    }
    case 'references': {
      const from = facts.get(check.spec.from.table)
      const to = splitTableName(check.spec.to.table)
      const toFacts = facts.get(check.spec.to.table)
      const key = from?.foreignKeys.find(
        (fk) =>
          fk.trusted &&
          fk.references.table === to.name &&
          (to.schema === undefined ||
            fk.references.schema === undefined ||
            fk.references.schema === to.schema) &&
          (toFacts?.schema === undefined ||
            fk.references.schema === undefined ||
            fk.references.schema === toFacts.schema) &&
          samePairs(fk.columns, fk.references.columns, check.spec.from.columns, check.spec.to.columns),
      )
      return key === undefined ? undefined : `foreign key ${key.name}`
    }
    default:
      return undefined
  }
}

/** The same (from, to) column pairs, in any order. */
function samePairs(
  fkFrom: ReadonlyArray<string>,
  fkTo: ReadonlyArray<string>,
  from: ReadonlyArray<string>,
  to: ReadonlyArray<string>,
): boolean {
  if (fkFrom.length !== from.length || fkTo.length !== to.length) return false
  const pairs = new Set(fkFrom.map((c, i) => `${c}\u0000${fkTo[i]}`))
  return from.every((c, i) => pairs.has(`${c}\u0000${to[i]}`))
}
