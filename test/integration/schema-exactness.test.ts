import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConnectionUrl } from '../../src/config/connection-url.js'
import type { Connection, Dialect } from '../../src/dialects/dialect.js'
import { dialectFor } from '../../src/dialects/registry.js'
import { readCatalogFingerprint } from '../../src/execute/catalog-fingerprint.js'
import { diff, isEmptyDiff } from '../../src/schema/diff.js'
import { fingerprint } from '../../src/schema/fingerprint.js'
import { objectKey, type Schema } from '../../src/schema/model.js'
import { createFreshDatabase, dialectTargets, type FreshDatabase } from '../support/database.js'
import type { TestTarget } from '../support/targets.js'
import type { DialectExactness } from './exactness/types.js'
import { REQUIRED_CASES } from './exactness/types.js'

async function exactnessFor(dialect: string): Promise<DialectExactness> {
  // The specs are TypeScript files: the bundler resolves a variable import by globbing their real names.
  return (await import(`./exactness/${dialect}.ts`)).default as DialectExactness
}

async function build(
  db: FreshDatabase,
  dialect: Dialect,
  statements: ReadonlyArray<string>,
): Promise<Connection> {
  const conn = await dialect.connect(parseConnectionUrl(db.url), { create: true })
  for (const sql of statements) await conn.execute(sql)
  return conn
}

class Rollback extends Error {}

/** What the model and the healthy path's server-side catalog fingerprint see. */
interface Seen {
  readonly schema: Schema
  readonly catalog: string
}

async function see(dialect: Dialect, conn: Connection): Promise<Seen> {
  return { schema: await dialect.introspect(conn), catalog: await readCatalogFingerprint(conn, dialect) }
}

/** Runs `change` inside a transaction, introspects, and rolls the change back. */
async function introspectWith(dialect: Dialect, conn: Connection, change: string): Promise<Seen> {
  let changed: Seen | undefined
  await conn
    .transaction(async () => {
      await conn.execute(change)
      changed = await see(dialect, conn)
      throw new Rollback()
    })
    .catch((e) => {
      if (!(e instanceof Rollback)) throw e
    })
  return changed!
}

/**
 * Where DDL is not transactional (MySQL commits each DDL statement), the change runs on a fresh
 * database built from the base instead, which is dropped afterwards.
 */
async function introspectOnCopy(
  target: TestTarget,
  dialect: Dialect,
  base: ReadonlyArray<string>,
  change: string,
): Promise<{ before: Seen; changed: Seen }> {
  const copy = await createFreshDatabase(target)
  try {
    const conn = await build(copy, dialect, base)
    try {
      const before = await see(dialect, conn)
      await conn.execute(change)
      return { before, changed: await see(dialect, conn) }
    } finally {
      await conn.close()
    }
  } finally {
    await copy.drop()
  }
}

for (const target of dialectTargets()) {
  describe(`${target.name}: schema model is exact and sensitive`, async () => {
    const spec = await exactnessFor(target.dialect)
    const dialect = await dialectFor(target.dialect)
    let first: FreshDatabase
    let second: FreshDatabase
    let conn: Connection
    let base: Schema
    /** The server-side catalog fingerprint of `first`: comparable only within one database. */
    let baseCatalog: string

    beforeAll(async () => {
      first = await createFreshDatabase(target)
      second = await createFreshDatabase(target)
      conn = await build(first, dialect, spec.base)
      ;({ schema: base, catalog: baseCatalog } = await see(dialect, conn))
    })
    afterAll(async () => {
      await conn?.close()
      await first?.drop()
      await second?.drop()
    })

    it('models every object of the base schema, and none of plumbline’s own tables', () => {
      expect(base.objects.length).toBeGreaterThan(10)
      expect(
        base.objects.some((o) => o.name.startsWith('plumbline_') || o.table?.startsWith('plumbline_')),
      ).toBe(false)
    })

    it('gives the same fingerprint to the same schema built with statements in another order', async () => {
      const other = await build(second, dialect, spec.baseReordered)
      try {
        const schema = await dialect.introspect(other)
        expect(diff(base, schema)).toEqual({ missing: [], extra: [], changed: [] })
        expect(fingerprint(schema)).toBe(fingerprint(base))
      } finally {
        await other.close()
      }
    })

    it('keeps the fingerprint and the catalog fingerprint through data, maintenance and a reconnect', async () => {
      const other = await dialect.connect(parseConnectionUrl(second.url))
      let catalog: string
      try {
        catalog = await readCatalogFingerprint(other, dialect)
        for (const sql of spec.data) await other.execute(sql)
        for (const sql of spec.maintenance) await other.execute(sql)
      } finally {
        await other.close()
      }
      const again = await dialect.connect(parseConnectionUrl(second.url))
      try {
        const schema = await dialect.introspect(again)
        expect(isEmptyDiff(diff(base, schema))).toBe(true)
        expect(fingerprint(schema)).toBe(fingerprint(base))
        expect(await readCatalogFingerprint(again, dialect)).toBe(catalog)
      } finally {
        await again.close()
      }
    })

    it('has every required single-change case', () => {
      const ids = new Set(spec.cases.map((c) => c.id))
      expect((REQUIRED_CASES[target.dialect] ?? []).filter((id) => !ids.has(id))).toEqual([])
    })

    for (const change of spec.cases) {
      it(`names exactly the changed object, and the catalog fingerprint changes: ${change.id}`, async () => {
        const transactional = dialect.capabilities.transactionalDdl
        const copied = transactional
          ? undefined
          : await introspectOnCopy(target, dialect, spec.base, change.change)
        const seen = copied?.changed ?? (await introspectWith(dialect, conn, change.change))
        const changed = seen.schema
        if (copied !== undefined) expect(fingerprint(copied.before.schema)).toBe(fingerprint(base))
        expect(fingerprint(changed)).not.toBe(fingerprint(base))
        // The healthy path must not answer "healthy" after any change the model sees.
        expect(seen.catalog).not.toBe(copied?.before.catalog ?? baseCatalog)
        const d = diff(base, changed)
        const named = [
          ...d.missing.map((o) => ({ as: 'missing', key: objectKey(o) })),
          ...d.extra.map((o) => ({ as: 'extra', key: objectKey(o) })),
          ...d.changed.map((c) => ({ as: 'changed', key: c.key })),
        ].sort((a, b) => a.key.localeCompare(b.key))
        const expected = change.expect
          .map((e) => ({
            as: e.as,
            key: objectKey({
              ...e,
              schema: e.schema ?? (target.dialect === 'postgres' ? 'public' : undefined),
            }),
          }))
          .sort((a, b) => a.key.localeCompare(b.key))
        expect(named).toEqual(expected)
        // the rollback restored the base exactly
        if (transactional) {
          expect(fingerprint(await dialect.introspect(conn))).toBe(fingerprint(base))
          expect(await readCatalogFingerprint(conn, dialect)).toBe(baseCatalog)
        }
      })
    }
  })
}
