import type { Migration } from '../source/migration.js'

/**
 * Whether a migration runs statement by statement, with its tracking row counting the statements
 * done (the journal), instead of in one transaction: on a dialect whose DDL commits by itself
 * (MySQL) every migration does; elsewhere those with `-- plumbline:no-transaction`.
 */
export function isJournaled(migration: Pick<Migration, 'transaction'>, transactionalDdl: boolean): boolean {
  return !(migration.transaction && transactionalDdl)
}

/**
 * Whether the history records the effect of each statement of a migration: a journaled SQL
 * migration. A code migration cannot be split into statements known beforehand.
 */
export function needsStatementDeltas(
  migration: Pick<Migration, 'kind' | 'transaction'>,
  transactionalDdl: boolean,
): boolean {
  return migration.kind === 'sql' && isJournaled(migration, transactionalDdl)
}
