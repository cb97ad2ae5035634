import type { Dialect } from '../dialects/dialect.js'
import { isPlumblineError, PlumblineError } from '../errors/plumbline-error.js'
import { type RunOptions, runMigration } from '../execute/run-migration.js'
import { fingerprint } from '../schema/fingerprint.js'
import type { Migration } from '../source/migration.js'
import type { History, RevisionState } from './history-model.js'
import { needsStatementDeltas } from './journaled.js'
import { computeDelta, type RevisionDelta } from './revision-delta.js'
import type { Shadow } from './shadow.js'

/** Code-migration support for the replay (the same as for a real apply). */
export type ReplayOptions = Pick<RunOptions, 'loadCode' | 'codeContext'> & {
  /** Called after each revision is replayed: progress for a terminal. */
  readonly onRevision?: (index: number, total: number, id: string) => void
}

/**
 * Replays the migrations in order on a shadow and records, per revision, the expected schema,
 * its fingerprint and the delta from the revision before. A migration that fails on an empty
 * shadow is broken whatever the target holds: that is `HISTORY_REPLAY_FAILED`.
 *
 * A journaled SQL migration (see `needsStatementDeltas`) is introspected after each of its
 * statements as well, so the history knows what every statement does to the schema: that is how
 * recovery tells, from the live schema alone, whether a statement that ran just before its process
 * died took effect. Migrations that run in one transaction pay nothing for it.
 */
export async function buildHistory(
  dialect: Dialect,
  shadow: Shadow,
  migrations: ReadonlyArray<Migration>,
  options: ReplayOptions = {},
): Promise<History> {
  const conn = shadow.conn
  const initial = await dialect.introspect(conn)
  let previous = initial
  const revisions: RevisionState[] = []
  for (const [index, migration] of migrations.entries()) {
    const split = needsStatementDeltas(migration, dialect.capabilities.transactionalDdl)
    const statementDeltas: RevisionDelta[] = []
    let schema = previous
    try {
      const run = () =>
        runMigration(conn, migration, {
          direction: 'up',
          ...options,
          ...(split
            ? {
                onStatement: async () => {
                  const after = await dialect.introspect(conn)
                  statementDeltas.push(computeDelta(schema, after))
                  schema = after
                },
              }
            : {}),
        })
      if (migration.transaction) await conn.transaction(run)
      else await run()
    } catch (error) {
      throw new PlumblineError({
        code: 'HISTORY_REPLAY_FAILED',
        message: `migration ${migration.id} fails on an empty database: ${isPlumblineError(error) ? error.message : String(error)}`,
        hint: `fix ${migration.path}: the migrations must build the schema from nothing, in order${
          isPlumblineError(error) && error.hint !== undefined ? ` (${error.hint})` : ''
        }`,
        details: isPlumblineError(error) ? error.details : undefined,
        cause: error,
      })
    }
    // After the last statement of a split migration the schema was just read; read it otherwise.
    if (!split || statementDeltas.length === 0) schema = await dialect.introspect(conn)
    revisions.push(
      Object.freeze({
        id: migration.id,
        checksum: migration.checksum,
        normalizedChecksum: migration.normalizedChecksum,
        fingerprint: fingerprint(schema),
        delta: computeDelta(previous, schema),
        ...(split ? { statementDeltas: Object.freeze(statementDeltas) } : {}),
        schema,
      }),
    )
    previous = schema
    options.onRevision?.(index + 1, migrations.length, migration.id)
  }
  return Object.freeze({ dialect: dialect.name, initial, revisions: Object.freeze(revisions) })
}
