import {
  namedRelation,
  namedWithin,
  notExtensionMember,
  notPlumbline,
  qualified,
  selected,
  USER_NAMESPACES_CTE,
} from './catalog-sql.js'

/**
 * Triggers, as `pg_get_triggerdef` spells them, with a disabled (or replica/always) state as the
 * `ALTER TABLE` that sets it. Internal triggers (the ones enforcing foreign keys) belong to their
 * constraint; the clones the server makes on partitions belong to the partitioned table's trigger.
 */
export const TRIGGERS_QUERY = `
WITH ${USER_NAMESPACES_CTE}
SELECT 'trigger' AS kind, n.nspname AS schema, t.tgname AS name, c.relname AS "table",
  pg_get_triggerdef(t.oid)
    || CASE t.tgenabled WHEN 'O' THEN ''
      ELSE format('; ALTER TABLE %s %s TRIGGER %I', ${qualified('n.nspname', 'c.relname')},
        CASE t.tgenabled WHEN 'D' THEN 'DISABLE' WHEN 'R' THEN 'ENABLE REPLICA' ELSE 'ENABLE ALWAYS' END, t.tgname) END
    AS definition,
  json_build_object('function', t.tgfoid::regprocedure::text,
    'enabled', CASE t.tgenabled WHEN 'O' THEN 'enabled' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica' ELSE 'always' END,
    'constraint', t.tgconstraint <> 0) AS details
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN ns n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal
  AND t.tgparentid = 0
  AND ${namedRelation('c.oid')}
  AND ${namedWithin('t.tgname')}
  AND ${notExtensionMember('pg_class', 'c.oid')}
  AND ${notPlumbline('c.relname')}
  AND ${selected('n.nspname', 'c.relname')}`
