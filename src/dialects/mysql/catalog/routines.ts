import { PlumblineError } from '../../../errors/plumbline-error.js'
import type { SchemaObject } from '../../../schema/model.js'
import { quoteIdentifier, quoteText } from '../mysql-quote.js'
import { type CatalogScope, inDatabase, notPlumbline, selected } from './catalog-scope.js'
import { text, textOrNull } from './catalog-value.js'
import { storedBody } from './stored-body.js'

/**
 * Stored functions and procedures with their parameters: one round trip, one row per parameter
 * (a routine without any has one row with no parameter). A function's return value is parameter
 * 0 and is read from ROUTINES instead.
 */
export function routinesSql(scope: CatalogScope): string {
  return `SELECT r.ROUTINE_NAME AS name, r.ROUTINE_TYPE AS type, r.DTD_IDENTIFIER AS returns,
  r.COLLATION_NAME AS returns_collation, r.DATABASE_COLLATION AS database_collation,
  r.ROUTINE_DEFINITION AS body, r.IS_DETERMINISTIC AS is_deterministic, r.SQL_DATA_ACCESS AS data_access,
  r.SECURITY_TYPE AS security, r.ROUTINE_COMMENT AS comment, r.SQL_MODE AS sql_mode,
  p.PARAMETER_MODE AS parameter_mode, p.PARAMETER_NAME AS parameter_name, p.DTD_IDENTIFIER AS parameter_type,
  p.COLLATION_NAME AS parameter_collation
FROM information_schema.ROUTINES r
LEFT JOIN information_schema.PARAMETERS p ON ${inDatabase('p.SPECIFIC_SCHEMA', scope)}
  AND p.SPECIFIC_NAME = r.SPECIFIC_NAME AND p.ROUTINE_TYPE = r.ROUTINE_TYPE AND p.ORDINAL_POSITION > 0
WHERE ${inDatabase('r.ROUTINE_SCHEMA', scope)} AND ${notPlumbline('r.ROUTINE_NAME')}
  AND ${selected(scope, 'r.ROUTINE_NAME')}
ORDER BY r.ROUTINE_TYPE, r.ROUTINE_NAME, p.ORDINAL_POSITION`
}

interface Routine {
  readonly row: Record<string, unknown>
  readonly parameters: string[]
}

/**
 * A routine as `SHOW CREATE FUNCTION|PROCEDURE` writes it, without DEFINER: parameters and return
 * type as the catalog normalises them (`int(11)`), the characteristics that differ from the
 * defaults (DETERMINISTIC, the SQL data access, SQL SECURITY INVOKER, COMMENT), and the body as
 * it was sent. MySQL has no overloading: a routine's name alone is its identity. A string
 * parameter shows its collation only when it is not the database's default at creation time.
 */
export function routineObjects(rows: ReadonlyArray<Record<string, unknown>>): SchemaObject[] {
  const routines = new Map<string, Routine>()
  for (const row of rows) {
    const id = `${text(row.type)}\0${text(row.name)}`
    let routine = routines.get(id)
    if (routine === undefined) {
      routine = { row, parameters: [] }
      routines.set(id, routine)
    }
    const name = textOrNull(row.parameter_name)
    if (name !== null) {
      // MariaDB reports IN for a function's parameters, which cannot be written with a mode.
      const mode = text(row.type) === 'PROCEDURE' ? textOrNull(row.parameter_mode) : null
      routine.parameters.push(
        `${mode === null ? '' : `${mode} `}${quoteIdentifier(name)} ${typeText(row.parameter_type, row.parameter_collation, row.database_collation)}`,
      )
    }
  }
  return [...routines.values()].map(routineObject)
}

function routineObject({ row, parameters }: Routine): SchemaObject {
  const name = text(row.name)
  const procedure = text(row.type) === 'PROCEDURE'
  if (row.body === null || row.body === undefined) {
    throw new PlumblineError({
      code: 'INTROSPECTION_FAILED',
      message: `the body of ${procedure ? 'procedure' : 'function'} ${name} cannot be read by this user`,
      hint: 'the server shows a routine body to its definer and to users who may read every routine: connect as the user that runs the migrations, or grant it SELECT on mysql.proc (MariaDB) / SHOW_ROUTINE (MySQL 8)',
    })
  }
  const characteristics: string[] = []
  if (text(row.is_deterministic) === 'YES') characteristics.push('DETERMINISTIC')
  if (text(row.data_access) !== 'CONTAINS SQL') characteristics.push(text(row.data_access))
  if (text(row.security) === 'INVOKER') characteristics.push('SQL SECURITY INVOKER')
  if (text(row.comment) !== '') characteristics.push(`COMMENT ${quoteText(text(row.comment))}`)
  const returns = procedure
    ? ''
    : ` RETURNS ${typeText(row.returns, row.returns_collation, row.database_collation)}`
  const head = `CREATE ${procedure ? 'PROCEDURE' : 'FUNCTION'} ${quoteIdentifier(name)}(${parameters.join(', ')})${returns}`
  return {
    kind: procedure ? 'procedure' : 'function',
    name,
    definition: [head, ...characteristics, storedBody(row.body)].join('\n'),
    details: {
      parameters,
      returns: procedure ? null : text(row.returns),
      deterministic: text(row.is_deterministic) === 'YES',
      dataAccess: text(row.data_access),
      security: text(row.security),
      sqlMode: text(row.sql_mode),
    },
  }
}

function typeText(type: unknown, collation: unknown, databaseCollation: unknown): string {
  const c = textOrNull(collation)
  return c === null || c === textOrNull(databaseCollation) ? text(type) : `${text(type)} COLLATE ${c}`
}
