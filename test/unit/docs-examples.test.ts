import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

/**
 * Every ```ts block of the documents below must compile against the public API, as a module of
 * its own with `import … from 'plumbline'` resolved to src/index.ts. A broken example fails here.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const DOCUMENTS = ['README.md', 'docs/api.md']

interface Example {
  /** Where it is written: `docs/api.md:42` (the line of its first line of code). */
  readonly where: string
  readonly code: string
  /** The virtual file it is compiled as. */
  readonly file: string
}

/** The ```ts and ```typescript blocks of a Markdown text. */
function extractExamples(document: string, text: string): Example[] {
  const found: Example[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i]!)) continue
    const start = i + 1
    let end = start
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++
    const slug = document.replace(/[^a-zA-Z0-9]+/g, '-')
    found.push({
      where: `${document}:${start + 1}`,
      code: lines.slice(start, end).join('\n'),
      // Inside the repository, so package.json's "type": "module" makes it an ES module.
      file: join(ROOT, '.doc-examples', `${slug}-line-${start + 1}.ts`),
    })
    i = end
  }
  return found
}

/** Type-checks examples in one program; returns the diagnostics of each, by `where`. */
function typeCheck(examples: ReadonlyArray<Example>): Map<string, string[]> {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2023,
    lib: ['lib.es2023.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noUncheckedIndexedAccess: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules/@types')],
    paths: { plumbline: [join(ROOT, 'src/index.ts')] },
  }
  const byFile = new Map(examples.map((e) => [e.file, e]))
  const host = ts.createCompilerHost(options)
  const { getSourceFile, fileExists, readFile } = host
  host.fileExists = (f) => byFile.has(f) || fileExists.call(host, f)
  host.readFile = (f) => byFile.get(f)?.code ?? readFile.call(host, f)
  host.getSourceFile = (f, language, ...rest) => {
    const example = byFile.get(f)
    return example
      ? ts.createSourceFile(f, example.code, language, true)
      : getSourceFile.call(host, f, language, ...rest)
  }
  const program = ts.createProgram({ rootNames: [...byFile.keys()], options, host })
  const result = new Map<string, string[]>(examples.map((e) => [e.where, []]))
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const example = d.file ? byFile.get(d.file.fileName) : undefined
    if (example === undefined) continue
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0)
    const [doc, first] = example.where.split(':')
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n')
    result.get(example.where)!.push(`${doc}:${Number(first) + line}: TS${d.code}: ${message}`)
  }
  return result
}

const examples = DOCUMENTS.flatMap((d) => extractExamples(d, readFileSync(join(ROOT, d), 'utf8')))
const broken: Example[] = [
  {
    where: 'broken:1',
    code: "import { ensureHealthy } from 'plumbline'\nawait ensureHealthy({ url: 42, dir: './migrations' })",
    file: join(ROOT, '.doc-examples', 'broken-argument.ts'),
  },
  {
    where: 'broken:2',
    code: "import { migrateEverything } from 'plumbline'\nawait migrateEverything()",
    file: join(ROOT, '.doc-examples', 'broken-import.ts'),
  },
]
const diagnostics = typeCheck([...examples, ...broken])

describe('TypeScript examples in the documentation', () => {
  it('finds examples in every document', () => {
    for (const document of DOCUMENTS) {
      expect(examples.filter((e) => e.where.startsWith(`${document}:`)).length).toBeGreaterThan(0)
    }
  })

  it('every example type-checks against the public API', () => {
    const errors = examples.flatMap((e) => diagnostics.get(e.where)!)
    expect(errors).toEqual([])
  })

  it('a broken example does not type-check, for the reason it is broken', () => {
    // A wrong argument type, and a name the package does not export: 'plumbline' itself resolves.
    expect(diagnostics.get('broken:1')!.join('\n')).toMatch(
      /TS2322: Type 'number' is not assignable to type 'string'/,
    )
    expect(diagnostics.get('broken:2')!.join('\n')).toMatch(
      /TS2305: Module '"plumbline"' has no exported member 'migrateEverything'/,
    )
  })
})
