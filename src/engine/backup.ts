import { spawn } from 'node:child_process'
import { chmodSync, mkdirSync, renameSync, rmSync } from 'node:fs'
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
 * A backup is written under a `.partial` name and takes its own name only once complete: a dump
 * that failed, or that the process was stopped in the middle of, never passes for a backup (the
 * partial file is removed, also when the process exits meanwhile).
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
    const backup = conn.backup.bind(conn)
    await writeComplete(path, async (partial) => {
      await backup(partial)
      chmodSync(partial, 0o600)
      return true
    })
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
            `--file=${partialOf(path)}`,
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
            `--result-file=${partialOf(path)}`,
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
  let skipped: string | undefined
  await writeComplete(path, async (partial) => {
    const result = await run(tool as string, args as string[], {
      ...process.env,
      ...(env as Record<string, string>),
    })
    if (result === 'missing') skipped = `${tool} is not on PATH`
    else if (result !== 0 && /server version mismatch|version mismatch/i.test(result.stderr)) {
      // An older dump tool cannot read a newer server: no backup can be taken here, which is not
      // the same as one that failed (`--backup required` refuses on it).
      skipped = `${tool} on PATH is older than the server (${result.stderr.trim().split('\n').at(-1) ?? ''})`
    } else if (result !== 0) {
      const how = result.signal === undefined ? `exit ${result.code}` : `stopped by ${result.signal}`
      throw new PlumblineError({
        code: 'BACKUP_FAILED',
        message: `${tool} failed (${how}) backing up ${target.database}: ${result.stderr.trim().split('\n').at(-1) ?? ''}`,
        hint: 'fix the dump (permissions, version), or run recover with --backup off after taking a backup yourself',
      })
    }
    if (skipped !== undefined) return false
    chmodSync(partial, 0o600)
    return true
  })
  return skipped === undefined ? { path } : { skipped }
}

function partialOf(path: string): string {
  return `${path}.partial`
}

/**
 * Runs `write` to `path`'s partial name and renames the result to `path` when it returns true;
 * when it returns false or throws, or the process exits first, the partial file goes.
 */
async function writeComplete(path: string, write: (partial: string) => Promise<boolean>) {
  const partial = partialOf(path)
  const remove = () => rmSync(partial, { force: true })
  process.once('exit', remove)
  try {
    if (await write(partial)) renameSync(partial, path)
    else remove()
  } catch (error) {
    remove()
    throw error
  } finally {
    process.removeListener('exit', remove)
  }
}

function run(
  tool: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<'missing' | 0 | { code: number; signal?: string; stderr: string }> {
  return new Promise((resolve) => {
    let stderr = ''
    const child = spawn(tool, args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
    // A process that exits meanwhile (a second Ctrl-C) stops the dump rather than orphan it.
    const stop = () => child.kill()
    process.once('exit', stop)
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    child.once('error', (e: NodeJS.ErrnoException) => {
      process.removeListener('exit', stop)
      resolve(e.code === 'ENOENT' ? 'missing' : { code: -1, stderr: e.message })
    })
    child.once('exit', (code, signal) => {
      process.removeListener('exit', stop)
      resolve(code === 0 ? 0 : { code: code ?? -1, ...(signal === null ? {} : { signal }), stderr })
    })
  })
}
