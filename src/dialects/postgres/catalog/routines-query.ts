import {
  notExtensionMember,
  notPlumbline,
  qualified,
  READ_ALL,
  selected,
  USER_NAMESPACES_CTE,
} from './catalog-sql.js'

/**
 * Functions, procedures and aggregates. The name carries the argument types (the identity
 * PostgreSQL keys routines by), so an overload is an object of its own: `add_points(integer, integer)`.
 *
 * The definition is `pg_get_functiondef`, with the noise a file's bytes put into a stored body
 * taken out: CRLF line ends (a checkout on another system), spaces at line ends, and the
 * trailing newline the function appends. Routines the server made as part of another object (the
constructors of a range or multirange type) belong to that object. Aggregates have no `pg_get_functiondef`; their
 * definition is built from `pg_aggregate`.
 *
 * Reading named routines, the scan keeps the routines whose bare name is asked for, or is the part
 * before a parenthesis of a name asked for with argument types: computing every routine's argument
 * list to compare it would cost more than the whole selection.
 */
export const ROUTINES_QUERY = `
WITH ${USER_NAMESPACES_CTE}
SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END AS kind,
  n.nspname AS schema,
  p.proname || '(' || oidvectortypes(p.proargtypes) || ')' AS name,
  NULL AS "table",
  CASE WHEN p.prokind = 'a' THEN
    format('CREATE AGGREGATE %s(%s) (SFUNC = %s, STYPE = %s', ${qualified('n.nspname', 'p.proname')},
      pg_get_function_arguments(p.oid), ag.aggtransfn::regproc::text, format_type(ag.aggtranstype, NULL))
    || CASE WHEN ag.aggkind <> 'n' THEN ', KIND = ' || ag.aggkind::text ELSE '' END
    || CASE WHEN ag.aggfinalfn <> 0 THEN ', FINALFUNC = ' || ag.aggfinalfn::regproc::text ELSE '' END
    || CASE WHEN ag.aggcombinefn <> 0 THEN ', COMBINEFUNC = ' || ag.aggcombinefn::regproc::text ELSE '' END
    || CASE WHEN ag.aggserialfn <> 0 THEN ', SERIALFUNC = ' || ag.aggserialfn::regproc::text ELSE '' END
    || CASE WHEN ag.aggdeserialfn <> 0 THEN ', DESERIALFUNC = ' || ag.aggdeserialfn::regproc::text ELSE '' END
    || CASE WHEN ag.aggmtransfn <> 0 THEN format(', MSFUNC = %s, MINVFUNC = %s, MSTYPE = %s',
      ag.aggmtransfn::regproc::text, ag.aggminvtransfn::regproc::text, format_type(ag.aggmtranstype, NULL)) ELSE '' END
    || CASE WHEN ag.aggmfinalfn <> 0 THEN ', MFINALFUNC = ' || ag.aggmfinalfn::regproc::text ELSE '' END
    || coalesce(', INITCOND = ' || quote_literal(ag.agginitval), '')
    || coalesce(', MINITCOND = ' || quote_literal(ag.aggminitval), '')
    || CASE WHEN ag.aggsortop <> 0 THEN ', SORTOP = ' || ag.aggsortop::regoperator::text ELSE '' END
    || CASE p.proparallel WHEN 's' THEN ', PARALLEL = SAFE' WHEN 'r' THEN ', PARALLEL = RESTRICTED' ELSE '' END
    || ')'
  ELSE
    rtrim(regexp_replace(replace(pg_get_functiondef(p.oid), E'\\r\\n', E'\\n'), '[ \\t]+$', '', 'gn'), E'\\n')
  END AS definition,
  json_build_object(
    'language', l.lanname,
    'arguments', pg_get_function_arguments(p.oid),
    'identityArguments', pg_get_function_identity_arguments(p.oid),
    'returns', CASE WHEN p.prokind <> 'p' THEN pg_get_function_result(p.oid) END) AS details
FROM pg_proc p
JOIN ns n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
LEFT JOIN pg_aggregate ag ON ag.aggfnoid = p.oid
WHERE (${READ_ALL} OR p.proname = ANY (ARRAY(
    SELECT x FROM unnest($2::text[]) AS x
    UNION ALL
    SELECT left(x, k - 1) FROM unnest($2::text[]) AS x, generate_series(2, length(x)) AS k WHERE substr(x, k, 1) = '(')))
  AND ${notExtensionMember('pg_proc', 'p.oid')}
  AND NOT EXISTS (SELECT 1 FROM pg_depend i
    WHERE i.classid = 'pg_proc'::regclass AND i.objid = p.oid AND i.deptype = 'i')
  AND ${notPlumbline('p.proname')}
  AND (${selected('n.nspname', 'p.proname')}
    OR ${selected('n.nspname', "p.proname || '(' || oidvectortypes(p.proargtypes) || ')'")})`
