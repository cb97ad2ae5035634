import {
  fdwOptions,
  notExtensionMember,
  notPlumbline,
  qualified,
  READ_ALL,
  selected,
  USER_NAMESPACES_CTE,
} from './catalog-sql.js'

/**
 * Tables (table-level properties only: persistence, partitioning, inheritance, access method,
 * storage options, row-level security, replica identity; columns and constraints are objects of
 * their own, so a column change names only the column), foreign tables, views, materialized
 * views and sequences.
 *
 * Identity sequences are left out: the column's identity carries their options, and their
 * names are chosen by the server. A sequence `OWNED BY` a column (serial) is selected with its table.
 * Storage options are sorted: `SET (a = 1)` followed by `SET (b = 2)` and the reverse store the
 * same options in different orders. A view's query is spelt by `pg_get_viewdef`; up to PostgreSQL 15 its query tree comes along, so
 * the client can spell it as later versions do (see `normalizeViewDefinition`).
 * Whether a materialized view holds data, a table's tablespace and its statistics are state of
 * the server, not of the schema.
 *
 * Reading named relations, a sequence is a candidate when its own name or its owner's is named:
 * the owners are looked up once, before the scan, so that the scan never joins every sequence.
 */
export const RELATIONS_QUERY = `
WITH ${USER_NAMESPACES_CTE},
seq_owner AS (
  SELECT sq.seqrelid, d.deptype, oc.relname AS table_name, on_.nspname AS table_schema,
    ${qualified('on_.nspname', 'oc.relname')} || '.' || quote_ident(oa.attname) AS col
  FROM pg_sequence sq
  JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = sq.seqrelid AND d.objsubid = 0
    AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')
  JOIN pg_class oc ON oc.oid = d.refobjid
  JOIN pg_namespace on_ ON on_.oid = oc.relnamespace
  JOIN pg_attribute oa ON oa.attrelid = d.refobjid AND oa.attnum = d.refobjsubid
)
SELECT
  CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized_view' WHEN 'S' THEN 'sequence' ELSE 'table' END AS kind,
  n.nspname AS schema, c.relname AS name, NULL AS "table",
  CASE
    WHEN c.relkind IN ('r', 'p', 'f') THEN
      'CREATE ' || CASE WHEN c.relpersistence = 'u' THEN 'UNLOGGED ' ELSE '' END
      || CASE WHEN c.relkind = 'f' THEN 'FOREIGN ' ELSE '' END || 'TABLE ' || ${qualified('n.nspname', 'c.relname')}
      || CASE WHEN c.relispartition THEN ' PARTITION OF ' || parent.names || ' ' || pg_get_expr(c.relpartbound, c.oid)
         ELSE ' ()' || coalesce(' INHERITS (' || parent.names || ')', '') END
      || CASE WHEN c.relkind = 'p' THEN ' PARTITION BY ' || pg_get_partkeydef(c.oid) ELSE '' END
      || CASE WHEN am.amname IS NOT NULL AND am.amname <> 'heap' THEN ' USING ' || quote_ident(am.amname) ELSE '' END
      || coalesce(' WITH (' || opts.list || ')', '')
      || coalesce(' SERVER ' || quote_ident(srv.srvname), '')
      || coalesce(' OPTIONS (' || ${fdwOptions('ft.ftoptions')} || ')', '')
      || CASE WHEN c.relrowsecurity THEN '; ALTER TABLE ' || ${qualified('n.nspname', 'c.relname')} || ' ENABLE ROW LEVEL SECURITY' ELSE '' END
      || CASE WHEN c.relforcerowsecurity THEN '; ALTER TABLE ' || ${qualified('n.nspname', 'c.relname')} || ' FORCE ROW LEVEL SECURITY' ELSE '' END
      || CASE WHEN c.relreplident = 'd' OR c.relkind = 'f' THEN '' ELSE '; ALTER TABLE ' || ${qualified('n.nspname', 'c.relname')} || ' REPLICA IDENTITY '
        || CASE c.relreplident WHEN 'n' THEN 'NOTHING' WHEN 'f' THEN 'FULL'
           ELSE 'USING INDEX ' || coalesce((SELECT quote_ident(ri.relname) FROM pg_index x JOIN pg_class ri ON ri.oid = x.indexrelid
             WHERE x.indrelid = c.oid AND x.indisreplident), '?') END END
    WHEN c.relkind IN ('v', 'm') THEN
      'CREATE ' || CASE WHEN c.relkind = 'm' THEN 'MATERIALIZED ' ELSE '' END || 'VIEW ' || ${qualified('n.nspname', 'c.relname')}
      || CASE WHEN am.amname IS NOT NULL AND am.amname <> 'heap' THEN ' USING ' || quote_ident(am.amname) ELSE '' END
      || coalesce(' WITH (' || opts.list || ')', '')
      || ' AS' || E'\\n'
    ELSE
      'CREATE ' || CASE WHEN c.relpersistence = 'u' THEN 'UNLOGGED ' ELSE '' END || 'SEQUENCE ' || ${qualified('n.nspname', 'c.relname')}
      || format(' AS %s INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s CACHE %s %s',
        format_type(s.seqtypid, NULL), s.seqincrement, s.seqmin, s.seqmax, s.seqstart, s.seqcache,
        CASE WHEN s.seqcycle THEN 'CYCLE' ELSE 'NO CYCLE' END)
      || CASE WHEN owner.deptype = 'a' THEN ' OWNED BY ' || owner.col ELSE '' END
  END AS definition,
  CASE
    WHEN c.relkind IN ('r', 'p', 'f') THEN json_build_object(
      'persistence', CASE WHEN c.relpersistence = 'u' THEN 'unlogged' ELSE 'permanent' END,
      'partitionBy', CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
      'partitionOf', CASE WHEN c.relispartition THEN parent.names END,
      'partitionBound', CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END,
      'inherits', CASE WHEN NOT c.relispartition THEN parent.list END,
      'options', opts.arr,
      'foreign', c.relkind = 'f')
    WHEN c.relkind = 'S' THEN json_build_object(
      'type', format_type(s.seqtypid, NULL), 'start', s.seqstart::text, 'increment', s.seqincrement::text,
      'min', s.seqmin::text, 'max', s.seqmax::text, 'cache', s.seqcache::text, 'cycle', s.seqcycle,
      'ownedBy', CASE WHEN owner.deptype = 'a' THEN owner.col END)
    ELSE json_build_object('options', opts.arr, 'query', rule.query)
  END AS details,
  rule.query AS view_query, rule.tree AS query_tree, rule.names AS relation_names
FROM pg_class c
JOIN ns n ON n.oid = c.relnamespace
LEFT JOIN pg_am am ON am.oid = c.relam
LEFT JOIN pg_sequence s ON s.seqrelid = c.oid
LEFT JOIN pg_foreign_table ft ON ft.ftrelid = c.oid
LEFT JOIN pg_foreign_server srv ON srv.oid = ft.ftserver
LEFT JOIN LATERAL (
  SELECT string_agg(${qualified('pn.nspname', 'p.relname')}, ', ' ORDER BY i.inhseqno) AS names,
    array_agg(${qualified('pn.nspname', 'p.relname')} ORDER BY i.inhseqno) AS list
  FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
  WHERE i.inhrelid = c.oid
) parent ON c.relkind IN ('r', 'p', 'f')
LEFT JOIN LATERAL (
  SELECT string_agg(o, ', ' ORDER BY o) AS list, array_agg(o ORDER BY o) AS arr
  FROM unnest(c.reloptions || coalesce(
    (SELECT array_agg('toast.' || t) FROM pg_class tc, unnest(tc.reloptions) AS t WHERE tc.oid = c.reltoastrelid), '{}')) AS o
) opts ON true
LEFT JOIN LATERAL (
  SELECT rtrim(pg_get_viewdef(c.oid), E';\\n ') AS query,
    CASE WHEN qualifies THEN rw.ev_action::text END AS tree,
    CASE WHEN qualifies THEN (SELECT json_object_agg(r.id, r.name) FROM (
      SELECT DISTINCT d.refobjid::text AS id, rc.relname AS name FROM pg_depend d JOIN pg_class rc ON rc.oid = d.refobjid
      WHERE d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid AND d.refclassid = 'pg_class'::regclass) r) END AS names
  FROM pg_rewrite rw, (SELECT current_setting('server_version_num')::int < 160000 AS qualifies) AS v
  WHERE rw.ev_class = c.oid AND rw.rulename = '_RETURN'
) rule ON c.relkind IN ('v', 'm')
LEFT JOIN seq_owner owner ON owner.seqrelid = c.oid
WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
  AND (${READ_ALL} OR c.oid = ANY (ARRAY(
    SELECT nr.oid FROM pg_class nr WHERE nr.relname = ANY($2::text[])
    UNION ALL
    SELECT od.objid FROM pg_depend od JOIN pg_class ot ON ot.oid = od.refobjid
    WHERE od.classid = 'pg_class'::regclass AND od.refclassid = 'pg_class'::regclass AND od.refobjsubid > 0
      AND od.deptype IN ('a', 'i') AND ot.relname = ANY($2::text[]))))
  AND ${notExtensionMember('pg_class', 'c.oid')}
  AND ${notPlumbline('c.relname')}
  AND (owner.deptype IS NULL OR (owner.deptype = 'a' AND ${notPlumbline('owner.table_name')}))
  AND (${selected('n.nspname', 'c.relname')}
    OR (owner.table_name IS NOT NULL AND ${selected('owner.table_schema', 'owner.table_name')}))`
