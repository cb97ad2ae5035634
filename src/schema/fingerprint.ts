import { createHash } from 'node:crypto'
import { objectKey, type Schema } from './model.js'

/**
 * The sha256 (lowercase hex) of a schema's canonical objects. Equal fingerprints mean equal
 * managed schemas; `details` do not take part.
 *
 * @example
 * fingerprint(await inspect(conn)) === lockFile.revisions.at(-1).fingerprint
 */
export function fingerprint(schema: Schema): string {
  const hash = createHash('sha256')
  hash.update(`plumbline-schema-v2\n${schema.dialect}\n`)
  for (const object of schema.objects) {
    // Length-prefixed fields: a definition that contains a newline or a key-like text cannot
    // make two different schemas hash alike.
    const key = objectKey(object)
    hash.update(`${key.length}:${key}${object.definition.length}:${object.definition}\n`)
  }
  return hash.digest('hex')
}
