import type { Connection, IntrospectOptions } from '../dialect.js'
import type { Schema } from '../../schema/model.js'

/** Reads a sqlite database into the schema model. (Being written: see the introspection suite.) */
export async function introspectSqlite(_conn: Connection, _options?: IntrospectOptions): Promise<Schema> {
  throw new Error('sqlite introspection is being written')
}
