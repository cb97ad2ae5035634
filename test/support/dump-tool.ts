import { spawnSync } from 'node:child_process'
import type { Connection } from '../../src/dialects/dialect.js'

/**
 * Whether this machine's dump tool can back up the connection's server: `pg_dump` refuses a
 * server newer than itself (the embedded PostgreSQL 18 beside a Debian `pg_dump` 15), and a tool
 * missing from PATH backs up nothing. SQLite needs no tool.
 */
export async function dumpToolCanBackUp(conn: Connection): Promise<boolean> {
  if (conn.dialect === 'sqlite') return true
  const tool = conn.dialect === 'postgres' ? 'pg_dump' : 'mysqldump'
  const version = spawnSync(tool, ['--version'], { encoding: 'utf8' })
  if (version.status !== 0) return false
  if (conn.dialect !== 'postgres') return true
  const toolMajor = Number(/(\d+)\./.exec(version.stdout)?.[1] ?? 0)
  const [row] = await conn.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)
  return toolMajor >= Math.floor(Number(row?.v ?? 0) / 10000)
}
