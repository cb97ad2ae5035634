import { randomBytes } from 'node:crypto'
import { type ConnectionTarget, parseConnectionUrl, type ServerTarget } from '../config/connection-url.js'
import type { Connection, Dialect } from '../dialects/dialect.js'
import { isPlumblineError, PlumblineError } from '../errors/plumbline-error.js'

/** A scratch database the history is replayed on; dropped afterwards. */
export interface Shadow {
  readonly conn: Connection
  drop(): Promise<void>
}

/**
 * Creates a shadow for `target`: SQLite in memory; on a server, a temporary database created on
 * the same server (or on the server of `shadowUrl`), dropped afterwards.
 */
export async function createShadow(
  dialect: Dialect,
  target: ConnectionTarget,
  options: { readonly shadowUrl?: string } = {},
): Promise<Shadow> {
  if (target.dialect === 'sqlite') {
    const conn = await dialect.connect({
      dialect: 'sqlite',
      path: ':memory:',
      redacted: 'sqlite::memory:',
      secrets: [],
    })
    return { conn, drop: () => conn.close() }
  }
  const home = options.shadowUrl ? (parseConnectionUrl(options.shadowUrl) as ServerTarget) : target
  const name = `plumbline_shadow_${randomBytes(6).toString('hex')}`
  const admin = await dialect.connect(home, { applicationName: 'plumbline shadow' })
  try {
    let create = `CREATE DATABASE ${name}`
    if (dialect.shadowDatabaseSql) {
      // The target's own settings (MySQL: its default character set) must reach the shadow.
      const source = home === target ? admin : await dialect.connect(target)
      try {
        create = await dialect.shadowDatabaseSql(source, name)
      } finally {
        if (source !== admin) await source.close()
      }
    }
    await admin.execute(create)
  } catch (error) {
    await admin.close()
    if (
      isPlumblineError(error) &&
      (error.code === 'PERMISSION_DENIED' || error.details?.sqlstate === '42501')
    ) {
      throw new PlumblineError({
        code: 'SHADOW_UNAVAILABLE',
        message: `user "${home.user}" may not create the temporary database plumbline replays the migrations on`,
        hint: `${dialect.name === 'postgres' ? 'grant CREATEDB' : 'grant CREATE on *.*'}, pass --shadow-url with a server where it may, or commit plumbline.history.json built elsewhere`,
        cause: error,
      })
    }
    throw error
  }
  const conn = await dialect
    .connect({ ...home, database: name, redacted: home.redacted.replace(/\/[^/?]*(\?|$)/, `/${name}$1`) })
    .catch(async (error) => {
      await admin.execute(`DROP DATABASE IF EXISTS ${name}`).catch(() => {})
      await admin.close()
      throw error
    })
  return {
    conn,
    async drop() {
      await conn.close()
      try {
        await admin.execute(
          dialect.name === 'postgres'
            ? `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`
            : `DROP DATABASE IF EXISTS ${name}`,
        )
      } finally {
        await admin.close()
      }
    },
  }
}
