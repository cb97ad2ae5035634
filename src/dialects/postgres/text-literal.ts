/**
 * A PostgreSQL text literal for SQL that cannot take bind parameters (a utility statement, a
 * simple-protocol batch): an E-string with backslashes and quotes escaped reads the same whatever
 * `standard_conforming_strings` says.
 */
export function postgresTextLiteral(value: string): string {
  return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}
