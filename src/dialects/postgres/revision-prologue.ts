import type { TrackingRow } from '../../tracking/tracking-model.js'
import { MIGRATIONS_TABLE } from '../../tracking/tracking-tables.js'
import type { AuditEvent } from '../../tracking/write-tracking.js'
import { POSTGRES_ROW_WITH_EVENT_SQL, postgresRowWithEventArguments } from '../../tracking/write-tracking.js'
import type { Connection, RevisionClosing, RevisionPrologue } from '../dialect.js'
import { SessionStatement } from './session-statement.js'
import { postgresTextLiteral } from './text-literal.js'

/** Appended to the status `applied` to make the guard's cast fail with a message that says why. */
const GUARD = postgresTextLiteral(': applied by another process meanwhile')

/**
 * Opens a revision's transaction in the round trip that carries its statements: `BEGIN`, then
 * one statement that reads the revision's tracking row (is there one to replace?) and fails where
 * that row says another process applied the revision meanwhile — a cast of the status to integer
 * (22P02) — so nothing of it runs twice: a plain statement, no procedural block to compile. The
 * revision id goes in as a literal (the simple protocol takes no parameters). Once verified, the
 * revision's row and audit event go with `COMMIT` (`closing`), by themselves or at the head of the
 * next revision's batch: a statement the session prepares with the first revision it closes and
 * executes by name after (planning it cost more than running it), its arguments as literals too.
 *
 * A revision that another of the same run follows commits without waiting for its WAL to reach
 * the disk (`synchronous_commit` off for its transaction alone): the run's last commit waits, and
 * the log is written in order, so when `up` returns every revision it applied is as durable as
 * with a flush per commit. Only a server crash during the run can lose the latest ones — each
 * whole, with its tracking row, never one without the other — and that run has failed anyway.
 */
export function postgresRevisionPrologue(
  conn: Connection,
  revision: string,
  { durable }: { readonly durable: boolean },
): RevisionPrologue {
  const open = durable ? ['BEGIN'] : ['BEGIN', 'SET LOCAL synchronous_commit = off']
  const closing = (row: TrackingRow, event: AuditEvent): RevisionClosing => {
    const run = TRACKING.run(
      conn,
      POSTGRES_ROW_WITH_EVENT_SQL,
      `(${postgresRowWithEventArguments(row, event)})`,
    )
    return { statements: [...run.statements, 'COMMIT'], settle: run.settle }
  }
  return {
    statements: [
      ...open,
      `SELECT status, CASE WHEN status = 'applied' THEN (status || ${GUARD})::int END AS guard
       FROM ${MIGRATIONS_TABLE} WHERE revision = ${postgresTextLiteral(revision)}`,
    ],
    statusIndex: open.length,
    guardIndex: open.length,
    guardSqlstate: '22P02',
    closing,
  }
}

/** The names of the prepared tracking statements start so. */
export const TRACKING_STATEMENT = 'plumbline_track_'

/** The tracking row and its audit event, prepared on a session with the first revision it closes. */
const TRACKING = new SessionStatement(TRACKING_STATEMENT)
