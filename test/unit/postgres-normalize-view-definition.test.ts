import { describe, expect, it } from 'vitest'
import { normalizeViewDefinition } from '../../src/dialects/postgres/catalog/normalize-view-definition.js'

/** A range-table entry as `pg_rewrite.ev_action` prints it (only the fields that matter here). */
function entry(options: {
  alias?: string
  eref: string
  rtekind?: number
  relid?: number
  inFromCl?: boolean
  subquery?: string
}): string {
  const alias = options.alias === undefined ? '<>' : `{ALIAS :aliasname ${options.alias} :colnames <>}`
  const rtekind = options.rtekind ?? 0
  const body =
    options.subquery === undefined
      ? `:relid ${options.relid ?? 0} :relkind r`
      : `:subquery ${options.subquery}`
  return `{RANGETBLENTRY :alias ${alias} :eref {ALIAS :aliasname ${options.eref} :colnames ("id" "title")} :rtekind ${rtekind} ${body} :lateral false :inFromCl ${options.inFromCl ?? true} :securityQuals <>}`
}

function query(entries: ReadonlyArray<string>, cteList = '<>'): string {
  const rtable = entries.length === 0 ? '<>' : `(${entries.join(' ')})`
  return `{QUERY :commandType 1 :hasSubLinks false :cteList ${cteList} :rtable ${rtable} :jointree {FROMEXPR :fromlist ({RANGETBLREF :rtindex 1}) :quals <>} :targetList <>}`
}

function tree(entries: ReadonlyArray<string>, cteList = '<>'): string {
  return `(${query(entries, cteList)})`
}

/** PostgreSQL 15 puts `old` and `new` in front of every view query's range table. */
const placeholders = [
  entry({ alias: 'old', eref: 'old', relid: 16759, inFromCl: false }),
  entry({ alias: 'new', eref: 'new', relid: 16759, inFromCl: false }),
]
const names = { '16600': 'goals', '16601': 'users' }

describe('normalizeViewDefinition', () => {
  it('spells a one-table view from PostgreSQL 15 as PostgreSQL 16 and later do', () => {
    const on15 = ` SELECT goals.id,\n    goals.title\n   FROM public.goals\n  WHERE (goals.status <> 'completed'::text)\n  ORDER BY goals.created_at`
    const on18 = ` SELECT id,\n    title\n   FROM public.goals\n  WHERE (status <> 'completed'::text)\n  ORDER BY created_at`
    const goals = entry({ eref: 'goals', relid: 16600 })
    expect(normalizeViewDefinition(on15, tree([...placeholders, goals]), names)).toBe(on18)
    expect(normalizeViewDefinition(on18, tree([goals]), names)).toBe(on18)
  })

  it('does not count the GROUP BY entry of PostgreSQL 18', () => {
    const on15 = ' SELECT goals.user_id,\n    count(*) AS n\n   FROM public.goals\n  GROUP BY goals.user_id'
    const group = entry({ eref: '*GROUP*', rtekind: 9, inFromCl: false })
    expect(normalizeViewDefinition(on15, tree([entry({ eref: 'goals', relid: 16600 }), group]), names)).toBe(
      ' SELECT user_id,\n    count(*) AS n\n   FROM public.goals\n  GROUP BY user_id',
    )
  })

  it('leaves a view that reads two entries as it is', () => {
    const sql = ' SELECT g.id,\n    u.email\n   FROM public.goals g,\n    public.users u'
    const entries = [
      entry({ alias: 'g', eref: 'g', relid: 16600 }),
      entry({ alias: 'u', eref: 'u', relid: 16601 }),
    ]
    expect(normalizeViewDefinition(sql, tree([...placeholders, ...entries]), names)).toBe(sql)
  })

  it('uses the alias, and keeps qualified references inside sub-queries, literals and whole-row references', () => {
    const on15 = [
      ' SELECT g.id,',
      "    'g.id is not a column'::text AS note,",
      '    row_to_json(g.*) AS j,',
      '    ( SELECT count(*) AS count',
      '           FROM public.diary_entry d',
      '          WHERE (d.user_id = g.user_id)) AS entries',
      '   FROM public.goals g',
    ].join('\n')
    const expected = on15.replace(' SELECT g.id,', ' SELECT id,')
    const goals = entry({ alias: 'g', eref: 'g', relid: 16600 })
    expect(normalizeViewDefinition(on15, tree([...placeholders, goals]), names)).toBe(expected)
  })

  it('names a table without alias as it is called now, not as it was when the view was made', () => {
    const on15 = ' SELECT goals.id\n   FROM public.goals'
    const renamedSince = entry({ eref: 'old_goals', relid: 16600 })
    expect(normalizeViewDefinition(on15, tree([...placeholders, renamedSince]), names)).toBe(
      ' SELECT id\n   FROM public.goals',
    )
  })

  it('reads the top-level range table, not the one of a WITH query printed before it', () => {
    const cte = `({COMMONTABLEEXPR :ctename x :ctequery ${query([entry({ eref: 'goals', relid: 16600 }), entry({ eref: 'users', relid: 16601 })])}})`
    const on15 =
      ' WITH x AS (\n         SELECT goals.id\n           FROM public.goals\n        )\n SELECT x.id\n   FROM x'
    const top = entry({ eref: 'x', rtekind: 6 })
    expect(normalizeViewDefinition(on15, tree([...placeholders, top], cte), names)).toBe(
      ' WITH x AS (\n         SELECT goals.id\n           FROM public.goals\n        )\n SELECT id\n   FROM x',
    )
  })

  it('handles names that need quotes, and escapes in the node tree', () => {
    const on15 = ' SELECT "Goal List".id\n   FROM public.goals "Goal List"'
    const goals = entry({ alias: 'Goal\\ List', eref: 'Goal\\ List', relid: 16600 })
    expect(normalizeViewDefinition(on15, tree([...placeholders, goals]), names)).toBe(
      ' SELECT id\n   FROM public.goals "Goal List"',
    )
  })

  it('looks past sub-queries inside a range-table entry when counting entries', () => {
    const inner = query([entry({ eref: 'goals', relid: 16600 }), entry({ eref: 'users', relid: 16601 })])
    const sub = entry({ alias: 's', eref: 's', rtekind: 1, subquery: inner })
    const on15 = ' SELECT s.id\n   FROM ( SELECT goals.id\n           FROM public.goals, public.users) s'
    expect(normalizeViewDefinition(on15, tree([...placeholders, sub]), names)).toBe(
      ' SELECT id\n   FROM ( SELECT goals.id\n           FROM public.goals, public.users) s',
    )
  })

  it('leaves a view without a FROM as it is', () => {
    expect(normalizeViewDefinition(' SELECT now() AS t', tree([...placeholders]), names)).toBe(
      ' SELECT now() AS t',
    )
  })
})
