import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import {
  type GeneratedMigration,
  generateHistory,
  reorderedStatements,
  writeHistory,
} from '../../bench/history/generate-history.js'
import { createRandom } from '../../bench/history/random.js'

const SEED = 2024

function build(history: ReadonlyArray<GeneratedMigration>, script: (m: GeneratedMigration) => string) {
  const db = new Database(':memory:')
  for (const migration of history) {
    try {
      db.exec(script(migration))
    } catch (error) {
      throw new Error(`${migration.name}: ${(error as Error).message}\n${script(migration)}`)
    }
  }
  return db
}

function count(db: Database.Database, sql: string, ...params: unknown[]): number {
  return (db.prepare(sql).get(...params) as { n: number }).n
}

function schemaText(db: Database.Database): Record<string, string> {
  const rows = db.prepare(`SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL`).all() as Array<{
    type: string
    name: string
    sql: string
  }>
  return Object.fromEntries(rows.map((r) => [`${r.type}:${r.name}`, r.sql]))
}

describe('generated migration history', () => {
  const sqlite = generateHistory({ dialect: 'sqlite', migrations: 300, seed: SEED })
  const postgres = generateHistory({ dialect: 'postgres', migrations: 300, seed: SEED })

  it('is the same history for the same seed, and another for another seed', () => {
    expect(generateHistory({ dialect: 'sqlite', migrations: 300, seed: SEED })).toEqual(sqlite)
    expect(generateHistory({ dialect: 'postgres', migrations: 300, seed: SEED })).toEqual(postgres)
    const other = generateHistory({ dialect: 'sqlite', migrations: 300, seed: SEED + 1 })
    expect(other.map((m) => m.sql)).not.toEqual(sqlite.map((m) => m.sql))
  })

  it('plans one logical history for both dialects: the same migration ids', () => {
    expect(postgres.map((m) => m.id)).toEqual(sqlite.map((m) => m.id))
  })

  it('writes files in the native format: <version>_<name>.sql, ordered, with an up section', () => {
    expect(sqlite).toHaveLength(300)
    sqlite.forEach((m, i) => {
      expect(m.name).toMatch(/^\d{4}_[a-z0-9_]+\.sql$/)
      expect(m.name).toBe(`${m.id}.sql`)
      expect(Number(m.id.slice(0, 4))).toBe(i + 1)
      expect(m.sql.startsWith('-- plumbline:up\n')).toBe(true)
      expect(m.sql).not.toMatch(/plumbline:down/)
    })
    expect(new Set(sqlite.map((m) => m.id)).size).toBe(300)
  })

  it('writes the migration folder a user would have, and refuses to mix it into another', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-history-'))
    try {
      writeHistory(join(dir, 'migrations'), sqlite)
      const files = readdirSync(join(dir, 'migrations')).sort()
      expect(files).toEqual(sqlite.map((m) => m.name))
      expect(readFileSync(join(dir, 'migrations', files[41]!), 'utf8')).toBe(sqlite[41]!.sql)
      expect(() => writeHistory(join(dir, 'migrations'), sqlite)).toThrow(/already holds migrations/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('has migrations of several statements, and the evolution a real application goes through', () => {
    const all = (history: ReadonlyArray<GeneratedMigration>) => history.map((m) => m.sql).join('\n')
    const statementsOf = (m: GeneratedMigration) => m.blocks.flatMap((b) => b.statements).length
    expect(sqlite.filter((m) => statementsOf(m) >= 3).length).toBeGreaterThan(100)
    for (const text of [all(sqlite), all(postgres)]) {
      expect(text).toMatch(/ALTER TABLE \w+ RENAME COLUMN \w+ TO \w+;/)
      expect(text).toMatch(/ALTER TABLE \w+ DROP COLUMN \w+;/)
      expect(text).toMatch(/DROP INDEX \w+;/)
      expect(text).toMatch(/DROP TABLE \w+;/)
      expect(text).toMatch(/UPDATE \w+ SET \w+ = /)
    }
    const sqliteText = all(sqlite)
    expect(sqliteText).toMatch(/ALTER TABLE new_(\w+) RENAME TO \1;/)
    expect(sqliteText).toMatch(/DROP VIEW \w+;\n\nCREATE VIEW/)
    expect(sqliteText).toMatch(/FOR EACH ROW\n(WHEN [^\n]+\n)?BEGIN\n[\s\S]+?\nEND;/)
    const pgText = all(postgres)
    expect(pgText).toMatch(/CREATE TYPE \w+ AS ENUM \(/)
    expect(pgText).toMatch(/ALTER TYPE \w+ ADD VALUE '\w+'( (BEFORE|AFTER) '\w+')?;/)
    expect(pgText).toMatch(/CREATE SEQUENCE \w+ START WITH 1000;/)
    expect(pgText).toMatch(/CREATE OR REPLACE VIEW \w+ AS/)
    expect(pgText).toMatch(/CREATE OR REPLACE FUNCTION log_audit_event\(\)/)
    expect(pgText).toMatch(/LANGUAGE plpgsql/)
    expect(pgText).toMatch(/EXECUTE FUNCTION \w+\(\);/)
    expect(pgText).toMatch(/ALTER COLUMN \w+ SET NOT NULL;/)
  })

  it('runs on SQLite and grows an application-sized schema', () => {
    const db = build(sqlite, (m) => m.sql)
    try {
      const objects = (type: string) =>
        count(db, `SELECT count(*) AS n FROM sqlite_schema WHERE type = ? AND name NOT LIKE 'sqlite_%'`, type)
      const columns = count(
        db,
        `SELECT count(*) AS n FROM sqlite_schema s, pragma_table_info(s.name) c
         WHERE s.type = 'table' AND s.name NOT LIKE 'sqlite_%'`,
      )
      const foreignKeys = count(
        db,
        `SELECT count(*) AS n FROM sqlite_schema s, pragma_foreign_key_list(s.name) f WHERE s.type = 'table'`,
      )
      const indexes = (where: string) =>
        count(
          db,
          `SELECT count(*) AS n FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND ${where}`,
        )
      expect(objects('table')).toBeGreaterThanOrEqual(100)
      expect(columns).toBeGreaterThanOrEqual(1000)
      expect(objects('index')).toBeGreaterThanOrEqual(300)
      expect(indexes(`sql LIKE '% WHERE %'`)).toBeGreaterThanOrEqual(30)
      expect(indexes(`(sql LIKE '%lower(%' OR sql LIKE '%json_extract(%')`)).toBeGreaterThanOrEqual(30)
      expect(indexes(`sql LIKE 'CREATE UNIQUE INDEX%'`)).toBeGreaterThanOrEqual(10)
      expect(foreignKeys).toBeGreaterThanOrEqual(100)
      expect(objects('view')).toBeGreaterThanOrEqual(10)
      expect(objects('trigger')).toBeGreaterThanOrEqual(50)
      expect(count(db, 'SELECT count(*) AS n FROM pragma_foreign_key_check')).toBe(0)
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    } finally {
      db.close()
    }
  })

  it('builds the same SQLite schema when independent statements run in another order', () => {
    const random = createRandom('reorder')
    const shuffled = sqlite.map((m) => reorderedStatements(m, random))
    expect(
      shuffled.some((s, i) => s.join('\n') !== sqlite[i]!.blocks.flatMap((b) => b.statements).join('\n')),
    ).toBe(true)
    const inOrder = build(sqlite, (m) => m.sql)
    const reordered = build(sqlite, (m) => shuffled[sqlite.indexOf(m)]!.join('\n'))
    try {
      expect(schemaText(reordered)).toEqual(schemaText(inOrder))
    } finally {
      inOrder.close()
      reordered.close()
    }
  })
})
