import type { Connection, IntrospectOptions } from '../dialect.js'
import type { Schema } from '../../schema/model.js'

/** Reads a postgres database into the schema model. (Being written: see the introspection suite.) */
export async function introspectPostgres(_conn: Connection, _options?: IntrospectOptions): Promise<Schema> {
  throw new Error('postgres introspection is being written')
}
