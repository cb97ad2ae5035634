import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Command } from 'commander'
import { type ConnectionTarget, parseConnectionUrl } from '../../config/connection-url.js'
import type { Dialect } from '../../dialects/dialect.js'
import { dialectFor } from '../../dialects/registry.js'
import { loadProject, writeHistoryFile } from '../../engine/project.js'
import { isPlumblineError, PlumblineError } from '../../errors/plumbline-error.js'
import { HISTORY_FILE_NAME, parseHistoryFile, renderHistoryFile } from '../../history/history-file.js'
import { historyFreshness, type StaleReason } from '../../history/history-freshness.js'
import { loadMigrations } from '../../source/load-migrations.js'
import type { CommandContext } from '../context.js'
import { plural } from '../render/format.js'
import { createProgressView } from '../render/progress.js'

/** Why `history --check` fails: the file's own staleness, or what the check found beyond it. */
type CheckFinding =
  | StaleReason
  | { readonly kind: 'missing' }
  | { readonly kind: 'no_dialect' }
  | { readonly kind: 'invalid'; readonly message: string }
  | { readonly kind: 'content' }

/**
 * `history [--check]` — an extension of the contract: builds `plumbline.history.json`, the
 * expected schema after every revision, by replaying the migrations on a shadow database, so a
 * production `diagnose` or an application's start needs no shadow. `--check` is for CI.
 */
export function registerHistory(
  program: Command,
  run: (fn: (ctx: CommandContext) => Promise<number>) => void,
): void {
  program
    .command('history')
    .description(
      'build plumbline.history.json (the expected schema after each migration) on a shadow database',
    )
    .option('--check', 'verify the file matches the migrations; exit 1 when it is stale or was edited')
    .addHelpText(
      'after',
      `
The migrations are replayed on a temporary shadow database (SQLite: in memory; PostgreSQL and
MySQL: a database created on the target's server, or on --shadow-url, and dropped afterwards).
The file holds one history per dialect; commit it beside the migrations. --check compares it
with the migrations' checksums and, when a shadow can be created, with a fresh replay.

Exit codes: 0 written, or up to date · 1 stale, edited, or not built for this dialect (--check) ·
            2 usage, configuration, connection, no shadow database allowed

Examples:
  $ plumbline history --url sqlite:app.db
  $ plumbline history --url postgres://app@localhost/app --shadow-url postgres://admin@localhost/postgres
  $ plumbline history --check --json`,
    )
    .action((opts: { check?: boolean }) => run((ctx) => historyCommand(ctx, opts)))
}

async function historyCommand(ctx: CommandContext, opts: { check?: boolean }): Promise<number> {
  const dir = await ctx.migrationsDir()
  const target = await historyTarget(ctx)
  const dialect = await dialectFor(target.dialect)
  return opts.check ? checkHistory(ctx, dialect, target, dir) : buildHistoryFile(ctx, dialect, target, dir)
}

/** The dialect and server come from the target; `--shadow-url` alone is enough to build. */
async function historyTarget(ctx: CommandContext): Promise<ConnectionTarget> {
  try {
    return await ctx.target()
  } catch (error) {
    const shadow = ctx.shadowUrl()
    if (isPlumblineError(error) && error.code === 'URL_MISSING' && shadow)
      return parseConnectionUrl(shadow, ctx.cwd)
    throw error
  }
}

async function replay(ctx: CommandContext, dialect: Dialect, target: ConnectionTarget, dir: string) {
  const view = createProgressView(ctx.out, { tty: ctx.stderrIsTTY && !ctx.out.json })
  const shadowUrl = ctx.shadowUrl()
  try {
    return await loadProject(dialect, target, {
      dir,
      history: 'build',
      ...(shadowUrl ? { shadowUrl } : {}),
      onReplay: view.onReplay,
    })
  } finally {
    view.stop()
  }
}

