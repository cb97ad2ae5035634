import type { Connection } from '../dialect.js'

/** One run of a {@link SessionStatement}, for a batch of the caller's. */
export interface SessionStatementRun {
  /** `PREPARE` and `EXECUTE` where the session does not hold the statement; `EXECUTE` alone where it does. */
  readonly statements: ReadonlyArray<string>
  /** The index of the `EXECUTE` among them: its rows are the statement's. */
  readonly at: number
  /** Tells how the batch that carried them ended: the session holds the statement only after a success. */
  settle(ok: boolean): void
}

/**
 * A statement a PostgreSQL session prepares by name the first time it runs it (`PREPARE` and
 * `EXECUTE` in the same round trip) and executes by name after: for statements whose planning
 * costs more than running them. A name is never reused: where something may have dropped the
 * session's prepared statements (`Connection.sessionEpoch` moved), or a batch that carried the
 * statement failed, the next run prepares it again under a new name.
 */
export class SessionStatement {
  readonly #held = new WeakMap<Connection, { readonly epoch: number; readonly name: string }>()
  #count = 0

  /** `prefix`: how the names of the prepared statements begin (`plumbline_…_`). */
  constructor(readonly prefix: string) {}

  /**
   * The statements that run `sql` on `conn`; `args`, the arguments as a parenthesised list of
   * literals (the simple protocol takes no bind parameters), or none. `sql` must be the same on
   * every run on a connection.
   */
  run(conn: Connection, sql: string, args = ''): SessionStatementRun {
    const epoch = conn.sessionEpoch ?? 0
    const known = this.#held.get(conn)
    if (known !== undefined && known.epoch === epoch) {
      return {
        statements: [`EXECUTE ${known.name}${args}`],
        at: 0,
        settle: (ok) => {
          if (!ok) this.#held.delete(conn)
        },
      }
    }
    const name = `${this.prefix}${++this.#count}`
    return {
      statements: [`PREPARE ${name} AS ${sql}`, `EXECUTE ${name}${args}`],
      at: 1,
      settle: (ok) => {
        if (ok) this.#held.set(conn, { epoch, name })
      },
    }
  }
}
