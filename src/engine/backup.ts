import { spawn } from 'node:child_process'
import { chmodSync, mkdirSync, rmSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { ConnectionTarget } from '../config/connection-url.js'
import type { Connection } from '../dialects/dialect.js'
import { PlumblineError } from '../errors/plumbline-error.js'

/** When to back up before a recovery writes: `auto` tries and goes on without, `required` insists. */
export type BackupMode = 'auto' | 'off' | 'required'

/** A backup that was written, or why none was. */
export type BackupResult = { readonly path: string } | { readonly skipped: string }

/**
 * Backs the database up before recovery changes it. SQLite: the online backup API, to a file
 * next to the database, mode 0600. PostgreSQL and MySQL: `pg_dump` / `mysqldump` when on PATH, to
 * `dir`, mode 0600; the password reaches the tool through its environment, never its arguments.
 */
export async function backupDatabase(
  conn: Connection,
  target: ConnectionTarget,
  at: Date,
  dir: string,
): Promise<BackupResult> {
  const stamp = at.toISOString().replace(/\D/g, '').slice(0, 14)
  if (target.dialect === 'sqlite') {
    if (target.path === ':memory:' || !conn.backup)
      return { skipped: 'an in-memory database has nothing to back up' }
    const path = join(dirname(target.path), `${basename(target.path)}.plumbline-backup-${stamp}`)
    await conn.backup(path)
    chmodSync(path, 0o600)
    return { path }
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const path = join(dir, `${target.database}-${stamp}.${target.dialect === 'postgres' ? 'dump' : 'sql'}`)
  const [tool, args, env] =
    target.dialect === 'postgres'
      ? [
          'pg_dump',
          [
            '--format=custom',
            `--file=${path}`,
            `--host=${target.host}`,
            `--port=${target.port}`,
            `--username=${target.user}`,
            '--no-password',
            target.database,
          ],
          { PGPASSWORD: target.password ?? '' },
        ]
      : [
          'mysqldump',
          [
            `--result-file=${path}`,
            `--host=${target.host}`,
            `--port=${target.port}`,
            `--user=${target.user}`,
            '--single-transaction',
            '--routines',
            '--triggers',
            target.database,
          ],
          { MYSQL_PWD: target.password ?? '' },
        ]
  const result = await run(tool as string, args as string[], {
    ...process.env,
    ...(env as Record<string, string>),
  })
  if (result === 'missing') return { skipped: `${tool} is not on PATH` }
  if (result !== 0 && /server version mismatch|version mismatch/i.test(result.stderr)) {
    // An older dump tool cannot read a newer server: no backup can be taken here, which is not
    // the same as one that failed (`--backup required` refuses on it).
    rmSync(path, { force: true })
    return {
      skipped: `${tool} on PATH is older than the server (${result.stderr.trim().split('\n').at(-1) ?? ''})`,
    }
  }
  if (result !== 0) {
    throw new PlumblineError({
      code: 'BACKUP_FAILED',
      message: `${tool} failed (exit ${result.code}) backing up ${target.database}: ${result.stderr.trim().split('\n').at(-1) ?? ''}`,
      hint: 'fix the dump (permissions, version), or run recover with --backup off after taking a backup yourself',
    })
  }
  chmodSync(path, 0o600)
  return { path }
}

function run(
  tool: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<'missing' | 0 | { code: number; stderr: string }> {
  return new Promise((resolve) => {
    let stderr = ''
    const child = spawn(tool, args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    child.once('error', (e: NodeJS.ErrnoException) =>
      resolve(e.code === 'ENOENT' ? 'missing' : { code: -1, stderr: e.message }),
    )
    child.once('exit', (code) => resolve(code === 0 ? 0 : { code: code ?? -1, stderr }))
  })
}
