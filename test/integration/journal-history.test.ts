import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConnectionUrl } from '../../src/config/connection-url.js'
import type { Dialect } from '../../src/dialects/dialect.js'
import { dialectFor } from '../../src/dialects/registry.js'
import { loadProject, type Project, writeHistoryFile } from '../../src/engine/project.js'
import { isPlumblineError } from '../../src/errors/plumbline-error.js'
import { HISTORY_FILE_NAME, parseHistoryFile, renderHistoryFile } from '../../src/history/history-file.js'
import type { History } from '../../src/history/history-model.js'
import { isEmptyDelta } from '../../src/history/revision-delta.js'
import { copyMigrations, fixtureDir } from '../fixtures/apply-habits/habits.js'
import { createFreshDatabase, dialectTargets, type FreshDatabase } from '../support/database.js'

const LOG = '0002_member_log'

/** What `parseHistoryFile` throws for `text`, or `undefined` when it reads. */
function refusal(text: string, dialect: Dialect): string | undefined {
  try {
    parseHistoryFile(text, dialect.name, HISTORY_FILE_NAME)
    return undefined
  } catch (error) {
    if (!isPlumblineError(error)) throw error
    return `${error.code}: ${error.message}`
  }
}

/** The history with revision `id` changed by `edit`, rendered with a digest that matches. */
function forged(history: History, id: string, edit: (r: History['revisions'][number]) => object): string {
  return renderHistoryFile({
    ...history,
    revisions: history.revisions.map((r) => (r.id === id ? { ...r, ...edit(r) } : r)),
  } as History)
}

for (const target of dialectTargets()) {
  describe(`${target.name}: the history records what each journaled statement does`, () => {
    let db: FreshDatabase
    let dialect: Dialect
    let dir: string
    let built: Project

    beforeAll(async () => {
      db = await createFreshDatabase(target)
      dialect = await dialectFor(target.dialect)
      dir = copyMigrations(fixtureDir('journal-crash', target.dialect))
      built = await loadProject(dialect, parseConnectionUrl(db.url), { dir, history: 'build' })
    })
    afterAll(async () => {
      rmSync(dir, { recursive: true, force: true })
      await db.drop()
    })

    it('records one effect per statement of a journaled migration, none for one in a transaction', () => {
      const [members, log] = built.history.revisions
      // MySQL journals every migration; elsewhere only the no-transaction one.
      if (dialect.capabilities.transactionalDdl) expect(members?.statementDeltas).toBeUndefined()
      else expect(members?.statementDeltas).toHaveLength(1)
      const deltas = log!.statementDeltas!
      expect(deltas.map((d) => !isEmptyDelta(d))).toEqual([true, false, true, true, false])
      expect(deltas[0]!.created.map((o) => `${o.kind}:${o.name}`)).toEqual(
        expect.arrayContaining(['table:member_log', 'column:member_id', 'column:note']),
      )
      expect(deltas[2]!.created.map((o) => `${o.kind}:${o.name}`)).toEqual(['index:idx_member_log_member'])
      expect(deltas[3]!.created.map((o) => `${o.kind}:${o.name}`)).toEqual(['column:score'])
      // Together they are the revision's delta.
      const keys = (objects: ReadonlyArray<{ kind: string; name: string }>) =>
        objects.map((o) => `${o.kind}:${o.name}`).sort()
      expect(keys(deltas.flatMap((d) => d.created))).toEqual(keys(log!.delta.created))
    })

    it('writes them to the history file and reads them back; production reads the file alone', async () => {
      await writeHistoryFile(built)
      const text = readFileSync(join(dir, HISTORY_FILE_NAME), 'utf8')
      const parsed = parseHistoryFile(text, dialect.name, HISTORY_FILE_NAME)!
      expect(JSON.parse(JSON.stringify(parsed.revisions.map((r) => r.statementDeltas ?? null)))).toEqual(
        JSON.parse(JSON.stringify(built.history.revisions.map((r) => r.statementDeltas ?? null))),
      )
      const fromFile = await loadProject(dialect, parseConnectionUrl(db.url), { dir, history: 'file' })
      expect(fromFile).toMatchObject({ historyFrom: 'file', fileFreshness: { fresh: true, reasons: [] } })
      expect(fromFile.history.revisions[1]?.statementDeltas).toHaveLength(5)
    })

    it('refuses a hand edit of a statement delta, with or without the digest made to match', () => {
      const text = renderHistoryFile(built.history)
      const stored = JSON.parse(text)
      const index = stored.dialects[dialect.name].revisions[1].statementDeltas[2].created[0]
      index.definition = index.definition.replace('member_id', 'note')
      expect(refusal(JSON.stringify(stored), dialect)).toMatch(/^HISTORY_FILE_INVALID: .*edited by hand/)

      // A forger who recomputes the digest still cannot make the statements end elsewhere.
      const moved = forged(built.history, LOG, (r) => ({
        statementDeltas: r.statementDeltas!.map((d, i) =>
          i === 2 ? { ...d, created: d.created.map((o) => ({ ...o, definition: `${o.definition} ` })) } : d,
        ),
      }))
      expect(refusal(moved, dialect)).toContain(
        `revision ${LOG}: its statement deltas do not rebuild the schema its fingerprint names`,
      )
      // Nor create an object twice: each delta must fit the state the statements before it leave.
      const twice = forged(built.history, LOG, (r) => ({
        statementDeltas: r.statementDeltas!.map((d, i) =>
          i === 1 ? { ...d, created: r.statementDeltas![0]!.created } : d,
        ),
      }))
      expect(refusal(twice, dialect)).toContain(
        `revision ${LOG}: the delta of statement 2 does not fit the schema before it`,
      )
      expect(refusal(text, dialect)).toBeUndefined()
    })

    it('a file without the effect of each statement is stale: replayed, or refused where no shadow may be made', async () => {
      const older = forged(built.history, LOG, () => ({ statementDeltas: undefined }))
      expect(refusal(older, dialect)).toBeUndefined()
      const copy = copyMigrations(dir)
      writeFileSync(join(copy, HISTORY_FILE_NAME), older)
      const url = parseConnectionUrl(db.url)
      const error = await loadProject(dialect, url, { dir: copy, history: 'file' }).catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'HISTORY_STALE' })
      expect((error as Error).message).toContain(`${LOG} outdated`)
      const replayed = await loadProject(dialect, url, { dir: copy, history: 'auto' }).finally(() =>
        rmSync(copy, { recursive: true, force: true }),
      )
      expect(replayed.historyFrom).toBe('shadow')
      expect(replayed.fileFreshness?.reasons).toEqual([{ kind: 'outdated', id: LOG }])
      expect(replayed.history.revisions[1]?.statementDeltas).toHaveLength(5)
    })
  })
}
