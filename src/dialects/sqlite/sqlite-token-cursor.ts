import { type SqlTokens, syntaxError, tokenizeSql } from './sqlite-ddl-tokenizer.js'
import { matchingParenthesis, tokenName } from './sqlite-sql-renderer.js'

/** The kinds of statement a `CREATE … name` head introduces. */
export type CreateKind = 'TABLE' | 'INDEX' | 'VIEW' | 'TRIGGER'

/** What a `CREATE` head says besides the kind. */
export interface CreateHead {
  readonly name: string
  readonly unique: boolean
  readonly virtual: boolean
}

/** A position in a statement's tokens, with the few moves a recursive-descent reader needs. */
export class TokenCursor {
  readonly tokens: SqlTokens
  /** The index after the last token of the statement: a trailing `;` is not part of it. */
  readonly end: number
  index = 0

  constructor(sql: string) {
    this.tokens = tokenizeSql(sql)
    let end = this.tokens.length
    while (end > 0 && this.tokens.isOperator(end - 1, ';')) end--
    this.end = end
  }

  /** The keyword at the current token (or `ahead` tokens further), if it is one. */
  keyword(ahead = 0): string | undefined {
    return this.tokens.keyword(this.index + ahead)
  }

  /** True when the current token is the bare keyword `keyword`. */
  atKeyword(keyword: string, ahead = 0): boolean {
    return this.tokens.keyword(this.index + ahead) === keyword
  }

  atOperator(text: string, ahead = 0): boolean {
    return this.tokens.isOperator(this.index + ahead, text)
  }

  acceptKeyword(keyword: string): boolean {
    if (!this.atKeyword(keyword)) return false
    this.index++
    return true
  }

  /** Consumes the keywords in order when all of them follow, else nothing. */
  acceptKeywords(...keywords: ReadonlyArray<string>): boolean {
    for (let k = 0; k < keywords.length; k++) if (!this.atKeyword(keywords[k]!, k)) return false
    this.index += keywords.length
    return true
  }

  /**
   * Consumes a bare word spelled `upper` in any case. For the words the grammar gives a meaning
   * that are not keywords: `ROWID`, `STRICT`, `STORED`.
   */
  acceptWord(upper: string): boolean {
    if (this.index >= this.end || this.tokens.kind(this.index) !== 'word') return false
    if (this.tokens.text(this.index).toUpperCase() !== upper) return false
    this.index++
    return true
  }

  expectKeyword(keyword: string): void {
    if (!this.acceptKeyword(keyword)) this.fail(keyword)
  }

  acceptOperator(text: string): boolean {
    if (!this.atOperator(text)) return false
    this.index++
    return true
  }

  expectOperator(text: string): void {
    if (!this.acceptOperator(text)) this.fail(`"${text}"`)
  }

  /** Consumes a name: a bare word (keywords too, SQLite lets many stand as names), a quoted identifier or a string. */
  name(): string {
    if (this.index >= this.end || !this.tokens.isName(this.index)) return this.fail('a name')
    return tokenName(this.tokens, this.index++)
  }

  /** Consumes `[schema.]name` and returns the name. */
  qualifiedName(): string {
    const first = this.name()
    return this.acceptOperator('.') ? this.name() : first
  }

  /** At `(`: consumes through the matching `)` and returns the index of that `)`. */
  skipParenthesized(): number {
    if (!this.atOperator('(')) this.fail('"("')
    const close = matchingParenthesis(this.tokens, this.index)
    if (close === -1) this.fail('a closing ")"')
    this.index = close + 1
    return close
  }

  /**
   * Reads `CREATE [TEMP] [UNIQUE|VIRTUAL] <kind> [IF NOT EXISTS] [schema.]name`. SQLite itself
   * rewrites this head when it stores a statement, but not always (a table made by
   * `ALTER TABLE … RENAME` keeps its new name quoted), so every variant is read.
   */
  createHead(kind: CreateKind): CreateHead {
    this.expectKeyword('CREATE')
    if (!this.acceptKeyword('TEMP')) this.acceptKeyword('TEMPORARY')
    const unique = kind === 'INDEX' && this.acceptKeyword('UNIQUE')
    const virtual = kind === 'TABLE' && this.acceptKeyword('VIRTUAL')
    this.expectKeyword(kind)
    this.acceptKeywords('IF', 'NOT', 'EXISTS')
    return { name: this.qualifiedName(), unique, virtual }
  }

  /** Fails unless only semicolons are left. */
  expectEnd(): void {
    if (this.index < this.end) this.fail('the end of the statement')
    this.index = this.tokens.length
  }

  fail(expected: string): never {
    const found = this.index < this.tokens.length ? `"${this.tokens.text(this.index)}"` : 'end of statement'
    throw syntaxError(this.tokens.sql, this.tokens.offset(this.index), `${found} (expected ${expected})`)
  }
}
