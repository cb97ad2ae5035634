import {
  type CheckDirective,
  collectMigrationChecks,
  type MigrationChecks,
  parseCheckDirective,
} from '../integrity/migration-conditions.js'
import { CODE_DIRECTIVE, isSectionWord, parseDirective } from './directive.js'
import type { MigrationDirective } from './migration.js'
import { sourceError } from './source-error.js'

/**
 * The directives of a code migration: lines `// plumbline:<word>`, wherever they stand (imports
 * usually come first, and a directive below them must not be silently ignored). Read from the
 * text, so a TypeScript migration's directives are known without loading it.
 *
 * @example
 * parseCodeDirectives('// plumbline:no-transaction\nexport async function up(ctx) {}', '0003_x.ts')
 * // → { directives: ['no-transaction'], checks: { before: [], after: [] } }
 */
export function parseCodeDirectives(
  text: string,
  file: string,
): { readonly directives: ReadonlyArray<MigrationDirective>; readonly checks: MigrationChecks } {
  const directives = new Set<MigrationDirective>()
  const conditions: CheckDirective[] = []
  text.split('\n').forEach((lineText, index) => {
    if (!CODE_DIRECTIVE.test(lineText.trimStart())) return
    const word = parseDirective(lineText, CODE_DIRECTIVE, file, index + 1)
    if (isSectionWord(word)) {
      throw sourceError({
        code: 'MIGRATION_DIRECTIVE_MISPLACED',
        file,
        line: index + 1,
        message: `"// plumbline:${word}" in a code migration`,
        hint: 'a code migration has no sections: export async functions up(ctx) and down(ctx)',
      })
    }
    if (word === 'check') conditions.push(parseCheckDirective(lineText, file, index + 1)!)
    else directives.add(word)
  })
  return Object.freeze({
    directives: Object.freeze([...directives].sort()),
    checks: collectMigrationChecks(conditions),
  })
}
