import { createHash } from 'node:crypto'

/** Lowercase sha256 hex of bytes or text (contract §3). */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

/** What a SQL migration does, as far as the normalised checksum sees it. */
export interface NormalizedContent {
  readonly directives: ReadonlyArray<string>
  /** The normalised statements of each section; `undefined` when the section is absent. */
  readonly up: ReadonlyArray<string>
  readonly down: ReadonlyArray<string> | undefined
}

/**
 * The normalised checksum of a SQL migration: sha256 of a version tag and the JSON of its
 * directives and normalised statements, section by section. JSON keeps the encoding unambiguous
 * (a statement holding `;` or a newline cannot pass for two); moving a statement from up to down,
 * or dropping `no-transaction`, changes it. The tag changes whenever normalisation does, so an old
 * value is never compared with a new one as if they were alike.
 */
export function normalizedChecksum(content: NormalizedContent): string {
  const payload = JSON.stringify({
    directives: [...content.directives].sort(),
    up: content.up,
    down: content.down ?? null,
  })
  return sha256Hex(`plumbline-statements-v1\n${payload}`)
}
