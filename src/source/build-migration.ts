import type { DialectName } from '../config/connection-url.js'
import { normalizedChecksum, sha256Hex } from './checksum.js'
import type { CodeMigration, SqlMigration, SqlSection } from './migration.js'
import { parseCodeDirectives } from './parse-code-directives.js'
import { type ParsedSection, parseSqlMigration } from './parse-sql-migration.js'
import { readMigrationFile } from './read-migration-file.js'

/** The files of one migration, found by name. */
export interface MigrationFiles {
  readonly id: string
  readonly version: string
  readonly name: string
  readonly format: 'sql' | 'pair' | 'code'
  /** The `.sql`, `.up.sql` or code file. */
  readonly path: string
  readonly downPath?: string
}

function section(parsed: ParsedSection): SqlSection {
  return Object.freeze({ sql: parsed.sql, statements: parsed.statements })
}

/** Reads a SQL migration (one file or a pair) into a frozen {@link SqlMigration}. */
export async function buildSqlMigration(files: MigrationFiles, dialect: DialectName): Promise<SqlMigration> {
  const [main, downFile] = await Promise.all([
    readMigrationFile(files.path),
    files.downPath === undefined ? undefined : readMigrationFile(files.downPath),
  ])
  const parsed = parseSqlMigration(main.text, {
    dialect,
    file: files.path,
    role: files.format === 'pair' ? 'up' : 'single',
  })
  const up = parsed.up!
  const downParsed =
    downFile === undefined
      ? parsed.down
      : parseSqlMigration(downFile.text, { dialect, file: files.downPath!, role: 'down' }).down
  const directives = parsed.directives
  return Object.freeze({
    kind: 'sql',
    id: files.id,
    version: files.version,
    name: files.name,
    path: files.path,
    ...(files.downPath === undefined
      ? {}
      : { downPath: files.downPath, downChecksum: sha256Hex(downFile!.bytes) }),
    up: section(up),
    ...(downParsed === undefined ? {} : { down: section(downParsed) }),
    transaction: !directives.includes('no-transaction'),
    directives,
    checks: parsed.checks,
    checksum: sha256Hex(main.bytes),
    // The same bytes as `checksum`: a pair's down file is outside both.
    normalizedChecksum: normalizedChecksum({
      // What the migration requires is part of what it does.
      directives: [
        ...directives,
        ...parsed.checks.before.map((n) => `check-before ${n}`),
        ...parsed.checks.after.map((n) => `check-after ${n}`),
      ],
      up: up.normalized,
      down: downFile === undefined ? parsed.down?.normalized : undefined,
    }),
  } satisfies SqlMigration)
}

/** Records a code migration without importing it: path, checksum and `// plumbline:` directives. */
export async function buildCodeMigration(files: MigrationFiles): Promise<CodeMigration> {
  const content = await readMigrationFile(files.path)
  const { directives, checks } = parseCodeDirectives(content.text, files.path)
  const checksum = sha256Hex(content.bytes)
  return Object.freeze({
    kind: 'code',
    id: files.id,
    version: files.version,
    name: files.name,
    path: files.path,
    up: Object.freeze({}),
    transaction: !directives.includes('no-transaction'),
    directives,
    checks,
    checksum,
    normalizedChecksum: checksum,
  } satisfies CodeMigration)
}
