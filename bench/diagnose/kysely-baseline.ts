import { Kysely, type Migration, Migrator, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { GeneratedMigration } from '../history/generate-history.js'

/** Kysely on one database, with its migrator over the same migrations. */
export interface KyselyBaseline {
  /** `migrateToLatest()` on the instance that migrated the database: its pool is connected. */
  warm(): Promise<void>
  /** A new instance (and pool), `migrateToLatest()`, `destroy()`: what an application's start pays. */
  cold(): Promise<void>
  destroy(): Promise<void>
}

function migrator(db: Kysely<unknown>, migrations: ReadonlyArray<GeneratedMigration>): Migrator {
  // The migrations come from memory, not from files: Kysely's own cost, not module loading's.
  const all: Record<string, Migration> = {}
  for (const m of migrations) all[m.id] = { up: async (k) => void (await sql.raw(m.sql).execute(k)) }
  return new Migrator({ db, provider: { getMigrations: async () => all } })
}

function kysely(url: string): Kysely<unknown> {
  return new Kysely({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
  })
}

async function latest(m: Migrator, expectApplied: number): Promise<void> {
  const { error, results } = await m.migrateToLatest()
  if (error) throw error
  if ((results?.length ?? 0) !== expectApplied)
    throw new Error(`Kysely applied ${results?.length ?? 0} migrations, expected ${expectApplied}`)
}

/** Migrates the empty database at `url` to head with Kysely; the returned handle measures its no-op. */
export async function kyselyBaseline(
  url: string,
  migrations: ReadonlyArray<GeneratedMigration>,
): Promise<KyselyBaseline> {
  const db = kysely(url)
  const m = migrator(db, migrations)
  await latest(m, migrations.length)
  return {
    warm: () => latest(m, 0),
    async cold() {
      const fresh = kysely(url)
      try {
        await latest(migrator(fresh, migrations), 0)
      } finally {
        await fresh.destroy()
      }
    },
    destroy: () => db.destroy(),
  }
}
