/**
 * The 64-bit hashes of the catalog rows a `FROM … WHERE …` selects, combined by XOR: order-free,
 * so no sort, and a bigint aggregate instead of a numeric sum. The rows of one catalog differ by
 * their identity, so no two cancel out.
 */
function rows(fields: string, from: string): string {
  return `(SELECT pg_catalog.bit_xor(pg_catalog.hash_record_extended(ROW(${fields}), 0)) FROM ${from})`
}

/**
 * Rows that only DDL writes: their identity and `xmin` (the transaction that wrote the row
 * version) change exactly when DDL replaces or alters them. Reading these two columns costs far
 * less than reading, let alone deparsing, the definitions.
 */
function versions(alias: string, id: string, from: string): string {
  return rows(`${id}, ${alias}.xmin`, from)
}

/**
 * `column` names one of the relations in `rel`. Every object a user creates has an oid of at
 * least 16384 (FirstNormalObjectId: what initdb creates lies below it), and each catalog is
 * indexed by the column named here: the range reads only the user's rows, and the semi-join
 * leaves out temporary, TOAST and plumbline's own relations.
 */
function ofRelation(column: string, where = ''): string {
  return `${column} >= 16384 AND ${column} IN (SELECT oid FROM rel${where})`
}

/**
 * Like {@link ofRelation}, for catalogs whose rows never belong to an index (defaults,
 * constraints, rules, triggers, sequences): the semi-join is built from `owner`, the relations of
 * `rel` that are not indexes — about a third of them on an application's schema, and each of
 * these semi-joins builds its own hash table.
 */
function ofOwner(column: string): string {
  return `${column} >= 16384 AND ${column} IN (SELECT oid FROM owner)`
}

/**
 * One scalar SQL expression (a hash per catalog, `-` where it has no such rows) that changes with
 * any DDL on user objects and never with data, VACUUM (FULL), ANALYZE, CLUSTER, REINDEX, TRUNCATE,
 * GRANT or a restart; plumbline hashes it. REINDEX
 * CONCURRENTLY replaces an index with a new one, and reads as a change: the next start pays for one
 * diagnosis. Not comparable between databases: it is a cheap "did anything change since", not the
 * model's fingerprint.
 *
 * It reads the catalogs without deparsing anything (deparsing every definition cost most of the
 * time of the healthy path). Catalogs that maintenance or ownership also write — `pg_class` (a new
 * relfilenode on TRUNCATE, CLUSTER, REINDEX, REFRESH), `pg_attribute` (VACUUM FULL clears
 * `atthasmissing`), `pg_index` (CLUSTER marks the index), `pg_type` and `pg_proc` (owner and
 * privileges) — are read by the columns that define an object. Of `pg_index` only the indexes
 * that are not plain valid ones count (an index's existence is its `pg_class` row; what can change
 * after is its validity and replica identity). The others only DDL writes, and are read by row
 * versions. Temporary objects of other sessions live in `pg_temp_*` schemas and are left out with
 * them; plumbline's own tables too.
 */
export const POSTGRES_CATALOG_FINGERPRINT = `(WITH ns AS (
  SELECT oid FROM pg_catalog.pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
), rel AS (
  SELECT c.oid, c.relname, c.relnamespace, c.relkind, c.relpersistence, c.relam, c.reloftype, c.relispartition,
    c.relrowsecurity, c.relforcerowsecurity, c.relreplident, c.reloptions, c.relpartbound::text AS bound
  FROM pg_catalog.pg_class c
  WHERE c.oid >= 16384 AND c.relnamespace IN (SELECT oid FROM ns) AND c.relname NOT LIKE 'plumbline\\_%'
), owner AS (
  SELECT oid FROM rel WHERE relkind NOT IN ('i', 'I')
)
SELECT pg_catalog.array_to_string(ARRAY[
  ${rows('n.oid, n.nspname', 'pg_catalog.pg_namespace n WHERE n.oid IN (SELECT oid FROM ns)')},
  (SELECT pg_catalog.bit_xor(pg_catalog.hash_record_extended(c, 0)) FROM rel c),
  ${rows(
    `a.attrelid, a.attnum, a.attname, a.atttypid, a.atttypmod, a.attnotnull, a.attidentity, a.attgenerated,
    a.attcollation, a.attstorage, a.attcompression, a.attfdwoptions`,
    `pg_catalog.pg_attribute a WHERE ${ofRelation('a.attrelid', ` WHERE relkind IN ('r', 'p', 'v', 'm', 'f', 'c')`)}
    AND a.attnum > 0 AND NOT a.attisdropped`,
  )},
  ${rows(
    'i.indexrelid, i.indisvalid, i.indisready, i.indislive, i.indisreplident',
    `pg_catalog.pg_index i WHERE ${ofRelation('i.indrelid')}
    AND NOT (i.indisvalid AND i.indisready AND i.indislive AND NOT i.indisreplident)`,
  )},
  ${rows(
    `p.oid, p.proname, p.pronamespace, p.prokind, p.prosecdef, p.proleakproof, p.proisstrict, p.proretset,
    p.provolatile, p.proparallel, p.prorettype, p.proargtypes, p.proallargtypes, p.proargmodes, p.proargnames,
    p.proargdefaults::text, p.prolang, p.prosrc, p.probin, p.proconfig, p.prosqlbody::text`,
    'pg_catalog.pg_proc p WHERE p.oid >= 16384 AND p.pronamespace IN (SELECT oid FROM ns)',
  )},
  ${rows(
    `t.oid, t.typname, t.typnamespace, t.typtype, t.typbasetype, t.typtypmod, t.typnotnull, t.typdefaultbin::text,
    t.typcollation`,
    `pg_catalog.pg_type t WHERE t.oid >= 16384 AND t.typnamespace IN (SELECT oid FROM ns)
    AND t.typname NOT LIKE 'plumbline\\_%' AND t.typname NOT LIKE '\\_plumbline\\_%'`,
  )},
  ${versions('d', 'd.oid', `pg_catalog.pg_attrdef d WHERE ${ofOwner('d.adrelid')}`)},
  ${versions('k', 'k.oid', 'pg_catalog.pg_constraint k WHERE k.oid >= 16384 AND k.connamespace IN (SELECT oid FROM ns) AND (k.conrelid = 0 OR k.conrelid IN (SELECT oid FROM owner))')},
  ${versions('r', 'r.oid', `pg_catalog.pg_rewrite r WHERE ${ofOwner('r.ev_class')}`)},
  ${versions('t', 't.oid', `pg_catalog.pg_trigger t WHERE ${ofOwner('t.tgrelid')} AND NOT t.tgisinternal`)},
  ${versions('e', 'e.oid', 'pg_catalog.pg_enum e')},
  ${versions('s', 's.seqrelid', `pg_catalog.pg_sequence s WHERE ${ofOwner('s.seqrelid')}`)},
  ${versions('h', 'h.inhrelid, h.inhseqno', `pg_catalog.pg_inherits h WHERE ${ofRelation('h.inhrelid')}`)},
  ${versions('pt', 'pt.partrelid', `pg_catalog.pg_partitioned_table pt WHERE ${ofRelation('pt.partrelid')}`)},
  ${versions('ft', 'ft.ftrelid', `pg_catalog.pg_foreign_table ft WHERE ${ofRelation('ft.ftrelid')}`)},
  ${versions('x', 'x.oid', 'pg_catalog.pg_extension x')}
], ':', '-'))`
