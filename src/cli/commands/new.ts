import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, relative } from 'node:path'
import type { Command } from 'commander'
import { PlumblineError } from '../../errors/plumbline-error.js'
import { nextMigrationFile } from '../../source/next-migration-file.js'
import type { CommandContext } from '../context.js'

/** `new <name> [--ts]`: creates the next migration file; no database needed. */
export function registerNew(
  program: Command,
  run: (fn: (ctx: CommandContext) => Promise<number>) => void,
): void {
  program
    .command('new')
    .description('create the next migration file in the migrations folder (created when missing)')
    .argument('<name>', 'what the migration does, in a few words: add_users_timezone')
    .option('--ts', 'a TypeScript migration exporting up(ctx) and down(ctx), instead of SQL')
    .addHelpText(
      'after',
      `
The version follows the folder's style: sequential (0004 after 0003) or a UTC timestamp.
The new SQL file's up section is empty on purpose: until it is written it fails to load,
so it can never be recorded as applied without having done anything.

Examples:
  $ plumbline new add_users_timezone
  $ plumbline new "backfill points" --ts --dir db/migrations`,
    )
    .action((name: string, opts: { ts?: boolean }) => run((ctx) => newCommand(ctx, name, opts)))
}

async function newCommand(ctx: CommandContext, name: string, opts: { ts?: boolean }): Promise<number> {
  const dir = await ctx.migrationsDir()
  const file = await nextMigrationFile(dir, name, { ts: opts.ts === true, now: new Date() })
  await mkdir(dirname(file.path), { recursive: true })
  try {
    // `wx`: never overwrite, even when another `new` raced this one to the same version.
    await writeFile(file.path, file.contents, { flag: 'wx' })
  } catch (error) {
    throw new PlumblineError({
      code: 'FILE_WRITE_FAILED',
      message: `cannot write ${file.path}: ${(error as Error).message}`,
      hint:
        (error as NodeJS.ErrnoException).code === 'EEXIST'
          ? 'the file exists already; run new again'
          : "check the folder's permissions",
      cause: error,
    })
  }
  const shown = relative(ctx.cwd, file.path) || file.path
  if (ctx.out.json) ctx.out.document({ path: file.path, id: file.id, version: file.version })
  else {
    ctx.out.result(shown.startsWith('..') ? file.path : shown)
    ctx.out.log(
      ctx.out.color.dim(
        `created migration ${file.id}; write its up ${opts.ts === true ? 'function' : 'section'}, then \`plumbline up --dry-run\``,
      ),
    )
  }
  return 0
}
