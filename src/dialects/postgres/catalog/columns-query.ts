import {
  collationName,
  fdwOptions,
  namedRelation,
  namedWithin,
  notExtensionMember,
  notPlumbline,
  selected,
  USER_NAMESPACES_CTE,
} from './catalog-sql.js'

/**
 * Columns of tables, partitions and foreign tables. The definition is the column as DDL spells
 * it; the ordinal position goes to `details` only, so column order and dropped columns (which
 * leave gaps in `attnum`) never change a fingerprint.
 *
 * NOT NULL comes from `attnotnull`: PostgreSQL 18 also keeps a named `pg_constraint` row for it
 * (named by the server), older servers do not. An identity column carries its sequence's options
 * but not the sequence's name, which the server chooses. COLLATE shows only when the column's
 * collation differs from its type's.
 */
export const COLUMNS_QUERY = `
WITH ${USER_NAMESPACES_CTE}
SELECT 'column' AS kind, n.nspname AS schema, a.attname AS name, c.relname AS "table",
  format('%I %s', a.attname, x.type)
    || coalesce(' COLLATE ' || x.collation, '')
    || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
    || CASE WHEN a.attgenerated = '' AND x.expr IS NOT NULL THEN ' DEFAULT ' || x.expr ELSE '' END
    || coalesce(' GENERATED ' || x.identity || ' AS IDENTITY (' || x.sequence || ')', '')
    || CASE a.attgenerated WHEN 's' THEN ' GENERATED ALWAYS AS (' || x.expr || ') STORED'
      WHEN 'v' THEN ' GENERATED ALWAYS AS (' || x.expr || ') VIRTUAL' ELSE '' END
    || CASE WHEN a.attstorage <> t.typstorage THEN ' STORAGE '
      || CASE a.attstorage WHEN 'p' THEN 'PLAIN' WHEN 'e' THEN 'EXTERNAL' WHEN 'm' THEN 'MAIN' ELSE 'EXTENDED' END ELSE '' END
    || CASE a.attcompression WHEN 'p' THEN ' COMPRESSION pglz' WHEN 'l' THEN ' COMPRESSION lz4' ELSE '' END
    || coalesce(' OPTIONS (' || ${fdwOptions('a.attfdwoptions')} || ')', '')
    AS definition,
  json_build_object(
    'position', a.attnum,
    'type', x.type,
    'notNull', a.attnotnull,
    'default', CASE WHEN a.attgenerated = '' THEN x.expr END,
    'identity', x.identity,
    'generated', CASE WHEN a.attgenerated <> '' THEN x.expr END,
    'collation', x.collation) AS details
FROM pg_class c
JOIN ns n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
CROSS JOIN LATERAL (
  SELECT format_type(a.atttypid, a.atttypmod) AS type,
    pg_get_expr(ad.adbin, ad.adrelid) AS expr,
    CASE WHEN a.attcollation <> t.typcollation THEN ${collationName('a.attcollation')} END AS collation,
    CASE a.attidentity WHEN 'a' THEN 'ALWAYS' WHEN 'd' THEN 'BY DEFAULT' END AS identity,
    (SELECT format('INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s CACHE %s %s',
        s.seqincrement, s.seqmin, s.seqmax, s.seqstart, s.seqcache, CASE WHEN s.seqcycle THEN 'CYCLE' ELSE 'NO CYCLE' END)
      FROM pg_depend d JOIN pg_sequence s ON s.seqrelid = d.objid
      WHERE a.attidentity <> '' AND d.refclassid = 'pg_class'::regclass AND d.refobjid = c.oid
        AND d.refobjsubid = a.attnum AND d.classid = 'pg_class'::regclass AND d.deptype = 'i') AS sequence
) x
WHERE c.relkind IN ('r', 'p', 'f')
  AND ${namedRelation('c.oid')}
  AND ${namedWithin('a.attname')}
  AND ${notExtensionMember('pg_class', 'c.oid')}
  AND ${notPlumbline('c.relname')}
  AND ${selected('n.nspname', 'c.relname')}`
