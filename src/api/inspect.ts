import { parseConnectionUrl } from '../config/connection-url.js'
import { open } from '../dialects/registry.js'
import { fingerprint } from '../schema/fingerprint.js'
import type { Schema } from '../schema/model.js'

/** The live schema of a database and its fingerprint. */
export interface Inspection {
  readonly schema: Schema
  readonly fingerprint: string
}

/**
 * Reads a database's live schema into plumbline's model. Opens and closes its own connection;
 * never creates a SQLite file that does not exist.
 *
 * @example
 * import { inspect } from 'plumbline'
 * const { fingerprint, schema } = await inspect({ url: 'sqlite:app.db' })
 * console.log(fingerprint, schema.objects.length)
 */
export async function inspect(options: { readonly url: string }): Promise<Inspection> {
  const { dialect, conn } = await open(parseConnectionUrl(options.url))
  try {
    const schema = await dialect.introspect(conn)
    return Object.freeze({ schema, fingerprint: fingerprint(schema) })
  } finally {
    await conn.close()
  }
}
