import { notExtensionMember, selected } from './catalog-sql.js'

/**
 * Schemas and extensions. `public` is not modelled: every database has it, so a database built
 * by no migration at all still models as empty. `plpgsql` is left out for the same reason: initdb
 * installs it into every database.
 *
 * A schema object's `schema` is the schema itself; an extension's is the schema it was installed
 * into, and its version goes to `details` only (the same migrations may meet another server's
 * version of it).
 */
export const NAMESPACES_QUERY = `
SELECT 'schema' AS kind, n.nspname AS schema, n.nspname AS name, NULL AS "table",
  format('CREATE SCHEMA %I', n.nspname) AS definition, NULL::json AS details
FROM pg_namespace n
WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT IN ('information_schema', 'public')
  AND ${notExtensionMember('pg_namespace', 'n.oid')}
  AND ${selected('n.nspname', 'n.nspname')}
UNION ALL
SELECT 'extension', n.nspname, x.extname, NULL,
  format('CREATE EXTENSION %I WITH SCHEMA %I', x.extname, n.nspname),
  json_build_object('version', x.extversion)
FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace
WHERE x.extname <> 'plpgsql'
  AND ${selected('n.nspname', 'x.extname')}`
