import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** The sources transpiled to JavaScript in a temporary folder; `remove()` deletes it. */
export interface CompiledSource {
  /** The folder holding `src/**.js` and a link to the project's `node_modules`. */
  readonly dir: string
  remove(): void
}

function* typescriptFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) yield* typescriptFiles(path)
    else if (name.endsWith('.ts')) yield path
  }
}

/**
 * Transpiles `src/` as the build would emit it (the same settings as the loader the benchmarks
 * run under), so that a child process can measure memory without the TypeScript compiler that
 * the loader keeps in memory: that alone weighs more than what is measured.
 */
export function compileSource(): CompiledSource {
  const dir = mkdtempSync(join(tmpdir(), 'plumbline-bench-build-'))
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.ESNext,
    target: ts.ScriptTarget.ES2023,
    verbatimModuleSyntax: true,
  }
  for (const file of typescriptFiles(join(ROOT, 'src'))) {
    const out = join(dir, relative(ROOT, file)).replace(/\.ts$/, '.js')
    mkdirSync(dirname(out), { recursive: true })
    writeFileSync(
      out,
      ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file }).outputText,
    )
  }
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n')
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