async function buildHistoryFile(
  ctx: CommandContext,
  dialect: Dialect,
  target: ConnectionTarget,
  dir: string,
): Promise<number> {
  const project = await replay(ctx, dialect, target, dir)
  const before = await readFile(project.historyPath, 'utf8').catch(() => undefined)
  try {
    await writeHistoryFile(project)
  } catch (error) {
    throw new PlumblineError({
      code: 'FILE_WRITE_FAILED',
      message: `cannot write ${project.historyPath}: ${(error as Error).message}`,
      hint: "check the migrations folder's permissions",
      cause: error,
    })
  }
  const after = await readFile(project.historyPath, 'utf8')
  const changed = before !== after
  const count = project.history.revisions.length
  if (ctx.out.json) {
    ctx.out.document({ path: project.historyPath, dialect: dialect.name, revisions: count, changed })
  } else {
    ctx.out.result(
      `${changed ? 'wrote' : 'unchanged:'} ${project.historyPath} — the expected schemas of ${plural(count, 'migration')} (${dialect.name})`,
    )
    if (changed) ctx.out.log(ctx.out.color.dim('commit it beside the migrations'))
  }
  return 0
}

async function checkHistory(
  ctx: CommandContext,
  dialect: Dialect,
  target: ConnectionTarget,
  dir: string,
): Promise<number> {
  const path = join(dir, HISTORY_FILE_NAME)
  const migrations = await loadMigrations(dir, { dialect: dialect.name, allowEmpty: true })
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined
    throw e
  })
  const findings: CheckFinding[] = []
  let contentChecked = false
  let skipped: string | undefined
  if (text === undefined) findings.push({ kind: 'missing' })
  else {
    let cached: ReturnType<typeof parseHistoryFile>
    try {
      cached = parseHistoryFile(text, dialect.name, path, { verify: 'every' })
    } catch (error) {
      if (!isPlumblineError(error) || error.code !== 'HISTORY_FILE_INVALID') throw error
      findings.push({ kind: 'invalid', message: error.message })
    }
    if (findings.length === 0 && cached === undefined) findings.push({ kind: 'no_dialect' })
    else if (cached)
      findings.push(
        ...historyFreshness(cached, migrations, {
          transactionalDdl: dialect.capabilities.transactionalDdl,
        }).reasons,
      )
    if (findings.length === 0) {
      // The checksums match. A replay also catches expected schemas edited with the digest
      // recomputed, and a file built on a server version that models the schema differently.
      try {
        const built = await replay(ctx, dialect, target, dir)
        contentChecked = true
        if (renderHistoryFile(built.history, text) !== text) findings.push({ kind: 'content' })
      } catch (error) {
        if (!isPlumblineError(error) || error.code !== 'SHADOW_UNAVAILABLE') throw error
        skipped = error.message
      }
    }
  }
  const fresh = findings.length === 0
  if (ctx.out.json) {
    ctx.out.document({
      path,
      dialect: dialect.name,
      fresh,
      contentChecked,
      findings: findings.map((f) => ({ ...f, message: findingText(f, dialect.name) })),
    })
  } else {
    const c = ctx.out.stdoutColor
    if (fresh) {
      ctx.out.result(
        `${c.green('✓')} ${path} matches the ${plural(migrations.length, 'migration')}${contentChecked ? ' and a fresh replay' : ''}`,
      )
      if (skipped) ctx.out.log(c.dim(`not replayed: ${skipped}`))
    } else {
      ctx.out.result(
        [
          `${c.red('✗')} ${path} is stale:`,
          ...findings.map((f) => `  - ${findingText(f, dialect.name)}`),
          `run \`plumbline history\` and commit ${HISTORY_FILE_NAME}`,
        ].join('\n'),
      )
    }
  }
  return fresh ? 0 : 1
}

function findingText(f: CheckFinding, dialect: string): string {
  switch (f.kind) {
    case 'missing':
      return 'the file does not exist'
    case 'no_dialect':
      return `it holds no ${dialect} history`
    case 'invalid':
      return `it was edited by hand: ${f.message}`
    case 'content':
      return 'a fresh replay of the migrations gives other expected schemas than the file holds'
    case 'added':
      return `${f.id} was added after the file was built`
    case 'removed':
      return `${f.id} is in the file but no longer a migration`
    case 'reordered':
      return `${f.id} moved in the order of migrations`
    case 'edited':
      return `${f.id} was edited${f.cosmetic ? ' (whitespace or comments only)' : ''}`
    case 'outdated':
      return `${f.id} runs statement by statement, and the file lacks the effect of each statement (built by an older plumbline)`
  }
}
