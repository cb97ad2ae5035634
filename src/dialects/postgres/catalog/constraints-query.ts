import {
  namedRelation,
  namedWithin,
  notExtensionMember,
  notPlumbline,
  selected,
  USER_NAMESPACES_CTE,
} from './catalog-sql.js'

/**
 * Table constraints, as `pg_get_constraintdef` spells them (with DEFERRABLE, INITIALLY
 * DEFERRED, ON DELETE/UPDATE, NOT VALID, NO INHERIT).
 *
 * - NOT NULL rows (`contype 'n'`, PostgreSQL 18) are skipped: nullability is the column's.
 * - An exclusion constraint is modelled as `unique`: it is the general form of one (UNIQUE is an
 *   exclusion with `=` on every column), is enforced by an index the same way, and its definition
 *   (`EXCLUDE USING gist (…)`) keeps it apart from a plain UNIQUE.
 * - Rows with a parent constraint are left out: the server clones a partitioned table's
 *   constraints onto each partition, and a foreign key that references a partitioned table onto
 *   each referenced partition. The parent constraint stands for them, and clones attached from
 *   existing constraints would otherwise carry whichever names those had.
 * - Constraint triggers are modelled as triggers.
 *
 * Named tables select their constraints by `conrelid` (its index): tested on the joined table
 * instead, a generic plan scanned the whole of `pg_constraint` on every verification.
 */
export const CONSTRAINTS_QUERY = `
WITH ${USER_NAMESPACES_CTE}
SELECT
  CASE k.contype WHEN 'p' THEN 'primary_key' WHEN 'f' THEN 'foreign_key' WHEN 'c' THEN 'check' ELSE 'unique' END AS kind,
  n.nspname AS schema, k.conname AS name, c.relname AS "table",
  pg_get_constraintdef(k.oid) AS definition,
  json_build_object(
    'type', CASE k.contype WHEN 'p' THEN 'primary key' WHEN 'f' THEN 'foreign key' WHEN 'c' THEN 'check'
      WHEN 'x' THEN 'exclude' ELSE 'unique' END,
    'columns', (SELECT array_agg(a.attname ORDER BY u.ord) FROM unnest(k.conkey) WITH ORDINALITY AS u(num, ord)
      JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.num),
    'references', CASE WHEN k.contype = 'f' THEN json_build_object(
      'schema', rn.nspname, 'table', r.relname,
      'columns', (SELECT array_agg(a.attname ORDER BY u.ord) FROM unnest(k.confkey) WITH ORDINALITY AS u(num, ord)
        JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.num)) END,
    'onDelete', CASE WHEN k.contype = 'f' THEN ${referentialAction('k.confdeltype')} END,
    'onUpdate', CASE WHEN k.contype = 'f' THEN ${referentialAction('k.confupdtype')} END,
    'deferrable', k.condeferrable,
    'deferred', k.condeferred,
    'validated', k.convalidated) AS details
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN ns n ON n.oid = c.relnamespace
LEFT JOIN pg_class r ON r.oid = k.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace
WHERE k.contype IN ('p', 'u', 'x', 'f', 'c')
  AND k.conparentid = 0
  AND ${namedRelation('k.conrelid')}
  AND ${namedWithin('k.conname')}
  AND c.relkind IN ('r', 'p', 'f')
  AND ${notExtensionMember('pg_class', 'c.oid')}
  AND ${notPlumbline('c.relname')}
  AND ${selected('n.nspname', 'c.relname')}`

function referentialAction(code: string): string {
  return `CASE ${code} WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL'
    WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END`
}
