import type { MigrationChecks } from '../integrity/migration-conditions.js'

/**
 * One statement of a SQL migration, as the engine will receive it: without its own terminator,
 * without the comments and blank lines around it. `line` is 1-based and counts lines of the file
 * the statement came from, so an error can point at it.
 */
export interface Statement {
  readonly sql: string
  readonly line: number
}

/**
 * The two sections a migration may have. `sql` is the section's text as written (DELIMITER lines
 * and comments included); `statements` is what to run, in order. A code migration's sections
 * carry neither: its `up` and `down` are functions, known once the module is loaded.
 */
export interface MigrationSection {
  readonly sql?: string
  readonly statements?: ReadonlyArray<Statement>
}

/** A section of a SQL migration: the text and the statements split from it. */
export interface SqlSection extends MigrationSection {
  readonly sql: string
  readonly statements: ReadonlyArray<Statement>
}

/** Header directives a migration may carry (`-- plumbline:no-transaction`). */
export type MigrationDirective = 'no-transaction'

/** What every migration has, whatever its format. */
interface MigrationBase {
  /** The file name without its extension(s): `0002_add_index` for `0002_add_index.up.sql`. */
  readonly id: string
  /** The digits before the first `_`, as written (`0002`); compare as BigInt. */
  readonly version: string
  /** The part after the first `_`: `add_index`. */
  readonly name: string
  /** The migration's file; for an `.up.sql` + `.down.sql` pair, the `.up.sql`. */
  readonly path: string
  /** False when the migration carries `no-transaction`: it runs with a statement journal. */
  readonly transaction: boolean
  /** Sorted, each once. */
  readonly directives: ReadonlyArray<MigrationDirective>
  /**
   * Data-integrity checks (named in the config) that must pass before and after the migration:
   * `-- plumbline:check-before <name>` / `-- plumbline:check-after <name>` header lines (`//` in
   * code migrations, which may also export `checks = { before, after }`).
   */
  readonly checks: MigrationChecks
  /**
   * Lowercase sha256 hex of the bytes of `path` (contract §3). For a pair that is the `.up.sql`
   * file alone: what was applied is the up file, and anyone can check it with `sha256sum`.
   */
  readonly checksum: string
  /**
   * sha256 of what the same bytes *do*: the statements with comments removed and every run of
   * whitespace between tokens made one space, per section, plus the directives. A reindent, a
   * comment edit or a trailing newline keeps it; a changed literal, identifier or keyword does
   * not. It covers exactly what `checksum` covers, so equal checksums always mean equal
   * normalised checksums. For code migrations it equals `checksum`: JavaScript is not normalised.
   */
  readonly normalizedChecksum: string
}

/** A migration written in SQL: one `.sql` file with sections, or an `.up.sql` + `.down.sql` pair. */
export interface SqlMigration extends MigrationBase {
  readonly kind: 'sql'
  readonly up: SqlSection
  /**
   * Absent when the migration cannot be undone: no down section, an empty one, or a `.down.sql`
   * without statements.
   */
  readonly down?: SqlSection
  /** The `.down.sql` file of a pair, whether or not it holds statements. */
  readonly downPath?: string
  /** sha256 of the `.down.sql` file's bytes, so an edited down file can be noticed. */
  readonly downChecksum?: string
}

/**
 * A migration written as a module exporting `up(ctx)` and optionally `down(ctx)`. The source only
 * records it; `loadCodeMigration` imports it.
 */
export interface CodeMigration extends MigrationBase {
  readonly kind: 'code'
  readonly up: MigrationSection
  /** Unknown until the module is loaded. */
  readonly down?: undefined
}

/** One migration of the folder. */
export type Migration = SqlMigration | CodeMigration
