import {
  namedWithin,
  notExtensionMember,
  notPlumbline,
  READ_ALL,
  selected,
  USER_NAMESPACES_CTE,
} from './catalog-sql.js'

/**
 * Indexes of tables and materialized views, as `pg_get_indexdef` spells them (method, operator
 * classes, ordering, INCLUDE, WITH, WHERE). An index that backs a primary key, unique or
 * exclusion constraint is left out: the constraint stands for it. So is an index the server made
 * on a partition for a partitioned table's index: the parent index stands for it, and a partition
 * index attached from one that already existed would otherwise carry that index's name.
 *
 * An index left invalid (a failed `CREATE INDEX CONCURRENTLY`) is marked: it exists but does not
 * work. Whether an index is the table's CLUSTER index is maintenance state and is not shown.
 */
export const INDEXES_QUERY = `
WITH ${USER_NAMESPACES_CTE}
SELECT 'index' AS kind, n.nspname AS schema, ic.relname AS name, c.relname AS "table",
  pg_get_indexdef(i.indexrelid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END AS definition,
  json_build_object(
    'unique', i.indisunique,
    'method', am.amname,
    'columns', cols.keys,
    'include', cols.included,
    'where', pg_get_expr(i.indpred, i.indrelid),
    'valid', i.indisvalid) AS details
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN ns n ON n.oid = c.relnamespace
JOIN pg_am am ON am.oid = ic.relam
CROSS JOIN LATERAL (
  SELECT array_agg(pg_get_indexdef(i.indexrelid, k, true) ORDER BY k) FILTER (WHERE k <= i.indnkeyatts) AS keys,
    array_agg(pg_get_indexdef(i.indexrelid, k, true) ORDER BY k) FILTER (WHERE k > i.indnkeyatts) AS included
  FROM generate_series(1, i.indnatts) AS k
) cols
WHERE c.relkind IN ('r', 'p', 'm')
  AND (${READ_ALL} OR c.oid = ANY (ARRAY(
    SELECT nr.oid FROM pg_class nr WHERE nr.relname = ANY($2::text[])
    UNION ALL
    SELECT (SELECT ni.indrelid FROM pg_index ni WHERE ni.indexrelid = nc.oid)
    FROM pg_class nc WHERE nc.relname = ANY($2::text[]) AND nc.relkind IN ('i', 'I'))))
  AND ${namedWithin('ic.relname')}
  AND NOT ic.relispartition
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k
    WHERE k.conrelid = i.indrelid AND k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
  AND ${notExtensionMember('pg_class', 'c.oid')}
  AND ${notPlumbline('c.relname')}
  AND (${selected('n.nspname', 'c.relname')} OR ${selected('n.nspname', 'ic.relname')})`
