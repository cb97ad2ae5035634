import { parseConnectionUrl } from '../../src/config/connection-url.js'
import { dialectFor } from '../../src/dialects/registry.js'
import { preflight } from '../../src/engine/preflight.js'
import { loadHistory } from '../../src/engine/project.js'
import { loadMigrations } from '../../src/source/load-migrations.js'

/** What `up` does before its first migration, the parts that grow with the history, timed apart. */
export interface SetupCosts {
  /** Reading and splitting the migration files, with their checksums. */
  readonly folderMs: number
  /** Reading `plumbline.history.json` and rebuilding (and checking) every expected schema. */
  readonly historyMs: number
  /** Pre-flight of every migration against an empty database. */
  readonly preflightMs: number
}

/**
 * The same calls `up` makes on an empty database, each timed on its own (fastest of `runs`, so
 * that what is left is the work, not a busy machine's noise).
 */
export async function setupCosts(url: string, dir: string, runs = 3): Promise<SetupCosts> {
  const target = parseConnectionUrl(url)
  const dialect = await dialectFor(target.dialect)
  let best: SetupCosts = { folderMs: Infinity, historyMs: Infinity, preflightMs: Infinity }
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    const migrations = await loadMigrations(dir, { dialect: dialect.name })
    const read = performance.now()
    const { history } = await loadHistory(dialect, target, migrations, { dir, history: 'file' })
    const loaded = performance.now()
    preflight(
      history,
      history.initial,
      history.revisions.map((r) => r.id),
    )
    const checked = performance.now()
    best = {
      folderMs: Math.min(best.folderMs, read - start),
      historyMs: Math.min(best.historyMs, loaded - read),
      preflightMs: Math.min(best.preflightMs, checked - loaded),
    }
  }
  return best
}
