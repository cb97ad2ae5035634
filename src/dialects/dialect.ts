import type { ConnectionTarget, DialectName } from '../config/connection-url.js'
import type { MigrationLock } from '../lock/migration-lock.js'
import type { DdlRenderer } from '../plan/ddl-renderer.js'
import type { ObjectKind, Schema, SchemaObject } from '../schema/model.js'
import type { TrackingRow } from '../tracking/tracking-model.js'
import type { AuditEvent } from '../tracking/write-tracking.js'

/** What a database can and cannot do, as data. Defaults live in one place per dialect. */
export interface DialectCapabilities {
  /** DDL statements roll back with their transaction (PostgreSQL, SQLite; not MySQL). */
  readonly transactionalDdl: boolean
  /** The server offers session-scoped advisory locks. */
  readonly advisoryLocks: boolean
  /** Several named schemas (namespaces) live in one database. */
  readonly schemas: boolean
}

/** A row as a driver returns it. */
export type Row = Record<string, unknown>

/**
 * One open connection. Every statement plumbline sends goes through `query` or `execute`,
 * so `roundTrips` counts exactly what crossed the wire (benchmarks and the one-round-trip
 * promise of `ensureHealthy` rely on it).
 */
export interface Connection {
  readonly dialect: DialectName
  readonly target: ConnectionTarget
  /** Statements sent since the connection opened. */
  readonly roundTrips: number
  /** One statement with positional parameters (`$1` on PostgreSQL, `?` on SQLite and MySQL). */
  query<R extends Row = Row>(sql: string, params?: ReadonlyArray<unknown>): Promise<R[]>
  /** A script of one or more statements with no result (counted as one round trip). */
  execute(sql: string): Promise<void>
  /**
   * Runs statements one after the other in one round trip, in whatever transaction the caller
   * opened (outside one, they run as one implicit transaction), and returns each one's rows. A
   * failure throws the failing statement's error with `details.batchIndex`, its index, and a
   * server's `position` counted from the start of that statement. Only where the driver can tell
   * which statement failed (PostgreSQL).
   */
  executeBatch?(statements: ReadonlyArray<string>): Promise<Row[][]>
  /**
   * Where a session keeps prepared statements (PostgreSQL): changes whenever a statement sent
   * through this connection may have dropped them (`DISCARD`, `DEALLOCATE`), so that whoever
   * prepared one prepares it again. Absent: nothing is kept.
   */
  readonly sessionEpoch?: number
  /**
   * Copies the database to `dest` while it stays online (SQLite's backup API). Absent where the
   * driver cannot; servers are backed up with their own dump tools instead.
   */
  backup?(dest: string): Promise<void>
  /** Runs `fn` inside BEGIN … COMMIT on this connection; rolls back when it throws. */
  transaction<T>(fn: () => Promise<T>): Promise<T>
  close(): Promise<void>
}

/** Which objects to read when only some are needed (verification reads what a delta touches). */
export interface IntrospectOptions {
  /**
   * Relation and routine names (tables, views, sequences, types, functions) to read, with
   * everything that belongs to them (columns, constraints, indexes, triggers). Absent: everything.
   */
  readonly only?: ReadonlyArray<{ readonly schema?: string; readonly name: string }>
  /**
   * With `only`: the kinds of objects the caller looks for. Objects of other kinds may then be
   * left out (PostgreSQL reads only the catalog families that hold these).
   */
  readonly kinds?: ReadonlyArray<ObjectKind>
  /**
   * With `only`: the names of the table-scoped objects (columns, constraints, indexes, triggers)
   * the caller looks for. Others of those kinds may then be left out (PostgreSQL reads only
   * these); the relations themselves, types and routines are still read by `only`.
   */
  readonly objects?: ReadonlyArray<string>
  /** `false`: the caller compares definitions only, and objects may come without `details`. */
  readonly details?: boolean
  /**
   * The connection is inside a transaction block the caller opened: the read may scope what it
   * changes of the session to a savepoint it rolls back (PostgreSQL's fixed settings).
   */
  readonly inTransaction?: boolean
  /**
   * With `only`: the objects the caller expects to find (verification: what the delta creates or
   * changes). Where the database keeps an object's whole definition as text that is exactly the
   * expected one, the read may answer with the expected objects of it instead of reading and
   * parsing them (SQLite: a table whose `CREATE TABLE` text is the expected table's
   * `details.sql`), and leave out its other objects, as with `objects`.
   */
  readonly expected?: ReadonlyArray<SchemaObject>
}

