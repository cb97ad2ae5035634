// Module hooks (https://nodejs.org/docs/latest-v20.x/api/module.html#customization-hooks) that
// load `.ts` files through `ts.transpileModule`. Imports written `./x.js` (as NodeNext wants)
// fall back to `./x.ts` when only the source exists.
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const compilerOptions = {
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2023,
  verbatimModuleSyntax: true,
  sourceMap: false,
  inlineSourceMap: true,
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context)
  } catch (error) {
    const fromSource = context.parentURL?.startsWith('file:') && context.parentURL.endsWith('.ts')
    if (fromSource && /^\.{1,2}\//.test(specifier) && specifier.endsWith('.js')) {
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context)
    }
    throw error
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context)
  const fileName = fileURLToPath(url)
  const source = await readFile(fileName, 'utf8')
  const { outputText } = ts.transpileModule(source, { compilerOptions, fileName })
  return { format: 'module', source: outputText, shortCircuit: true }
}
