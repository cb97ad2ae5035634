/** A sum of 64-bit hashes of the catalog rows a `FROM … WHERE …` selects: order-free, so no sort. */
function rows(fields: string, from: string): string {
  return `(SELECT sum(pg_catalog.hash_record_extended(ROW(${fields}), 0)::numeric) FROM ${from})`
}

/**
 * Rows that only DDL writes: their identity and `xmin` (the transaction that wrote the row
 * version) change exactly when DDL replaces or alters them. Reading these two columns costs far
 * less than reading, let alone deparsing, the definitions.
 */
function versions(alias: string, id: string, from: string): string {
  return rows(`${id}, ${alias}.xmin::text`, from)
}

/**
 * One scalar SQL expression that changes with any DDL on user objects and never with data, VACUUM
 * (FULL), ANALYZE, CLUSTER, REINDEX, TRUNCATE, GRANT or a restart; plumbline hashes it. REINDEX
 * CONCURRENTLY replaces an index with a new one, and reads as a change: the next start pays for one
 * diagnosis. Not comparable between databases: it is a cheap "did anything change since", not the
 * model's fingerprint.
 *
 * It reads the catalogs without deparsing anything (deparsing every definition cost most of the
 * time of the healthy path). Catalogs that maintenance or ownership also write — `pg_class` (a new
 * relfilenode on TRUNCATE, CLUSTER, REINDEX, REFRESH), `pg_attribute` (VACUUM FULL clears
 * `atthasmissing`), `pg_index` (CLUSTER marks the index), `pg_type` and `pg_proc` (owner and
 * privileges) — are read by the columns that define an object. The others only DDL writes, and
 * are read by row versions. Temporary objects of other sessions live in `pg_temp_*` schemas and
 * are left out with them; plumbline's own tables too.
 */
export const POSTGRES_CATALOG_FINGERPRINT = `(WITH ns AS (
  SELECT oid FROM pg_catalog.pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
), rel AS (
  SELECT c.oid, c.relname, c.relnamespace, c.relkind, c.relpersistence, c.relam, c.reloftype, c.relispartition,
    c.relrowsecurity, c.relforcerowsecurity, c.relreplident, c.reloptions, c.relpartbound::text AS bound
  FROM pg_catalog.pg_class c WHERE c.relnamespace IN (SELECT oid FROM ns) AND c.relname NOT LIKE 'plumbline\\_%'
)
SELECT pg_catalog.md5(pg_catalog.concat_ws(':',
  ${rows('n.oid, n.nspname', 'pg_catalog.pg_namespace n WHERE n.oid IN (SELECT oid FROM ns)')},
  (SELECT sum(pg_catalog.hash_record_extended(c, 0)::numeric) FROM rel c),
  ${rows(
    `a.attrelid, a.attnum, a.attname, a.atttypid, a.atttypmod, a.attnotnull, a.attidentity, a.attgenerated,
    a.attcollation, a.attstorage, a.attcompression, a.attfdwoptions`,
    `pg_catalog.pg_attribute a WHERE a.attrelid IN (SELECT oid FROM rel WHERE relkind IN ('r', 'p', 'v', 'm', 'f', 'c'))
    AND a.attnum > 0 AND NOT a.attisdropped`,
  )},
  ${rows(
    'i.indexrelid, i.indrelid, i.indisvalid, i.indisready, i.indislive, i.indisreplident',
    'pg_catalog.pg_index i WHERE i.indrelid IN (SELECT oid FROM rel)',
  )},
  ${rows(
    `p.oid, p.proname, p.pronamespace, p.prokind, p.prosecdef, p.proleakproof, p.proisstrict, p.proretset,
    p.provolatile, p.proparallel, p.prorettype, p.proargtypes, p.proallargtypes, p.proargmodes, p.proargnames,
    p.proargdefaults::text, p.prolang, p.prosrc, p.probin, p.proconfig, p.prosqlbody::text`,
    'pg_catalog.pg_proc p WHERE p.pronamespace IN (SELECT oid FROM ns)',
  )},
  ${rows(
    `t.oid, t.typname, t.typnamespace, t.typtype, t.typbasetype, t.typtypmod, t.typnotnull, t.typdefaultbin::text,
    t.typcollation`,
    `pg_catalog.pg_type t WHERE t.typnamespace IN (SELECT oid FROM ns)
    AND t.typname NOT LIKE 'plumbline\\_%' AND t.typname NOT LIKE '\\_plumbline\\_%'`,
  )},
  ${versions('d', 'd.oid', 'pg_catalog.pg_attrdef d WHERE d.adrelid IN (SELECT oid FROM rel)')},
  ${versions('k', 'k.oid', 'pg_catalog.pg_constraint k WHERE k.connamespace IN (SELECT oid FROM ns) AND (k.conrelid = 0 OR k.conrelid IN (SELECT oid FROM rel))')},
  ${versions('r', 'r.oid', 'pg_catalog.pg_rewrite r WHERE r.ev_class IN (SELECT oid FROM rel)')},
  ${versions('t', 't.oid', 'pg_catalog.pg_trigger t WHERE t.tgrelid IN (SELECT oid FROM rel) AND NOT t.tgisinternal')},
  ${versions('e', 'e.oid', 'pg_catalog.pg_enum e')},
  ${versions('s', 's.seqrelid', 'pg_catalog.pg_sequence s WHERE s.seqrelid IN (SELECT oid FROM rel)')},
  ${versions('h', 'h.inhrelid, h.inhseqno', 'pg_catalog.pg_inherits h WHERE h.inhrelid IN (SELECT oid FROM rel)')},
  ${versions('pt', 'pt.partrelid', 'pg_catalog.pg_partitioned_table pt WHERE pt.partrelid IN (SELECT oid FROM rel)')},
  ${versions('ft', 'ft.ftrelid', 'pg_catalog.pg_foreign_table ft WHERE ft.ftrelid IN (SELECT oid FROM rel)')},
  ${versions('x', 'x.oid', 'pg_catalog.pg_extension x')}
)))`
