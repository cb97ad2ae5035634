import type { Connection } from '../dialect.js'

/** Which server a MySQL-protocol connection talks to: the catalogs of the two differ. */
export interface MysqlServer {
  readonly flavor: 'mariadb' | 'mysql'
  /** `VERSION()` as the server reports it: `10.11.19-MariaDB-0+deb12u1`, `8.0.36`. */
  readonly version: string
  /** Major, minor and patch numbers. */
  readonly release: readonly [number, number, number]
}

const known = new WeakMap<Connection, Promise<MysqlServer>>()

/**
 * The server behind `conn`, asked once per connection (one round trip) and remembered.
 *
 * @example
 * const server = await mysqlServer(conn)
 * if (server.flavor === 'mariadb' && atLeast(server, 10, 6)) { … }
 */
export function mysqlServer(conn: Connection): Promise<MysqlServer> {
  let server = known.get(conn)
  if (server === undefined) {
    server = readServer(conn)
    known.set(conn, server)
    server.catch(() => known.delete(conn))
  }
  return server
}

/** Whether the server's release is `major.minor.patch` or later. */
export function atLeast(server: MysqlServer, major: number, minor: number, patch = 0): boolean {
  const [a, b, c] = server.release
  return a !== major ? a > major : b !== minor ? b > minor : c >= patch
}

async function readServer(conn: Connection): Promise<MysqlServer> {
  const [row] = await conn.query<{ version: string }>('SELECT VERSION() AS version')
  const version = String(row?.version ?? '')
  const numbers = /(\d+)\.(\d+)\.(\d+)/.exec(version)
  return Object.freeze({
    flavor: /mariadb/i.test(version) ? 'mariadb' : 'mysql',
    version,
    release: Object.freeze([
      Number(numbers?.[1] ?? 0),
      Number(numbers?.[2] ?? 0),
      Number(numbers?.[3] ?? 0),
    ] as const),
  })
}
