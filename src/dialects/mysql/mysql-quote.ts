/**
 * Quoting for the canonical text of definitions, spelt as `SHOW CREATE TABLE` spells it, so that
 * a definition reads like the server's own and `ALTER TABLE … ADD <definition>` runs as is.
 */

/** `` `name` ``, with a backtick inside doubled. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``
}

/** `'text'`, escaped as the server escapes comments and literals in `SHOW CREATE` output. */
export function quoteText(text: string): string {
  const escaped = text.replace(/[\\'\n\r\0]/g, (c) => ESCAPES[c] ?? c)
  return `'${escaped}'`
}

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "''",
  '\n': '\\n',
  '\r': '\\r',
  '\0': '\\0',
}
