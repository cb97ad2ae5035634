import type { MigrationDirective } from './migration.js'
import { sourceError } from './source-error.js'

/** Every word that may follow `plumbline:` on a directive line. */
export type DirectiveWord = 'up' | 'down' | MigrationDirective | 'check'

const SECTION_WORDS: ReadonlyArray<DirectiveWord> = ['up', 'down']
const HEADER_WORDS: ReadonlyArray<DirectiveWord> = ['no-transaction']
const KNOWN_WORDS: ReadonlyArray<string> = [...SECTION_WORDS, ...HEADER_WORDS, 'check-before', 'check-after']

/** `-- plumbline:…` in SQL, `// plumbline:…` in code: the comment marker, then the word. */
export const SQL_DIRECTIVE = /^--[ \t]*plumbline:/i
export const CODE_DIRECTIVE = /^\/\/[ \t]*plumbline:/i

/** True for `up` and `down`, the words that open a section rather than set a property. */
export function isSectionWord(word: DirectiveWord): word is 'up' | 'down' {
  return SECTION_WORDS.includes(word)
}

/**
 * The word of a directive line (`-- plumbline:no-transaction` → `no-transaction`). The word is
 * read case-insensitively; the line must hold nothing else, so that a typo such as
 * `-- plumbline:no-transactions` or `-- plumbline:up now` is an error, never an ignored comment.
 */
export function parseDirective(lineText: string, prefix: RegExp, file: string, line: number): DirectiveWord {
  const afterPrefix = lineText.trim().replace(prefix, '')
  // `check-before <names>` / `check-after <names>`: the names are read by parseCheckDirective.
  if (/^check-(before|after)\b/i.test(afterPrefix.trim())) return 'check'
  const [word = '', ...rest] = afterPrefix.trim().split(/\s+/)
  const lower = word.toLowerCase()
  if (rest.length > 0 || !KNOWN_WORDS.includes(lower)) {
    throw sourceError({
      code: 'MIGRATION_DIRECTIVE_UNKNOWN',
      file,
      line,
      message: `"${lineText.trim()}" is not a plumbline directive`,
      hint:
        `known directives: ${KNOWN_WORDS.map((w) => `plumbline:${w}`).join(', ')}; ` +
        'a directive line holds the directive alone (put explanations on the line above)',
      details: { directive: afterPrefix.trim() },
    })
  }
  return lower as DirectiveWord
}
