import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES } from '../../src/errors/codes.js'

describe('error codes', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')

  it('documents every code in docs/errors.md with its exit code', () => {
    const undocumented = Object.entries(ERROR_CODES).filter(
      ([code, exit]) => !new RegExp(`^\\| \`${code}\` \\| ${exit} \\|`, 'm').test(doc),
    )
    expect(undocumented.map(([code]) => code)).toEqual([])
  })

  it('documents no code that does not exist', () => {
    const documented = [...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1])
    expect(documented.filter((c) => !(c! in ERROR_CODES))).toEqual([])
  })
})
