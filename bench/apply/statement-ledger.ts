import type { Connection, Dialect } from '../../src/dialects/dialect.js'
import { TRACKING_STATEMENT } from '../../src/dialects/postgres/revision-prologue.js'
import type { Session } from '../../src/engine/session.js'
import { EVENTS_TABLE, MIGRATIONS_TABLE } from '../../src/tracking/tracking-tables.js'

/** What a statement was for, as far as where `up` spends its time is concerned. */
export type StatementClass =
  | 'migration statements'
  | 'transaction control'
  | 'healthy check'
  | 'introspection: verification'
  | 'introspection: full'
  | 'catalog fingerprint'
  | 'tracking and audit'
  | 'lock and other'

/** Statements of one class: how many, and the time from sending each to its result. */
export interface ClassTotal {
  readonly count: number
  readonly ms: number
}

const LOCK =
  /pg_advisory|pg_try_advisory|GET_LOCK|RELEASE_LOCK|IS_USED_LOCK|pg_locks|lock_timeout|application_name/i

/**
 * Times every statement a session sends, by class. Introspection is told apart by running inside
 * the dialect's `introspect`; the others by their text. Wrapping the session's connection and
 * dialect (instead of the driver) keeps the figures those of plumbline's own calls.
 */
export class StatementLedger {
  readonly #totals = new Map<StatementClass, { count: number; ms: number }>()
  /**
   * Statements timed and not yet classified: classifying them (their text) waits until the
   * figures are asked for, so that the ledger's own work stays out of the time it measures.
   */
  readonly #unclassified: Array<{
    readonly sql: string | ReadonlyArray<string>
    readonly fingerprintSql: string
    readonly introspecting: 'verification' | 'full' | undefined
    readonly ms: number
  }> = []
  #introspecting: 'verification' | 'full' | undefined
  readonly #batchedReads: boolean

  /**
   * `batchedReads: false` takes the dialect's batched reads away: a verification read then goes
   * on its own, and its time shows as introspection instead of inside the migration's batch.
   */
  constructor({ batchedReads = true }: { readonly batchedReads?: boolean } = {}) {
    this.#batchedReads = batchedReads
  }

  /** The totals so far, largest first. */
  totals(): ReadonlyArray<readonly [StatementClass, ClassTotal]> {
    this.#classifyTimed()
    return [...this.#totals.entries()].sort((a, b) => b[1].ms - a[1].ms)
  }

  /** Time in the classes that verification adds to running a migration. */
  verificationMs(): number {
    this.#classifyTimed()
    const of = (c: StatementClass) => this.#totals.get(c)?.ms ?? 0
    return of('introspection: verification') + of('catalog fingerprint') + of('tracking and audit')
  }

  #add(cls: StatementClass, ms: number): void {
    const total = this.#totals.get(cls) ?? { count: 0, ms: 0 }
    total.count++
    total.ms += ms
    this.#totals.set(cls, total)
  }

  #classifyTimed(): void {
    for (const { sql, fingerprintSql, introspecting, ms } of this.#unclassified)
      this.#add(this.#classify(sql, fingerprintSql, introspecting), ms)
    this.#unclassified.length = 0
  }

  #classify(
    sql: string | ReadonlyArray<string>,
    fingerprintSql: string,
    introspecting: 'verification' | 'full' | undefined,
  ): StatementClass {
    if (introspecting) return `introspection: ${introspecting}`
    // A migration's statements, sent with the BEGIN and the checks that open them, count as the
    // migration's.
    if (typeof sql !== 'string' && sql.some((s) => s.includes('saved_search_path')))
      return 'migration statements'
    const text = (typeof sql === 'string' ? sql : sql.join(';\n')).trimStart()
    if (/^(BEGIN|COMMIT|ROLLBACK|START TRANSACTION)\b/i.test(text)) return 'transaction control'
    if (text.includes(fingerprintSql))
      return text.includes(MIGRATIONS_TABLE) ? 'healthy check' : 'catalog fingerprint'
    if (text.includes(MIGRATIONS_TABLE) || text.includes(EVENTS_TABLE) || text.includes(TRACKING_STATEMENT))
      return 'tracking and audit'
    if (LOCK.test(text)) return 'lock and other'
    return 'migration statements'
  }

  /** The session with its connection and dialect timed; `context()` hands out the same ones. */
  session(session: Session): Session {
    const conn = this.connection(session.conn, session.dialect.catalogFingerprintSql)
    const dialect = this.dialect(session.dialect)
    return {
      ...session,
      conn,
      dialect,
      context: async () => ({ ...(await session.context()), conn, dialect }),
    }
  }

  connection(inner: Connection, fingerprintSql: string): Connection {
    const timed = async <T>(sql: string | ReadonlyArray<string>, run: () => Promise<T>): Promise<T> => {
      const introspecting = this.#introspecting
      const start = performance.now()
      try {
        return await run()
      } finally {
        this.#unclassified.push({ sql, fingerprintSql, introspecting, ms: performance.now() - start })
      }
    }
    const query: Connection['query'] = (sql, params) => timed(sql, () => inner.query(sql, params))
    const execute: Connection['execute'] = (sql) => timed(sql, () => inner.execute(sql))
    const executeBatch: Connection['executeBatch'] =
      inner.executeBatch === undefined
        ? undefined
        : (statements) => timed(statements, () => inner.executeBatch!(statements))
    // The driver's BEGIN and COMMIT are sent by the inner connection itself: their time is the
    // transaction's time less what ran inside it.
    const transaction: Connection['transaction'] = async (fn) => {
      const start = performance.now()
      let inside = 0
      try {
        return await inner.transaction(async () => {
          const begun = performance.now()
          try {
            return await fn()
          } finally {
            inside += performance.now() - begun
          }
        })
      } finally {
        this.#add('transaction control', performance.now() - start - inside)
      }
    }
    return new Proxy(inner, {
      get(target, property) {
        if (property === 'query') return query
        if (property === 'execute') return execute
        if (property === 'executeBatch') return executeBatch
        if (property === 'transaction') return transaction
        const value = Reflect.get(target, property, target)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
  }

  dialect(inner: Dialect): Dialect {
    return {
      ...inner,
      ...(this.#batchedReads ? {} : { batchedRead: undefined }),
      introspect: async (conn, options) => {
        this.#introspecting = options?.only === undefined ? 'full' : 'verification'
        try {
          return await inner.introspect(conn, options)
        } finally {
          this.#introspecting = undefined
        }
      },
    }
  }
}
