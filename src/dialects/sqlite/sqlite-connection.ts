import { existsSync } from 'node:fs'
import Database from 'better-sqlite3'
import type { SqliteTarget } from '../../config/connection-url.js'
import { PlumblineError } from '../../errors/plumbline-error.js'
import { LOCK_WAIT_SLICE_MS } from '../../lock/migration-lock.js'
import type { Connection, ConnectOptions, Row } from '../dialect.js'

/** Opens a SQLite database file. better-sqlite3 is synchronous; the interface is not. */
export async function connectSqlite(target: SqliteTarget, options: ConnectOptions = {}): Promise<Connection> {
  const memory = target.path === ':memory:'
  if (!memory && !options.create && !existsSync(target.path)) {
    throw new PlumblineError({
      code: 'FILE_NOT_FOUND',
      message: `SQLite database ${target.path} does not exist`,
      hint: 'check the path, or run `plumbline up` to create the database and apply the migrations',
    })
  }
  let db: Database.Database
  try {
    db = new Database(target.path, { fileMustExist: !memory && !options.create })
    // A file that is not SQLite opens fine and fails on first read: read now, so the error names the file.
    db.prepare('SELECT count(*) FROM sqlite_schema').get()
    db.pragma('busy_timeout = 5000')
  } catch (error) {
    throw mapSqliteError(error, target)
  }
  return new SqliteConnection(db, target)
}

/**
 * Commits truncate the rollback journal instead of deleting it: the same atomic, durable commit,
 * without creating and removing a file for every transaction (about a tenth of a long `up` of
 * small migrations). Only a database in SQLite's default `delete` mode is switched, for this
 * connection alone (the mode is not stored in the file): WAL and the other modes a user chose stay.
 * Done when the connection first opens a transaction (a connection that only reads leaves the
 * mode alone); closing switches back, which removes the empty journal file.
 */
function truncateJournal(db: Database.Database): boolean {
  try {
    return (
      db.pragma('journal_mode', { simple: true }) === 'delete' &&
      db.pragma('journal_mode = TRUNCATE', { simple: true }) === 'truncate'
    )
  } catch {
    return false
  }
}

/**
 * How the write transactions of a connection that holds the migration lock wait for the file's
 * write lock (see `sqliteLock`): up to `timeoutMs`, and with `signal`, in slices that end once it
 * is aborted.
 */
export interface WriteLockWait {
  readonly timeoutMs: number
  readonly signal?: AbortSignal
}

/**
 * Sets (or, with `undefined`, clears) how `conn`'s write transactions wait for the write lock.
 * A method of the connection, so that a wrapper that hands its calls on reaches it too.
 */
export function setWriteLockWait(conn: Connection, wait: WriteLockWait | undefined): void {
  ;(conn as { setWriteLockWait?(wait: WriteLockWait | undefined): void }).setWriteLockWait?.(wait)
}

function isBusy(error: unknown): boolean {
  const code = String((error as { code?: unknown }).code ?? '')
  return code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_')
}

