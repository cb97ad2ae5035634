/**
 * A view's query as the server stored it, without the name of the view's own database.
 *
 * The server rewrites a view's query when it creates the view, naming every table and stored
 * function with its database: `` from `app`.`goals` `g` `` (MySQL also column references:
 * `` `app`.`g`.`id` ``). Two databases built by the same migrations under two names (a shadow and
 * the target) must give the same text, so a leading `` `<database>`. `` is dropped wherever it
 * qualifies a name; other databases' names stay. Strings and quoted identifiers are skipped as
 * whole tokens, so a literal `'app.'` or a column named like the database is left alone.
 *
 * @example
 * viewQuery("select `g`.`id` AS `id` from `app`.`goals` `g` where `g`.`t` = 'app.'", 'app')
 * // "select `g`.`id` AS `id` from `goals` `g` where `g`.`t` = 'app.'"
 */
export function viewQuery(query: string, database: string): string {
  const qualifier = `\`${database.replace(/`/g, '``')}\`.`
  let out = ''
  let from = 0
  for (let i = 0; i < query.length; i++) {
    const c = query[i]
    if (c === "'" || c === '"') i = closing(query, i, c, true)
    else if (c === '`') {
      const end = closing(query, i, '`', false)
      const qualifies = query.startsWith(qualifier, i) && end === i + qualifier.length - 2
      // The first part of a dotted name: a `.` before it makes it a table or column instead.
      if (qualifies && query[i - 1] !== '.') {
        out += query.slice(from, i)
        from = end + 2
      }
      i = end
    }
  }
  return (out + query.slice(from)).trim()
}

/** Where the quoted token opening at `at` ends; in strings a backslash escapes the next character. */
function closing(query: string, at: number, quote: string, backslash: boolean): number {
  for (let i = at + 1; i < query.length; i++) {
    const c = query[i]
    if (backslash && c === '\\') i++
    else if (c === quote) {
      if (query[i + 1] !== quote) return i
      i++
    }
  }
  return query.length - 1
}
