/**
 * Helper functions an application adds to its database over the years. PostgreSQL gets them as
 * SQL and PL/pgSQL functions; SQLite, which has no stored functions, inlines the same expression
 * wherever the function would be called.
 */
export interface Utility {
  readonly key: string
  /** The function's PostgreSQL identity as the catalog names it: `slugify(text)`. */
  readonly signature: string
  readonly postgresDefinition: string
  /** The call on PostgreSQL, over argument expressions. */
  postgres(args: ReadonlyArray<string>): string
  /** The inlined expression on SQLite. */
  sqlite(args: ReadonlyArray<string>): string
}

const slugify: Utility = {
  key: 'slugify',
  signature: 'slugify(text)',
  postgresDefinition: `CREATE FUNCTION slugify(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT trim(both '-' from regexp_replace(lower(value), '[^a-z0-9]+', '-', 'g'))
$$;`,
  postgres: ([value]) => `slugify(${value})`,
  sqlite: ([value]) => `trim(replace(lower(${value}), ' ', '-'), '-')`,
}

const normalizeEmail: Utility = {
  key: 'normalize_email',
  signature: 'normalize_email(text)',
  postgresDefinition: `CREATE FUNCTION normalize_email(address text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT lower(trim(address))
$$;`,
  postgres: ([address]) => `normalize_email(${address})`,
  sqlite: ([address]) => `lower(trim(${address}))`,
}

const searchDocument: Utility = {
  key: 'search_document',
  signature: 'search_document(text, text)',
  postgresDefinition: `CREATE FUNCTION search_document(title text, body text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT lower(coalesce(title, '') || ' ' || coalesce(body, ''))
$$;`,
  postgres: ([title, body]) => `search_document(${title}, ${body})`,
  sqlite: ([title, body]) => `lower(coalesce(${title}, '') || ' ' || coalesce(${body}, ''))`,
}

const centsToUnits: Utility = {
  key: 'cents_to_units',
  signature: 'cents_to_units(bigint)',
  postgresDefinition: `CREATE FUNCTION cents_to_units(cents bigint) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT round(cents / 100.0, 2)
$$;`,
  postgres: ([cents]) => `cents_to_units(${cents})`,
  sqlite: ([cents]) => `round(${cents} / 100.0, 2)`,
}

const businessDays: Utility = {
  key: 'business_days_between',
  signature: 'business_days_between(date, date)',
  postgresDefinition: `CREATE FUNCTION business_days_between(start_date date, end_date date) RETURNS integer
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  cursor_day date := start_date;
  total integer := 0;
BEGIN
  IF start_date IS NULL OR end_date IS NULL THEN
    RETURN NULL;
  END IF;
  WHILE cursor_day < end_date LOOP
    IF extract(isodow FROM cursor_day) < 6 THEN
      total := total + 1;
    END IF;
    cursor_day := cursor_day + 1;
  END LOOP;
  RETURN total;
END;
$$;`,
  postgres: ([from, to]) => `business_days_between(CAST(${from} AS date), CAST(${to} AS date))`,
  sqlite: ([from, to]) => `CAST(julianday(${to}) - julianday(${from}) AS INTEGER)`,
}

export const UTILITIES: Readonly<Record<string, Utility>> = {
  slugify,
  normalize_email: normalizeEmail,
  search_document: searchDocument,
  cents_to_units: centsToUnits,
  business_days_between: businessDays,
}

export function utility(key: string): Utility {
  const found = UTILITIES[key]
  if (found === undefined) throw new Error(`history generator: no utility ${key}`)
  return found
}
