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
 *
 * A revision that another of the same run follows commits without waiting for its WAL to reach
 * the disk (`synchronous_commit` off for its transaction alone): the run's last commit waits, and
 * the log is written in order, so when `up` returns every revision it applied is as durable as
 * with a flush per commit. Only a server crash during the run can lose the latest ones — each
 * whole, with its tracking row, never one without the other — and that run has failed anyway.
 */
export function postgresRevisionPrologue(
  revision: string,
  { durable }: { readonly durable: boolean },
): RevisionPrologue | undefined {
  if (revision.includes('$')) return undefined
  const id = postgresTextLiteral(revision)
  const open = durable ? ['BEGIN'] : ['BEGIN', 'SET LOCAL synchronous_commit = off']
  return {
    statements: [
      ...open,
      `SELECT status FROM ${MIGRATIONS_TABLE} WHERE revision = ${id}`,
      `DO $plumbline$ BEGIN IF EXISTS (SELECT 1 FROM ${MIGRATIONS_TABLE}
          WHERE revision = ${id} AND status = 'applied')
          THEN RAISE EXCEPTION 'plumbline: applied by another process meanwhile'; END IF; END $plumbline$`,
    ],
    statusIndex: open.length,
    guardIndex: open.length + 1,
  }
}
