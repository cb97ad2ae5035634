import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type GeneratedMigration,
  generateHistory,
  reorderedStatements,
} from '../../bench/history/generate-history.js'
import { createRandom } from '../../bench/history/random.js'
import { parseConnectionUrl } from '../../src/config/connection-url.js'
import type { Connection, Dialect } from '../../src/dialects/dialect.js'
import { dialectFor } from '../../src/dialects/registry.js'
import { diff } from '../../src/schema/diff.js'
import { fingerprint } from '../../src/schema/fingerprint.js'
import { objectKey, type Schema, type SchemaObject } from '../../src/schema/model.js'
import { createFreshDatabase, dialectTargets, type FreshDatabase } from '../support/database.js'

const SEED = 2024

/** The least an application-sized schema holds, by object kind; PostgreSQL adds its own kinds. */
const AT_LEAST: Readonly<Record<'sqlite' | 'postgres', Readonly<Record<string, number>>>> = {
  sqlite: { table: 100, column: 1000, index: 300, foreign_key: 100, view: 10, trigger: 50 },
  postgres: {
    table: 100,
    column: 1000,
    index: 300,
    foreign_key: 100,
    view: 10,
    trigger: 50,
    function: 12,
    type: 10,
    sequence: 1,
  },
}

async function build(
  dialect: Dialect,
  db: FreshDatabase,
  history: ReadonlyArray<GeneratedMigration>,
  script: (m: GeneratedMigration) => string,
): Promise<Connection> {
  const conn = await dialect.connect(parseConnectionUrl(db.url), { create: true })
  for (const migration of history) await conn.execute(script(migration))
  return conn
}

function countByKind(schema: Schema): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const object of schema.objects) counts[object.kind] = (counts[object.kind] ?? 0) + 1
  return counts
}

class Rollback extends Error {}

for (const target of dialectTargets().filter((t) => t.dialect === 'sqlite' || t.dialect === 'postgres')) {
  const name = target.dialect as 'sqlite' | 'postgres'
  describe(`${target.name}: a generated 300-migration history`, () => {
    const history = generateHistory({ dialect: name, migrations: 300, seed: SEED })
    let dialect: Dialect
    let firstDb: FreshDatabase
    let secondDb: FreshDatabase
    let inOrder: Connection
    let reordered: Connection
    let expected: Schema
    let actual: Schema

    beforeAll(async () => {
      dialect = await dialectFor(target.dialect)
      firstDb = await createFreshDatabase(target)
      secondDb = await createFreshDatabase(target)
      const random = createRandom(`${target.name}-reorder`)
      // Two servers' worth of work at once: each build is 300 commits.
      ;[inOrder, reordered] = await Promise.all([
        build(dialect, firstDb, history, (m) => m.sql),
        build(dialect, secondDb, history, (m) => reorderedStatements(m, random).join('\n')),
      ])
      expected = await dialect.introspect(inOrder)
      actual = await dialect.introspect(reordered)
    }, 300_000)
    afterAll(async () => {
      await inOrder?.close()
      await reordered?.close()
      await firstDb?.drop()
      await secondDb?.drop()
    })

    it('introspects the same schema whether independent statements ran in file order or shuffled', () => {
      expect(diff(expected, actual)).toEqual({ missing: [], extra: [], changed: [] })
      expect(fingerprint(actual)).toBe(fingerprint(expected))
    })

    it('models an application-sized schema: tables, columns, indexes, views, triggers, functions', () => {
      const counts = countByKind(expected)
      const short = Object.entries(AT_LEAST[name])
        .filter(([kind, least]) => (counts[kind] ?? 0) < least)
        .map(([kind, least]) => `${kind}: ${counts[kind] ?? 0} < ${least}`)
      expect(short).toEqual([])
      const indexes = expected.objects.filter((o) => o.kind === 'index')
      expect(indexes.filter((o) => /\bWHERE\b/i.test(o.definition)).length).toBeGreaterThanOrEqual(30)
      expect(
        indexes.filter((o) => /lower\(|json_extract\(|->>|normalize_email\(/i.test(o.definition)).length,
      ).toBeGreaterThanOrEqual(30)
    })

    it('names exactly the one generated index that was dropped, and nothing else', async () => {
      const victim: SchemaObject | undefined = expected.objects.find(
        (o) => o.kind === 'index' && /\bWHERE\b/i.test(o.definition),
      )
      expect(victim).toBeDefined()
      let dropped: Schema | undefined
      await inOrder
        .transaction(async () => {
          await inOrder.execute(`DROP INDEX ${victim!.name}`)
          dropped = await dialect.introspect(inOrder)
          throw new Rollback()
        })
        .catch((error) => {
          if (!(error instanceof Rollback)) throw error
        })
      expect(fingerprint(dropped!)).not.toBe(fingerprint(expected))
      const d = diff(expected, dropped!)
      expect({
        missing: d.missing.map(objectKey),
        extra: d.extra.map(objectKey),
        changed: d.changed.map((c) => c.key),
      }).toEqual({
        missing: [objectKey(victim!)],
        extra: [],
        changed: [],
      })
      expect(fingerprint(await dialect.introspect(inOrder))).toBe(fingerprint(expected))
    })
  })
}
