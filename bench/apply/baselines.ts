import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import mysql from 'mysql2/promise'
import pg from 'pg'
import type { BenchDatabase, BenchDialect } from './fresh-database.js'

/**
 * A way to run the same migration files without plumbline, each file in its own transaction: what
 * verified apply is measured against.
 */
export interface Baseline {
  /** Short name for the table. */
  readonly name: string
  /** The target is measured against this one (the others are reported beside it). */
  readonly binding: boolean
  run(db: BenchDatabase): Promise<void>
}

function spawnQuietly(command: string, args: ReadonlyArray<string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited ${code}: ${stderr.trim()}`)),
    )
  })
}

/**
 * psql running the files in one session, each between BEGIN and COMMIT of a script that includes
 * it (`\i`): one connection, one process start, and psql's own statement by statement.
 */
function psql(files: ReadonlyArray<string>, scriptDir: string): Baseline {
  const script = join(scriptDir, 'psql-script.sql')
  writeFileSync(script, files.map((f) => `BEGIN;\n\\i ${f}\nCOMMIT;\n`).join(''))
  return {
    name: 'psql, one session',
    binding: true,
    run: (db) => spawnQuietly('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db.url, '-f', script]),
  }
}

/** node-postgres on one connection: BEGIN, the file's text as one simple query, COMMIT. */
function nodePostgres(files: ReadonlyArray<string>): Baseline {
  return {
    name: 'node-postgres, one connection',
    binding: false,
    async run(db) {
      const client = new pg.Client({ connectionString: db.url })
      await client.connect()
      try {
        for (const file of files) {
          await client.query('BEGIN')
          await client.query(readFileSync(file, 'utf8'))
          await client.query('COMMIT')
        }
      } finally {
        await client.end()
      }
    },
  }
}

/** better-sqlite3 in this process: BEGIN, the file's text, COMMIT. */
function betterSqlite(files: ReadonlyArray<string>): Baseline {
  return {
    name: 'better-sqlite3, in process',
    binding: true,
    async run(db) {
      const conn = new Database(db.path!)
      try {
        for (const file of files) {
          conn.exec('BEGIN')
          conn.exec(readFileSync(file, 'utf8'))
          conn.exec('COMMIT')
        }
      } finally {
        conn.close()
      }
    },
  }
}

/** The mysql client running a script that sources each file between BEGIN and COMMIT. */
function mysqlClient(files: ReadonlyArray<string>, scriptDir: string): Baseline {
  const script = join(scriptDir, 'mysql-script.sql')
  writeFileSync(script, files.map((f) => `BEGIN;\nsource ${f}\nCOMMIT;\n`).join(''))
  return {
    name: 'mysql client, one session',
    binding: true,
    run(db) {
      const url = new URL(db.url)
      return spawnQuietly('mysql', [
        '--protocol=TCP',
        `--host=${url.hostname}`,
        `--port=${url.port || '3306'}`,
        `--user=${decodeURIComponent(url.username)}`,
        ...(url.password ? [`--password=${decodeURIComponent(url.password)}`] : []),
        url.pathname.slice(1),
        '-e',
        `source ${script}`,
      ])
    },
  }
}

/** mysql2 on one connection: BEGIN, the file's text as one multi-statement query, COMMIT. */
function mysql2(files: ReadonlyArray<string>): Baseline {
  return {
    name: 'mysql2, one connection',
    binding: false,
    async run(db) {
      const conn = await mysql.createConnection({ uri: db.url, multipleStatements: true })
      try {
        for (const file of files) {
          await conn.query('BEGIN')
          await conn.query(readFileSync(file, 'utf8'))
          await conn.query('COMMIT')
        }
      } finally {
        await conn.end()
      }
    },
  }
}

/**
 * The baselines of a dialect for the migration files `files` (absolute paths, in order);
 * `scriptDir` receives the client scripts, outside the migrations folder.
 */
export function baselinesFor(
  dialect: BenchDialect,
  files: ReadonlyArray<string>,
  scriptDir: string,
): ReadonlyArray<Baseline> {
  switch (dialect) {
    case 'sqlite':
      return [betterSqlite(files)]
    case 'postgres':
      return [psql(files, scriptDir), nodePostgres(files)]
    case 'mysql':
      return [mysqlClient(files, scriptDir), mysql2(files)]
  }
}
