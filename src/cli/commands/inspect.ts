import type { Command } from 'commander'
import { open } from '../../dialects/registry.js'
import { fingerprint } from '../../schema/fingerprint.js'
import { describeObject, type Schema, type SchemaObject } from '../../schema/model.js'
import type { CommandContext } from '../context.js'

/** `inspect [--json] [--fingerprint]`: the live schema as plumbline models it (contract §8). */
export function registerInspect(
  program: Command,
  run: (fn: (ctx: CommandContext) => Promise<number>) => void,
): void {
  program
    .command('inspect')
    .description('print the live schema as plumbline models it, and its fingerprint')
    .option('--fingerprint', 'print only the fingerprint')
    .addHelpText(
      'after',
      `
Examples:
  $ plumbline inspect --url sqlite:app.db
  $ plumbline inspect --url postgres://app@localhost/app --json > schema.json
  $ plumbline inspect --fingerprint`,
    )
    .action((opts: { fingerprint?: boolean }) => run((ctx) => inspectCommand(ctx, opts)))
}

async function inspectCommand(ctx: CommandContext, opts: { fingerprint?: boolean }): Promise<number> {
  const target = await ctx.target()
  const { dialect, conn } = await open(target)
  try {
    const schema = await dialect.introspect(conn)
    const print = fingerprint(schema)
    if (ctx.out.json) {
      ctx.out.document(
        opts.fingerprint
          ? { dialect: schema.dialect, fingerprint: print }
          : { dialect: schema.dialect, fingerprint: print, objects: schema.objects.map(toJson) },
      )
    } else if (opts.fingerprint) ctx.out.result(print)
    else ctx.out.result(renderSchema(schema, print, target.redacted, ctx))
    return 0
  } finally {
    await conn.close()
  }
}

function toJson(object: SchemaObject): Record<string, unknown> {
  return {
    kind: object.kind,
    ...(object.schema === undefined ? {} : { schema: object.schema }),
    name: object.name,
    ...(object.table === undefined ? {} : { table: object.table }),
    definition: object.definition,
    ...(object.details === undefined ? {} : { details: object.details }),
  }
}

/** Objects grouped under their table, other objects by kind: what a reader scans for. */
function renderSchema(schema: Schema, print: string, where: string, ctx: CommandContext): string {
  const c = ctx.out.stdoutColor
  const lines: string[] = [
    `${c.bold(schema.dialect)} ${c.dim(where)}`,
    `${schema.objects.length} objects · fingerprint ${c.cyan(print)}`,
    '',
  ]
  const qualified = (o: Pick<SchemaObject, 'schema' | 'name'>) =>
    o.schema ? `${o.schema}.${o.name}` : o.name
  const children = new Map<string, SchemaObject[]>()
  for (const o of schema.objects) {
    if (o.table === undefined || o.kind === 'table') continue
    const key = o.schema ? `${o.schema}.${o.table}` : o.table
    const list = children.get(key) ?? []
    list.push(o)
    children.set(key, list)
  }
  const shown = new Set<SchemaObject>()
  for (const table of schema.objects.filter((o) => o.kind === 'table')) {
    lines.push(
      `${c.bold('table')} ${c.bold(qualified(table))}${table.definition ? c.dim(`  ${table.definition}`) : ''}`,
    )
    for (const child of children.get(qualified(table)) ?? []) {
      shown.add(child)
      lines.push(
        `  ${c.dim(child.kind.replace(/_/g, ' ').padEnd(12))} ${child.name}  ${c.dim(oneLine(child.definition))}`,
      )
    }
    lines.push('')
  }
  const rest = schema.objects.filter((o) => o.kind !== 'table' && !shown.has(o))
  for (const o of rest)
    lines.push(
      `${c.bold(describeObject(o))}${o.schema ? c.dim(` (${o.schema})`) : ''}  ${c.dim(oneLine(o.definition))}`,
    )
  return lines.join('\n')
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat
}
