import { PlumblineError } from '../../errors/plumbline-error.js'

/**
 * The error for a table whose pragmas and `CREATE TABLE` text disagree. SQLite derives both from
 * the same text, so this means the text was read wrongly: failing loudly beats a model that is
 * quietly wrong, since every verification and diagnosis trusts it.
 */
export function catalogMismatch(table: string, pragma: string, text: string): PlumblineError {
  return new PlumblineError({
    code: 'INTROSPECTION_FAILED',
    message: `cannot read table ${table}: SQLite reports ${pragma} where its CREATE TABLE text reads ${text}`,
    hint: "please report this with the output of `SELECT sql FROM sqlite_schema WHERE name = '<table>'` and the SQLite version",
    details: { table },
  })
}
