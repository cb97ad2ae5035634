/**
 * Makes a view's definition read the same on every server version.
 *
 * `pg_get_viewdef` qualifies column references with their table's name unless the query's top
 * level reads exactly one range-table entry. Up to PostgreSQL 15 every view query also carries
 * two placeholder entries (`old` and `new`), so the count is never one and every column is
 * qualified; from 16 on they are gone (and 18's GROUP BY entry is not counted), so
 * `SELECT id FROM users` deparses as `SELECT users.id FROM public.users` on 15 and as
 * `SELECT id FROM public.users` on 16 and later.
 *
 * When the top level reads exactly one entry, this removes that entry's name as a qualifier from
 * the top level of the text (not from sub-queries, where 16 and later qualify too, nor from string
 * literals, nor from a whole-row `t.*`), which turns 15's spelling into 16's and leaves 16's as it is.
 *
 * @param definition the text of `pg_get_viewdef`
 * @param queryTree `pg_rewrite.ev_action` of the view's `_RETURN` rule
 * @param relationNames the current names of the relations the view reads, by OID: a table
 *   referenced without an alias is named as it is called now, not as it was when the view was made
 */
export function normalizeViewDefinition(
  definition: string,
  queryTree: string,
  relationNames: Readonly<Record<string, string>>,
): string {
  const entries = topLevelRangeTable(queryTree).filter((e) => !e.placeholder)
  if (entries.length !== 1) return definition
  const entry = entries[0]!
  const refname =
    entry.alias ?? (entry.relid !== undefined ? relationNames[entry.relid] : undefined) ?? entry.eref
  if (refname === undefined) return definition
  return unqualifyTopLevel(definition, refname)
}

const BACKSLASH = 0x5c
const QUOTE = 0x22
const APOSTROPHE = 0x27
const OPEN_PAREN = 0x28
const CLOSE_PAREN = 0x29
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const IDENTIFIER_CHAR = /[\p{L}\p{N}_$."]/u
const SUBQUERY_START = /^\s*(?:SELECT|WITH|VALUES|TABLE)\b/

/**
 * Removes `name.` (or `"name".`) in front of column names at the outermost query level. Text in
 * parentheses that open a sub-query, string literals and quoted identifiers are copied as they are.
 */
function unqualifyTopLevel(sql: string, name: string): string {
  const forms = [`"${name.replace(/"/g, '""')}".`]
  if (/^[a-z_][a-z0-9_$]*$/.test(name)) forms.push(`${name}.`)
  const firsts = new Set(forms.map((f) => f.charCodeAt(0)))
  const parts: string[] = []
  const parens: boolean[] = []
  let subqueries = 0
  let copiedUpTo = 0
  for (let i = 0; i < sql.length; i++) {
    const ch = sql.charCodeAt(i)
    if (subqueries === 0 && firsts.has(ch) && (i === 0 || !IDENTIFIER_CHAR.test(sql[i - 1]!))) {
      const form = forms.find((f) => sql.startsWith(f, i) && sql[i + f.length] !== '*')
      if (form !== undefined) {
        parts.push(sql.slice(copiedUpTo, i))
        i += form.length - 1
        copiedUpTo = i + 1
        continue
      }
    }
    if (ch === APOSTROPHE || ch === QUOTE) i = closingQuote(sql, i, ch)
    else if (ch === OPEN_PAREN) {
      const opensSubquery = SUBQUERY_START.test(sql.slice(i + 1, i + 24))
      parens.push(opensSubquery)
      if (opensSubquery) subqueries++
    } else if (ch === CLOSE_PAREN && parens.pop() === true) subqueries--
  }
  parts.push(sql.slice(copiedUpTo))
  return parts.join('')
}

/** The index of the quote closing the literal or identifier opened at `start` (a doubled quote is part of it). */
function closingQuote(sql: string, start: number, quote: number): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (sql.charCodeAt(i) === quote) {
      if (sql.charCodeAt(i + 1) === quote) i++
      else return i
    }
  }
  return sql.length
}

interface RangeTableEntry {
  readonly alias: string | undefined
  readonly eref: string | undefined
  readonly relid: string | undefined
  /** PostgreSQL 15's `old`/`new` entries and 18's GROUP BY entry, which do not count. */
  readonly placeholder: boolean
}

const ENTRY_HEAD =
  /^\{RANGETBLENTRY :alias (?:<>|\{ALIAS :aliasname ((?:\\.|[^\s\\])+)[^}]*\}) :eref \{ALIAS :aliasname ((?:\\.|[^\s\\])+)/

/**
 * The entries of the top-level query's range table, read from the node tree's text form: the
 * first `{QUERY` node's own `:rtable` list (a CTE's query, printed earlier, has its own). Stops
 * at the second entry that counts: the caller only needs to know whether there is exactly one.
 */
function topLevelRangeTable(tree: string): RangeTableEntry[] {
  const entries: RangeTableEntry[] = []
  // The regular expression skips the plain text between the characters that matter natively:
  // most of a tree is field names and numbers.
  const tokens = /[(){}"\\]|:rtable /g
  let counted = 0
  let depth = 0
  let inRtable = false
  let entryStart = -1
  for (let match = tokens.exec(tree); match !== null; match = tokens.exec(tree)) {
    const i = match.index
    const ch = tree.charCodeAt(i)
    if (ch === BACKSLASH) tokens.lastIndex = i + 2
    else if (ch === QUOTE) tokens.lastIndex = endOfString(tree, i) + 1
    else if (ch === OPEN_PAREN || ch === OPEN_BRACE) {
      depth++
      if (inRtable && depth === 4 && ch === OPEN_BRACE) entryStart = i
    } else if (ch === CLOSE_PAREN || ch === CLOSE_BRACE) {
      depth--
      if (inRtable && depth === 3 && entryStart >= 0) {
        const entry = readEntry(tree.slice(entryStart, i + 1))
        entries.push(entry)
        entryStart = -1
        if (!entry.placeholder && ++counted > 1) return entries
      } else if (inRtable && depth === 2) return entries
    } else if (depth === 2 && !inRtable) {
      if (tree.startsWith('<>', i + 8)) return entries
      inRtable = true
    }
  }
  return entries
}

function endOfString(tree: string, start: number): number {
  for (let i = start + 1; i < tree.length; i++) {
    const ch = tree.charCodeAt(i)
    if (ch === BACKSLASH) i++
    else if (ch === QUOTE) return i
  }
  return tree.length
}

function readEntry(text: string): RangeTableEntry {
  const head = ENTRY_HEAD.exec(text)
  const alias = head?.[1] === undefined ? undefined : unescapeToken(head[1])
  const eref = head?.[2] === undefined ? undefined : unescapeToken(head[2])
  const rtekind = /:rtekind (\d+)/.exec(text)?.[1]
  const relid = rtekind === '0' ? /:relid (\d+)/.exec(text)?.[1] : undefined
  const placeholder =
    eref === '*GROUP*' ||
    (rtekind === '0' && (alias === 'old' || alias === 'new') && /:inFromCl false/.test(text))
  return { alias, eref, relid, placeholder }
}

function unescapeToken(token: string): string {
  return token.replace(/\\(.)/g, '$1')
}