/** See {@link Dialect.batchedRead}. */
export interface BatchedRead {
  readonly statements: ReadonlyArray<string>
  /** The schema, from the results of `statements` (one per statement, in order). */
  read(results: ReadonlyArray<Row[]>): Schema
  /** The error to report when one of `statements` failed with `error`. */
  failed(error: unknown): unknown
}

/** Connects with or without creating the database (SQLite creates a missing file only when asked). */
export interface ConnectOptions {
  readonly create?: boolean
  /** Shown to the server as the application name where it keeps one. */
  readonly applicationName?: string
}

/** The SQL semantics of one database kind, apart from the driver that carries them. */
/** See {@link Dialect.revisionPrologue}. */
export interface RevisionPrologue {
  /** `BEGIN` first; the migration's statements follow them in the same batch. */
  readonly statements: ReadonlyArray<string>
  /** The statement whose rows are the revision's tracking row, if it has one. */
  readonly statusIndex: number
  /** The statement that fails when another process applied the revision meanwhile. */
  readonly guardIndex: number
  /** The SQLSTATE of that failure (told apart from any other failure of that statement). */
  readonly guardSqlstate: string
  /**
   * What closes a verified revision that had no tracking row: its row and audit event written,
   * and `COMMIT`, as statements to send in one round trip on the connection the prologue was made
   * for — by themselves, or at the head of the next revision's batch.
   */
  closing(row: TrackingRow, event: AuditEvent): RevisionClosing
}

/** A revision's row, audit event and `COMMIT`, to send (see {@link RevisionPrologue.closing}). */
export interface RevisionClosing {
  readonly statements: ReadonlyArray<string>
  /** Tells how the batch that carried the statements went: `true` once they all ran. */
  settle(ok: boolean): void
}

export interface Dialect {
  readonly name: DialectName
  readonly capabilities: DialectCapabilities
  connect(target: ConnectionTarget, options?: ConnectOptions): Promise<Connection>
  /** Reads the live schema into the model; plumbline's own `plumbline_*` tables are never part of it. */
  introspect(conn: Connection, options?: IntrospectOptions): Promise<Schema>
  /**
   * The statements of the same read as `introspect(conn, options)`, for a caller to send in a
   * batch of its own (`Connection.executeBatch`), with how to read the schema from their results.
   * `undefined` when the read cannot go that way on `conn` now, and `introspect` does it.
   * PostgreSQL: a read by name, once the session holds the prepared catalog statements — so that
   * a migration's verification travels in the round trip of its statements. `after`: the
   * statements the batch sends before the read's (a read that they could spoil is not offered).
   */
  batchedRead?(
    conn: Connection,
    options: IntrospectOptions,
    after: ReadonlyArray<string>,
  ): BatchedRead | undefined
  /**
   * A scalar SQL expression whose text changes with any DDL and never with data or maintenance:
   * plumbline hashes it. Read in the same statement as the tracking head, it makes the healthy
   * path of `ensureHealthy()` and a no-op `up` one round trip.
   */
  readonly catalogFingerprintSql: string
  /**
   * The statement creating a shadow database that builds what the target builds (MySQL: with the
   * target's default character set). Absent: a plain `CREATE DATABASE`.
   */
  shadowDatabaseSql?(target: Connection, name: string): Promise<string>
  /**
   * Statements that open a revision's transaction, sent in one round trip with the migration's
   * statements where the connection can batch them (`Connection.executeBatch`). Absent, or
   * `undefined` for a revision: its transaction is opened statement by statement.
   *
   * `durable: false` when another revision of the same run follows: its commit need not wait for
   * the disk, since the last revision's commit (which does) makes every earlier one durable too.
   */
  revisionPrologue?(
    conn: Connection,
    revision: string,
    options: { readonly durable: boolean },
  ): RevisionPrologue | undefined
  /** Turns expected objects back into DDL, to complete a partly applied revision. */
  readonly renderer: DdlRenderer
  /** The migration lock, held on `conn` (the connection that runs the migrations). */
  lock(conn: Connection): MigrationLock
}
