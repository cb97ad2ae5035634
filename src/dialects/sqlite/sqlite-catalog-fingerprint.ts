/**
 * One scalar SQL expression: the text of every user schema object as SQLite stores it, in a
 * stable order; plumbline hashes it. It changes with any DDL and never with data, VACUUM or
 * ANALYZE (which touches only sqlite_stat tables). Not comparable between databases: a cheap
 * "did anything change since" check, not the model's fingerprint.
 */
export const SQLITE_CATALOG_FINGERPRINT = `(SELECT coalesce(group_concat(line, char(10)), '') FROM (
  SELECT type || ':' || name || ':' || tbl_name || ':' || coalesce(sql, '') AS line FROM sqlite_schema
   WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND tbl_name NOT LIKE 'plumbline\\_%' ESCAPE '\\'
   ORDER BY type, name))`
