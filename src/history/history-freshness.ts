import type { Migration } from '../source/migration.js'
import type { History } from './history-model.js'
import { needsStatementDeltas } from './journaled.js'

/** Why a cached history no longer describes the migrations. */
export type StaleReason =
  | { readonly kind: 'added'; readonly id: string }
  | { readonly kind: 'removed'; readonly id: string }
  | { readonly kind: 'edited'; readonly id: string; readonly cosmetic: boolean }
  | { readonly kind: 'reordered'; readonly id: string }
  /** Built without the per-statement effects a journaled migration needs (an older plumbline). */
  | { readonly kind: 'outdated'; readonly id: string }

/** Whether a cached history matches the migrations, and where it stops matching. */
export interface Freshness {
  readonly fresh: boolean
  /** How many leading revisions still match (their expected schemas can be trusted). */
  readonly matching: number
  readonly reasons: ReadonlyArray<StaleReason>
}

/**
 * Compares a cached history with the migrations by id and checksum, in order. A cosmetic edit
 * (same normalised checksum) still makes the cache stale — its checksums are what production
 * compares with — but is marked `cosmetic`, so the rebuild is known to change no schema.
 *
 * Given the dialect's `transactionalDdl`, a revision of a journaled SQL migration must also carry
 * the effect of each of its statements, one per statement: recovery decides by them. A file built
 * before they were recorded is `outdated`.
 */
export function historyFreshness(
  history: History,
  migrations: ReadonlyArray<Migration>,
  options: { readonly transactionalDdl?: boolean } = {},
): Freshness {
  const reasons: StaleReason[] = []
  let matching = 0
  let prefixIntact = true
  const cached = history.revisions
  const ids = new Set(migrations.map((m) => m.id))
  const cachedIds = new Set(cached.map((r) => r.id))
  for (let i = 0; i < Math.max(cached.length, migrations.length); i++) {
    const revision = cached[i]
    const migration = migrations[i]
    if (revision && migration && revision.id === migration.id) {
      if (revision.checksum !== migration.checksum) {
        reasons.push({
          kind: 'edited',
          id: migration.id,
          cosmetic: revision.normalizedChecksum === migration.normalizedChecksum,
        })
        prefixIntact = false
      } else if (
        options.transactionalDdl !== undefined &&
        migration.kind === 'sql' &&
        needsStatementDeltas(migration, options.transactionalDdl) &&
        revision.statementDeltas?.length !== migration.up.statements.length
      ) {
        reasons.push({ kind: 'outdated', id: migration.id })
        prefixIntact = false
      } else if (prefixIntact) matching++
      continue
    }
    prefixIntact = false
    if (migration && !cachedIds.has(migration.id)) reasons.push({ kind: 'added', id: migration.id })
    else if (migration) reasons.push({ kind: 'reordered', id: migration.id })
    if (revision && !ids.has(revision.id)) reasons.push({ kind: 'removed', id: revision.id })
  }
  return Object.freeze({ fresh: reasons.length === 0, matching, reasons: Object.freeze(reasons) })
}
