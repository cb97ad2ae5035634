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
  hash.update(`plumbline-schema-v1\n${schema.dialect}\n`)
  for (const object of schema.objects) {
    hash.update(objectKey(object))
    hash.update('\t')
    hash.update(object.definition)
    hash.update('\n')
  }
  return hash.digest('hex')
}
