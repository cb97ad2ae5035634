import { describe, expect, it } from 'vitest'
import { tokenizeSql } from '../../src/dialects/sqlite/sqlite-ddl-tokenizer.js'
import {
  keywordNumberAt,
  SQLITE_KEYWORD_LIST,
  SQLITE_KEYWORDS,
} from '../../src/dialects/sqlite/sqlite-keywords.js'

function kinds(sql: string): string[] {
  const tokens = tokenizeSql(sql)
  return Array.from({ length: tokens.length }, (_, i) => `${tokens.kind(i)}:${tokens.text(i)}`)
}

describe('tokenizeSql', () => {
  it('knows all 147 SQLite keywords and finds each in any case without a string of its own', () => {
    expect(SQLITE_KEYWORDS.size).toBe(147)
    for (const keyword of SQLITE_KEYWORD_LIST) {
      const text = ` ${keyword.toLowerCase()} `
      expect(SQLITE_KEYWORD_LIST[keywordNumberAt(text, 1, text.length - 1) - 1]).toBe(keyword)
    }
    for (const word of ['users', 'rowid', 'strict', 'keys', 'ke', 'current_timestamps']) {
      expect(keywordNumberAt(word, 0, word.length)).toBe(0)
    }
  })

  it('unquotes the three identifier quoting styles and undoubles their quote characters', () => {
    expect(kinds('"a ""b""" `c``d` [e"f]')).toEqual(['quoted:a "b"', 'quoted:c`d', 'quoted:e"f'])
  })

  it('keeps string literals byte for byte, doubled quotes included', () => {
    expect(kinds("'It''s' 'UTC' 'utc'")).toEqual(["string:'It''s'", "string:'UTC'", "string:'utc'"])
  })

  it('drops line and block comments, also one left open at the end', () => {
    expect(kinds('a -- one\n/* two */ b /* three')).toEqual(['word:a', 'word:b'])
  })

  it('does not see comments inside strings or quoted names', () => {
    expect(kinds(`'-- not a comment' "/* nor this */"`)).toEqual([
      "string:'-- not a comment'",
      'quoted:/* nor this */',
    ])
  })

  it('marks keywords by their upper-case spelling and leaves other words alone', () => {
    const tokens = tokenizeSql('create Table rowid strict')
    expect([0, 1, 2, 3].map((i) => tokens.keyword(i))).toEqual(['CREATE', 'TABLE', undefined, undefined])
  })

  it('reads numbers: decimals, exponents, hexadecimal and digit separators', () => {
    expect(kinds('1 2.5 .5 1e10 3E-2 0x1F 1_000')).toEqual([
      'number:1',
      'number:2.5',
      'number:.5',
      'number:1e10',
      'number:3E-2',
      'number:0x1F',
      'number:1_000',
    ])
  })

  it('reads blobs, parameters and multi-character operators', () => {
    expect(kinds("x'0aFF' ? ?1 :name @n $v a->>'$.b' <> == != || <= >>")).toEqual([
      "blob:x'0aFF'",
      'variable:?',
      'variable:?1',
      'variable::name',
      'variable:@n',
      'variable:$v',
      'word:a',
      'operator:->>',
      "string:'$.b'",
      'operator:<>',
      'operator:==',
      'operator:!=',
      'operator:||',
      'operator:<=',
      'operator:>>',
    ])
  })

  it('accepts names with non-ASCII letters and dollar signs', () => {
    expect(kinds('café a$b')).toEqual(['word:café', 'word:a$b'])
  })

  it('refuses an unterminated string with a coded error', () => {
    expect(() => tokenizeSql("CHECK (a = 'x)")).toThrow(
      expect.objectContaining({ code: 'INTROSPECTION_FAILED' }),
    )
  })

  it('refuses a character SQLite does not know', () => {
    expect(() => tokenizeSql('a # b')).toThrow(/unexpected the character "#" at offset 2/)
  })
})
