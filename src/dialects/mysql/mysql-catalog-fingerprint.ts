const NOT_PLUMBLINE = "NOT LIKE 'plumbline|_%' ESCAPE '|'"

/** One md5 per catalog row of a family: the row's fields, each quoted so that NULL and '' differ. */
function lines(table: string, fields: ReadonlyArray<string>, where: string): string {
  return `SELECT MD5(CONCAT_WS(',', '${table}', ${fields.map((f) => `QUOTE(${f})`).join(', ')})) AS h
    FROM information_schema.${table} WHERE ${where}`
}

/**
 * One scalar SQL expression over the catalog of the connection's database (the families
 * introspection reads): it changes with any DDL and never with data, OPTIMIZE, ANALYZE or a
 * restart, so it leaves out row counts, sizes, times and the AUTO_INCREMENT counter. Rows are
 * folded by XOR of their md5 halves, not concatenated: GROUP_CONCAT stops at
 * `group_concat_max_len`, 1 KiB by default on MySQL. Not comparable between databases (it names
 * the database's tables as they are), and blind to what information_schema does not hold on both
 * servers: MySQL 8 index expressions, MariaDB sequence options.
 */
export const MYSQL_CATALOG_FINGERPRINT = `(SELECT CONCAT(COUNT(*), ':',
    BIT_XOR(CAST(CONV(LEFT(h, 16), 16, 10) AS UNSIGNED)), ':', BIT_XOR(CAST(CONV(RIGHT(h, 16), 16, 10) AS UNSIGNED)))
  FROM (
  ${lines(
    'TABLES',
    ['TABLE_NAME', 'TABLE_TYPE', 'ENGINE', 'TABLE_COLLATION', 'CREATE_OPTIONS', 'TABLE_COMMENT'],
    `TABLE_SCHEMA = DATABASE() AND TABLE_NAME ${NOT_PLUMBLINE}`,
  )}
  UNION ALL ${lines(
    'COLUMNS',
    [
      'TABLE_NAME',
      'COLUMN_NAME',
      'ORDINAL_POSITION',
      'COLUMN_DEFAULT',
      'IS_NULLABLE',
      'COLUMN_TYPE',
      'COLLATION_NAME',
      'EXTRA',
      'GENERATION_EXPRESSION',
      'COLUMN_COMMENT',
    ],
    `TABLE_SCHEMA = DATABASE() AND TABLE_NAME ${NOT_PLUMBLINE}`,
  )}
  UNION ALL ${lines(
    'STATISTICS',
    [
      'TABLE_NAME',
      'INDEX_NAME',
      'NON_UNIQUE',
      'SEQ_IN_INDEX',
      'COLUMN_NAME',
      'SUB_PART',
      'COLLATION',
      'INDEX_TYPE',
      'INDEX_COMMENT',
    ],
    `TABLE_SCHEMA = DATABASE() AND TABLE_NAME ${NOT_PLUMBLINE}`,
  )}
  UNION ALL ${lines(
    'KEY_COLUMN_USAGE',
    [
      'TABLE_NAME',
      'CONSTRAINT_NAME',
      'ORDINAL_POSITION',
      'COLUMN_NAME',
      'REFERENCED_TABLE_SCHEMA',
      'REFERENCED_TABLE_NAME',
      'REFERENCED_COLUMN_NAME',
    ],
    `TABLE_SCHEMA = DATABASE() AND TABLE_NAME ${NOT_PLUMBLINE}`,
  )}
  UNION ALL ${lines(
    'REFERENTIAL_CONSTRAINTS',
    ['TABLE_NAME', 'CONSTRAINT_NAME', 'UPDATE_RULE', 'DELETE_RULE'],
    `CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME ${NOT_PLUMBLINE}`,
  )}
  UNION ALL ${lines('CHECK_CONSTRAINTS', ['CONSTRAINT_NAME', 'CHECK_CLAUSE'], 'CONSTRAINT_SCHEMA = DATABASE()')}
  UNION ALL ${lines(
    'VIEWS',
    ['TABLE_NAME', 'VIEW_DEFINITION', 'CHECK_OPTION', 'SECURITY_TYPE'],
    `TABLE_SCHEMA = DATABASE() AND TABLE_NAME ${NOT_PLUMBLINE}`,
  )}
  UNION ALL ${lines(
    'TRIGGERS',
    [
      'TRIGGER_NAME',
      'EVENT_OBJECT_TABLE',
      'ACTION_TIMING',
      'EVENT_MANIPULATION',
      'ACTION_ORDER',
      'MD5(ACTION_STATEMENT)',
    ],
    // By the table's schema: information_schema looks triggers up by it, and by TRIGGER_SCHEMA
    // alone read those of every database on the server.
    `EVENT_OBJECT_SCHEMA = DATABASE() AND TRIGGER_SCHEMA = DATABASE() AND EVENT_OBJECT_TABLE ${NOT_PLUMBLINE}`,
  )}
  UNION ALL ${lines(
    'ROUTINES',
    [
      'ROUTINE_NAME',
      'ROUTINE_TYPE',
      'DTD_IDENTIFIER',
      'MD5(ROUTINE_DEFINITION)',
      'IS_DETERMINISTIC',
      'SQL_DATA_ACCESS',
      'SECURITY_TYPE',
      'ROUTINE_COMMENT',
    ],
    `ROUTINE_SCHEMA = DATABASE() AND ROUTINE_NAME ${NOT_PLUMBLINE}`,
  )}
  UNION ALL ${lines(
    'PARAMETERS',
    [
      'SPECIFIC_NAME',
      'ROUTINE_TYPE',
      'ORDINAL_POSITION',
      'PARAMETER_MODE',
      'PARAMETER_NAME',
      'DTD_IDENTIFIER',
    ],
    'SPECIFIC_SCHEMA = DATABASE()',
  )}
  ) catalog)`
