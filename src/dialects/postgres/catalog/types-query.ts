import {
  collationName,
  named,
  notExtensionMember,
  notPlumbline,
  qualified,
  selected,
  USER_NAMESPACES_CTE,
} from './catalog-sql.js'

/**
 * User-defined types: enums (labels in sort order, which `ADD VALUE BEFORE` decides, not the
 * order of creation), domains (base type, collation, default, NOT NULL, checks by name),
 * composite types (attribute order is part of the type: it is the order of a row constructor)
 * and range types. Array and multirange types are implied by their element and range types;
 * a table's row type is implied by the table. Domain NOT NULL comes from `typnotnull`: PostgreSQL
 * 17 and later also keep a `pg_constraint` row for it, which older servers do not have.
 */
export const TYPES_QUERY = `
WITH ${USER_NAMESPACES_CTE}
SELECT 'type' AS kind, n.nspname AS schema, t.typname AS name, NULL AS "table",
  CASE t.typtype
    WHEN 'e' THEN format('CREATE TYPE %s AS ENUM (%s)', ${qualified('n.nspname', 't.typname')},
      (SELECT string_agg(quote_literal(label), ', ' ORDER BY ord) FROM unnest(enum.labels) WITH ORDINALITY AS l(label, ord)))
    WHEN 'd' THEN format('CREATE DOMAIN %s AS %s', ${qualified('n.nspname', 't.typname')}, format_type(t.typbasetype, t.typtypmod))
      || CASE WHEN t.typcollation <> base.typcollation THEN ' COLLATE ' || ${collationName('t.typcollation')} ELSE '' END
      || coalesce(' DEFAULT ' || pg_get_expr(t.typdefaultbin, 0), '')
      || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END
      || coalesce(dom.checks, '')
    WHEN 'c' THEN format('CREATE TYPE %s AS (%s)', ${qualified('n.nspname', 't.typname')}, comp.attributes)
    ELSE format('CREATE TYPE %s AS RANGE (SUBTYPE = %s, SUBTYPE_OPCLASS = %s%s%s%s, MULTIRANGE_TYPE_NAME = %s)',
      ${qualified('n.nspname', 't.typname')}, format_type(r.rngsubtype, NULL),
      (SELECT CASE WHEN ocn.nspname = 'pg_catalog' THEN quote_ident(oc.opcname) ELSE format('%I.%I', ocn.nspname, oc.opcname) END
        FROM pg_opclass oc JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace WHERE oc.oid = r.rngsubopc),
      CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> sub.typcollation
        THEN ', COLLATION = ' || ${collationName('r.rngcollation')} ELSE '' END,
      CASE WHEN r.rngcanonical <> 0 THEN ', CANONICAL = ' || r.rngcanonical::regproc::text ELSE '' END,
      CASE WHEN r.rngsubdiff <> 0 THEN ', SUBTYPE_DIFF = ' || r.rngsubdiff::regproc::text ELSE '' END,
      r.rngmultitypid::regtype::text)
  END AS definition,
  CASE t.typtype
    WHEN 'e' THEN json_build_object('type', 'enum', 'values', enum.labels)
    WHEN 'd' THEN json_build_object('type', 'domain', 'baseType', format_type(t.typbasetype, t.typtypmod),
      'notNull', t.typnotnull, 'default', pg_get_expr(t.typdefaultbin, 0), 'checks', dom.names)
    WHEN 'c' THEN json_build_object('type', 'composite', 'attributes', comp.names)
    ELSE json_build_object('type', 'range', 'subtype', format_type(r.rngsubtype, NULL))
  END AS details
FROM pg_type t
JOIN ns n ON n.oid = t.typnamespace
LEFT JOIN pg_class rel ON rel.oid = t.typrelid
LEFT JOIN pg_type base ON base.oid = t.typbasetype
LEFT JOIN pg_range r ON r.rngtypid = t.oid
LEFT JOIN pg_type sub ON sub.oid = r.rngsubtype
LEFT JOIN LATERAL (
  SELECT array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels FROM pg_enum e WHERE e.enumtypid = t.oid
) enum ON t.typtype = 'e'
LEFT JOIN LATERAL (
  SELECT string_agg(format(' CONSTRAINT %I %s', c.conname, pg_get_constraintdef(c.oid)), '' ORDER BY c.conname) AS checks,
    array_agg(c.conname ORDER BY c.conname) AS names
  FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c'
) dom ON t.typtype = 'd'
LEFT JOIN LATERAL (
  SELECT string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod))
      || CASE WHEN a.attcollation <> at.typcollation THEN ' COLLATE ' || ${collationName('a.attcollation')} ELSE '' END,
      ', ' ORDER BY a.attnum) AS attributes,
    array_agg(a.attname ORDER BY a.attnum) AS names
  FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid
  WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
) comp ON t.typtype = 'c'
WHERE (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND rel.relkind = 'c'))
  AND ${named('t.typname')}
  AND ${notExtensionMember('pg_type', 't.oid')}
  AND ${notPlumbline('t.typname')}
  AND ${selected('n.nspname', 't.typname')}`
