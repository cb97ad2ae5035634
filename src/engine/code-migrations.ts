import { extname } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Connection, Row } from '../dialects/dialect.js'
import type { CodeModule, RunOptions } from '../execute/run-migration.js'
import { loadCodeMigration } from '../source/load-code-migration.js'
import type { Migration } from '../source/migration.js'
import type { MigrationContext } from '../source/migration-context.js'

/**
 * Imports a code migration: `.js`/`.mjs` natively, `.ts`/`.mts` through jiti (Node 20 cannot
 * strip types), so a TypeScript project needs no build step for its migrations.
 */
async function importModule(path: string): Promise<unknown> {
  const ext = extname(path)
  if (ext === '.ts' || ext === '.mts' || ext === '.cts') {
    const { createJiti } = await import('jiti')
    return createJiti(import.meta.url, { moduleCache: false }).import(path)
  }
  return import(pathToFileURL(path).href)
}

/** Loads a code migration's functions for the runner. */
export async function loadCode(migration: Migration): Promise<CodeModule> {
  if (migration.kind !== 'code') throw new TypeError(`${migration.id} is not a code migration`)
  const loaded = await loadCodeMigration(migration, { importModule })
  return loaded as CodeModule
}

/**
 * The `ctx` a code migration receives: every statement it runs goes through the migration's own
 * connection (and transaction) and is counted in the statement journal.
 */
export function codeContext(conn: Connection, onStatement: (sql: string) => Promise<void>): MigrationContext {
  const placeholder = (i: number) => (conn.dialect === 'postgres' ? `$${i}` : '?')
  return Object.freeze({
    dialect: conn.dialect,
    async sql<R extends Row = Row>(
      strings: TemplateStringsArray,
      ...values: ReadonlyArray<unknown>
    ): Promise<R[]> {
      const text = strings.reduce((acc, part, i) => acc + (i === 0 ? '' : placeholder(i)) + part, '')
      const rows = await conn.query<R>(text, values)
      await onStatement(text)
      return rows
    },
    async execute(sql: string): Promise<void> {
      await conn.execute(sql)
      await onStatement(sql)
    },
    async query<R extends Row = Row>(sql: string, params?: ReadonlyArray<unknown>): Promise<R[]> {
      const rows = await conn.query<R>(sql, params)
      await onStatement(sql)
      return rows
    },
  })
}

/** Both hooks, as the runner takes them. */
export const CODE_SUPPORT: Pick<RunOptions, 'loadCode' | 'codeContext'> = Object.freeze({
  loadCode,
  codeContext,
})
