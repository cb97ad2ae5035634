import { createHash } from 'node:crypto'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseConnectionUrl } from '../../src/config/connection-url.js'
import { dialectFor } from '../../src/dialects/registry.js'
import { loadProject, writeHistoryFile } from '../../src/engine/project.js'
import { HISTORY_FILE_NAME } from '../../src/history/history-file.js'
import { type GeneratedMigration, writeHistory } from './generate-history.js'

/** A migrations folder with its `plumbline.history.json`, in a temporary folder. */
export interface HistoryFixture {
  readonly dir: string
  readonly migrations: ReadonlyArray<GeneratedMigration>
  /** Where the history file came from: built now on a shadow, or a copy of one built earlier. */
  readonly history: 'built' | 'cached'
  /** Time the shadow replay took, when the history was built now. */
  readonly buildMs?: number
  remove(): void
}

const SOURCE = fileURLToPath(new URL('../../src/', import.meta.url))
const CACHE = join(tmpdir(), 'plumbline-bench-history')

function sourceDigest(hash: ReturnType<typeof createHash>, dir: string): void {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) sourceDigest(hash, path)
    else if (name.endsWith('.ts')) hash.update(`${relative(SOURCE, path)}\n`).update(readFileSync(path))
  }
}

/**
 * Writes `migrations` into a new temporary folder with their history file. The history is built
 * the way `plumbline history` builds it (a replay on a shadow database of the server `url` names,
 * or SQLite in memory), and kept in a cache under the system's temporary folder, keyed by the
 * migrations and by every source file under `src/`: a later run reuses it only while neither
 * changed, since the history is what the code under test computes.
 */
export async function historyFixture(
  migrations: ReadonlyArray<GeneratedMigration>,
  options: { readonly url: string },
): Promise<HistoryFixture> {
  const target = parseConnectionUrl(options.url)
  const dir = mkdtempSync(join(tmpdir(), `plumbline-bench-${target.dialect}-`))
  const remove = () => rmSync(dir, { recursive: true, force: true })
  try {
    writeHistory(dir, migrations)
    const hash = createHash('sha256').update(`${target.dialect}\n`)
    for (const m of migrations) hash.update(`${m.name}\n${m.sql}\n`)
    sourceDigest(hash, SOURCE)
    const cached = join(CACHE, `${hash.digest('hex').slice(0, 32)}.json`)
    if (existsSync(cached)) {
      copyFileSync(cached, join(dir, HISTORY_FILE_NAME))
      return { dir, migrations, history: 'cached', remove }
    }
    const dialect = await dialectFor(target.dialect)
    const start = performance.now()
    const project = await loadProject(dialect, target, { dir, history: 'build' })
    const buildMs = performance.now() - start
    const file = await writeHistoryFile(project)
    mkdirSync(CACHE, { recursive: true })
    copyFileSync(file, cached)
    return { dir, migrations, history: 'built', buildMs, remove }
  } catch (error) {
    remove()
    throw error
  }
}