/** A turn of the event loop, in which a signal handler (Ctrl-C) can run. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Pragmas and transaction control, which {@link SqliteConnection} runs as they come. */
const CONTROL = /^\s*(?:PRAGMA|BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b/i

/** How many statements a connection keeps prepared. */
const PREPARED_STATEMENTS = 64

class SqliteConnection implements Connection {
  readonly dialect = 'sqlite' as const
  readonly target: SqliteTarget
  readonly #db: Database.Database
  #roundTrips = 0

  /** Whether this connection switched the journal to `truncate`; `undefined`: not asked yet. */
  #truncatesJournal: boolean | undefined

  /** See {@link setWriteLockWait}. */
  #writeLockWait: WriteLockWait | undefined

  setWriteLockWait(wait: WriteLockWait | undefined): void {
    this.#writeLockWait = wait
  }

  constructor(db: Database.Database, target: SqliteTarget) {
    this.#db = db
    this.target = target
  }

  get roundTrips(): number {
    return this.#roundTrips
  }

  /**
   * Statements prepared before, by their text: the tracking writes and the verification read run
   * once per migration, and compiling them again each time cost more than running them. SQLite
   * compiles a cached statement again by itself when the schema changed under it.
   */
  readonly #prepared = new Map<string, Database.Statement>()

  #prepare(sql: string): Database.Statement {
    let statement = this.#prepared.get(sql)
    if (statement !== undefined) {
      // The most recently used last: the first entry is the one to drop.
      this.#prepared.delete(sql)
    } else {
      statement = this.#db.prepare(sql)
      if (this.#prepared.size >= PREPARED_STATEMENTS)
        this.#prepared.delete(this.#prepared.keys().next().value!)
    }
    this.#prepared.set(sql, statement)
    return statement
  }

  async query<R extends Row = Row>(sql: string, params: ReadonlyArray<unknown> = []): Promise<R[]> {
    this.#roundTrips++
    const run = () => {
      const statement = this.#prepare(sql)
      if (statement.reader) return statement.all(...params) as R[]
      statement.run(...params)
      return []
    }
    if (this.#slicesAutocommit(sql)) return this.#autocommit(sql, run)
    try {
      return run()
    } catch (error) {
      throw mapSqliteError(error, this.target, sql)
    }
  }

  async execute(sql: string): Promise<void> {
    this.#roundTrips++
    if (this.#slicesAutocommit(sql)) {
      // better-sqlite3 refuses (RangeError, before running anything) several statements in one
      // text, which run as one call as below (a retry could repeat the first ones), and
      // parameters left unbound, which that call binds to NULL.
      let asOneCall = false
      await this.#autocommit(sql, () => {
        let statement: Database.Statement
        try {
          statement = this.#db.prepare(sql)
        } catch (error) {
          if (!(error instanceof RangeError)) throw error
          asOneCall = true
          return
        }
        try {
          if (statement.reader) statement.all()
          else statement.run()
        } catch (error) {
          if (!(error instanceof RangeError && /parameter/i.test(error.message))) throw error
          asOneCall = true
        }
      })
      if (!asOneCall) return
    }
    try {
      this.#db.exec(sql)
    } catch (error) {
      throw mapSqliteError(error, this.target, sql)
    }
  }

  /**
   * Whether a statement goes through {@link #autocommit}: see there. Not a pragma or transaction
   * control: plumbline's own (the busy timeout, the lock probe's `BEGIN IMMEDIATE`) must not wait,
   * and a transaction's `BEGIN IMMEDIATE` waits in {@link #begin}.
   */
  #slicesAutocommit(sql: string): boolean {
    return this.#writeLockWait?.signal !== undefined && !this.#db.inTransaction && !CONTROL.test(sql)
  }

  /**
   * One statement outside a transaction, on a connection that holds the migration lock with a
   * signal (a migration run without a transaction, its tracking writes). Such a statement takes
   * the write lock on its own, and better-sqlite3 waits for it inside the call, where no signal
   * handler runs: a second Ctrl-C could not end the process until the whole lock timeout had
   * passed. So it waits in slices with a turn of the event loop between two (see
   * {@link #waitForWriteLock}). The signal does not end this wait: the statement belongs to the
   * migration under way, which a first Ctrl-C lets finish. A statement that SQLITE_BUSY refused did
   * nothing (SQLite rolls back a statement of its own transaction), so it is run again.
   */
  #autocommit<T>(sql: string, run: () => T): Promise<T> {
    return this.#waitForWriteLock(this.#writeLockWait!, sql, run, { begin: false })
  }

  /**
   * Runs `run` — `sql`, refused with SQLITE_BUSY until the write lock is free — waiting for the
   * lock up to `wait.timeoutMs`: with a signal, in slices with a turn of the event loop between
   * two, the busy timeout put back after; the whole wait over, `LOCK_TIMEOUT` (`LOCKED` with no
   * wait at all). Where `begin` (a transaction's `BEGIN IMMEDIATE`: nothing of the step has run),
   * an aborted signal ends the wait (`INTERRUPTED`), and either error says so in its details
   * (`writeLockWait`).
   */
  async #waitForWriteLock<T>(
    wait: WriteLockWait,
    sql: string,
    run: () => T,
    { begin }: { readonly begin: boolean },
  ): Promise<T> {
    const started = performance.now()
    const sliced = wait.signal !== undefined
    const slice = sliced ? LOCK_WAIT_SLICE_MS : wait.timeoutMs
    let busy: unknown
    try {
      for (;;) {
        const left = wait.timeoutMs - (performance.now() - started)
        if (sliced) this.#db.pragma(`busy_timeout = ${Math.max(0, Math.ceil(Math.min(left, slice)))}`)
        try {
          return run()
        } catch (error) {
          if (!isBusy(error)) throw mapSqliteError(error, this.target, sql)
          busy = error
        }
        if (left <= slice) break
        await nextTurn()
        // The signal is looked at only once there is a wait: a step that starts after it was
        // aborted (the one under way when Ctrl-C came) still runs when the lock is free.
        if (begin && wait.signal?.aborted)
          throw new PlumblineError({
            code: 'INTERRUPTED',
            message: `stopped on request after waiting ${Math.round(performance.now() - started)} ms for the write lock of ${this.target.path}`,
            hint: 'run the command again to go on; another process is writing (perhaps migrating)',
            // The transaction never began: what was to run in it did not.
            details: { writeLockWait: true },
          })
      }
    } finally {
      if (sliced) this.#db.pragma(`busy_timeout = ${Math.ceil(wait.timeoutMs)}`)
    }
    if (wait.timeoutMs <= 0) throw mapSqliteError(busy, this.target, sql)
    throw new PlumblineError({
      code: 'LOCK_TIMEOUT',
      message: `waited ${Math.round(performance.now() - started)} ms for the write lock of ${this.target.path}, held by another connection`,
      hint: 'another process is writing (perhaps migrating); wait for it, or raise --lock-timeout',
      details: {
        sqliteCode: String((busy as { code?: unknown }).code ?? ''),
        statement: sql,
        ...(begin ? { writeLockWait: true } : {}),
      },
      cause: busy,
    })
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    this.#truncatesJournal ??= truncateJournal(this.#db)
    // IMMEDIATE takes the write lock up front: two writers queue on busy_timeout instead of
    // deadlocking on a lock upgrade half-way through a migration.
    await this.#begin()
    try {
      const result = await fn()
      await this.execute('COMMIT')
      return result
    } catch (error) {
      if (this.#db.inTransaction) this.#db.exec('ROLLBACK')
      throw error
    }
  }

  /**
   * `BEGIN IMMEDIATE`. Under the migration lock (see {@link setWriteLockWait}) the wait for the
   * write lock is the wait for the migration lock: better-sqlite3 waits inside the call, where no
   * signal handler runs, so with a signal it waits in slices with a turn of the event loop between
   * two, and ends once the signal is aborted (`INTERRUPTED`); the whole wait over, `LOCK_TIMEOUT`.
   * Either has `writeLockWait` in its details: the transaction never began.
   * The busy timeout is put back for the statements of the transaction (a COMMIT may wait for
   * readers).
   */
  async #begin(): Promise<void> {
    const wait = this.#writeLockWait
    if (wait === undefined) return this.execute('BEGIN IMMEDIATE')
    await this.#waitForWriteLock(
      wait,
      'BEGIN IMMEDIATE',
      () => {
        this.#roundTrips++
        this.#db.exec('BEGIN IMMEDIATE')
      },
      { begin: true },
    )
  }

  async backup(dest: string): Promise<void> {
    this.#roundTrips++
    await this.#db.backup(dest)
  }

  async close(): Promise<void> {
    if (!this.#db.open) return
    if (this.#truncatesJournal === true) {
      try {
        // Closing would roll back what is uncommitted anyway; the mode cannot change inside it.
        if (this.#db.inTransaction) this.#db.exec('ROLLBACK')
        this.#db.pragma('journal_mode = DELETE')
      } catch {
        // Another connection holds the file: the empty journal stays, which SQLite reads as none.
      }
    }
    this.#db.close()
  }
}

/** Maps a better-sqlite3 error to a coded plumbline error; the driver error stays as `cause`. */
export function mapSqliteError(error: unknown, target: SqliteTarget, sql?: string): PlumblineError {
  const code = String((error as { code?: unknown }).code ?? '')
  const message = error instanceof Error ? error.message : String(error)
  if (code === 'SQLITE_NOTADB') {
    return new PlumblineError({
      code: 'NOT_A_DATABASE',
      message: `${target.path} is not a SQLite database`,
      hint: 'check that the URL names the database file and not another file',
      cause: error,
    })
  }
  if (code === 'SQLITE_CANTOPEN') {
    return existsSync(target.path)
      ? new PlumblineError({
          code: 'PERMISSION_DENIED',
          message: `cannot open SQLite database ${target.path}`,
          hint: 'check the permissions of the file and of its folder (SQLite writes a journal beside it)',
          cause: error,
        })
      : new PlumblineError({
          code: 'FILE_NOT_FOUND',
          message: `cannot create or open SQLite database ${target.path}`,
          hint: 'check that the folder exists and is writable',
          cause: error,
        })
  }
  if (isBusy(error) || code === 'SQLITE_LOCKED') {
    return new PlumblineError({
      code: 'LOCKED',
      message: `${target.path} is locked: another connection holds its write lock`,
      hint: 'another process is writing (perhaps migrating); wait for it, or raise --lock-timeout',
      details: { sqliteCode: code, ...(sql === undefined ? {} : { statement: sql }) },
      cause: error,
    })
  }
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') {
    return new PlumblineError({
      code: 'PERMISSION_DENIED',
      message: `SQLite refused a write to ${target.path}: ${message}`,
      hint: 'check that the file and its folder are writable by this user',
      cause: error,
    })
  }
  return new PlumblineError({
    code: 'QUERY_FAILED',
    message: `SQLite: ${message}`,
    hint: sql === undefined ? undefined : 'the statement is in the error details',
    details: { sqliteCode: code, ...(sql === undefined ? {} : { statement: sql }) },
    cause: error,
  })
}
