import { MIGRATIONS_TABLE } from '../../tracking/tracking-tables.js'
import type { RevisionPrologue } from '../dialect.js'
import { postgresTextLiteral } from './text-literal.js'

/**
 * Opens a revision's transaction in the round trip that carries its statements: `BEGIN`, the
 * revision's tracking row (does it have one to replace?), and a guard that raises when another
 * process applied the revision meanwhile, so nothing of it runs twice. The revision id goes in as
 * a literal (the simple protocol takes no parameters). Migration file names cannot hold a `$`;
 * should an id ever hold one, which could close the guard's dollar quote, it gets no prologue and
 * the revision is opened statement by statement instead.
 */
export function postgresRevisionPrologue(revision: string): RevisionPrologue | undefined {
  if (revision.includes('$')) return undefined
  const id = postgresTextLiteral(revision)
  return {
    statements: [
      'BEGIN',
      `SELECT status FROM ${MIGRATIONS_TABLE} WHERE revision = ${id}`,
      `DO $plumbline$ BEGIN IF EXISTS (SELECT 1 FROM ${MIGRATIONS_TABLE}
          WHERE revision = ${id} AND status = 'applied')
          THEN RAISE EXCEPTION 'plumbline: applied by another process meanwhile'; END IF; END $plumbline$`,
    ],
    statusIndex: 1,
    guardIndex: 2,
  }
}
