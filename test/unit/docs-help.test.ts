import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/program.js'

/** Runs the CLI in-process and returns what it printed on stdout. */
async function run(argv: ReadonlyArray<string>): Promise<{ code: number; stdout: string }> {
  let stdout = ''
  const code = await runCli({
    argv,
    cwd: process.cwd(),
    env: {},
    stdout: (s) => {
      stdout += s
    },
    stderr: () => {},
    stdinIsTTY: false,
    stdoutIsTTY: false,
    stderrIsTTY: false,
  })
  return { code, stdout }
}

/** The command names listed under `Commands:` in `plumbline --help`, without `help` itself. */
function registeredCommands(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1]?.split(/\n\s*\n/)[0] ?? ''
  return [...section.matchAll(/^ {2}([a-z][a-z0-9-]*)/gm)].map((m) => m[1]!).filter((c) => c !== 'help')
}

/** The `$ plumbline …` lines of an `Examples:` block. */
function examples(help: string): string[] {
  const block = /^Examples:\n((?: {2}\$ .*\n?)+)/m.exec(help)?.[1] ?? ''
  return block
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('$ '))
}

const top = await run(['--help'])
const commands = registeredCommands(top.stdout)
const commandsDoc = readFileSync(new URL('../../docs/commands.md', import.meta.url), 'utf8')
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')

describe('--help of every command', () => {
  it('lists the commands of the contract, and examples of its own', () => {
    expect(top.code).toBe(0)
    for (const c of ['status', 'diagnose', 'recover', 'up', 'down', 'baseline', 'new', 'inspect', 'check'])
      expect(commands).toContain(c)
    for (const c of ['backfill', 'demo']) expect(commands).toContain(c)
    expect(examples(top.stdout).length).toBeGreaterThan(0)
  })

  for (const command of commands) {
    it(`${command} --help ends with an Examples: block of ${command} command lines`, async () => {
      const { code, stdout } = await run([command, '--help'])
      expect(code).toBe(0)
      const lines = examples(stdout)
      expect(lines.length, `${command} --help has no "Examples:" block`).toBeGreaterThan(0)
      for (const line of lines) expect(line).toContain(`plumbline ${command}`)
    })

    it(`${command} has its own section in docs/commands.md and a row in the README`, () => {
      const heading = new RegExp(`^#{2,3} \`${command}[\` ]`, 'm')
      expect(heading.test(commandsDoc), `docs/commands.md has no "## \`${command}" heading`).toBe(true)
      const row = new RegExp(`^\\| \`${command}[\` ]`, 'm')
      expect(row.test(readme), `README.md's command table has no row for ${command}`).toBe(true)
    })
  }
})
