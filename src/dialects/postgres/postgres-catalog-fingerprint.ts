/**
 * One scalar SQL expression: an md5 over the canonical text of every user catalog object (the
 * same families introspection reads), computed by the server. It does not change with data,
 * VACUUM, ANALYZE or a restart, and changes with any DDL. Not comparable between databases
 * (it is a cheap "did anything change since" check, not the model's fingerprint).
 */
export const POSTGRES_CATALOG_FINGERPRINT = `(SELECT md5(coalesce(string_agg(line, E'\\n' ORDER BY line), '')) FROM (
  SELECT 'n:' || n.nspname AS line FROM pg_namespace n
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
  UNION ALL
  SELECT 'r:' || c.relnamespace::regnamespace::text || '.' || c.relname || ':' || c.relkind::text || ':' || c.relpersistence::text
         || ':' || coalesce(array_to_string(c.reloptions, ','), '') || ':' || coalesce(pg_get_expr(c.relpartbound, c.oid), '')
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
     AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c') AND c.relname NOT LIKE 'plumbline\\_%'
  UNION ALL
  SELECT 'a:' || a.attrelid::regclass::text || '.' || a.attname || ':' || format_type(a.atttypid, a.atttypmod) || ':' || a.attnotnull
         || ':' || a.attidentity::text || ':' || a.attgenerated::text || ':' || a.attcollation::text || ':' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
     AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c') AND c.relname NOT LIKE 'plumbline\\_%'
  UNION ALL
  SELECT 'k:' || co.conrelid::regclass::text || '.' || co.conname || ':' || pg_get_constraintdef(co.oid)
    FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' AND co.contype <> 'n'
     AND (co.conrelid = 0 OR co.conrelid::regclass::text NOT LIKE '%plumbline\\_%')
  UNION ALL
  SELECT 'i:' || pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' AND c.relname NOT LIKE 'plumbline\\_%'
  UNION ALL
  SELECT 'v:' || c.oid::regclass::text || ':' || pg_get_viewdef(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' AND c.relkind IN ('v', 'm')
  UNION ALL
  SELECT 't:' || pg_get_triggerdef(t.oid) || ':' || t.tgenabled::text FROM pg_trigger t WHERE NOT t.tgisinternal
  UNION ALL
  SELECT 'p:' || p.oid::regprocedure::text || ':' || p.prokind::text || ':' || md5(p.prosrc) || ':' || pg_get_function_result(p.oid)::text
         || ':' || p.provolatile::text || ':' || p.prosecdef || ':' || coalesce(array_to_string(p.proconfig, ','), '')
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
     AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.objid = p.oid AND dep.deptype = 'e')
  UNION ALL
  SELECT 'y:' || t.oid::regtype::text || ':' || t.typtype::text || ':' || coalesce((SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
         FROM pg_enum e WHERE e.enumtypid = t.oid), '') || ':' || coalesce(t.typdefault, '') || ':' || t.typnotnull
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' AND t.typtype IN ('e', 'd', 'r', 'c')
     AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
  UNION ALL
  SELECT 's:' || s.seqrelid::regclass::text || ':' || s.seqtypid::regtype::text || ':' || s.seqstart || ':' || s.seqincrement
         || ':' || s.seqmax || ':' || s.seqmin || ':' || s.seqcache || ':' || s.seqcycle
    FROM pg_sequence s
  UNION ALL
  SELECT 'e:' || x.extname || ':' || x.extnamespace::regnamespace::text FROM pg_extension x
) lines)`
