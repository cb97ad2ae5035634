import type { AppliedRevision } from '../../execute/apply-revision.js'
import type { ColorFns } from '../output.js'
import { duration, plural } from './format.js'
import { alignColumns } from './table.js'

/**
 * What `up` or `down` ran, one line per revision, then a total: `applied 3 migrations in 41 ms`.
 * `verb` is the past tense for the summary (`applied`, `reverted`).
 */
export function renderApplied(applied: ReadonlyArray<AppliedRevision>, verb: string, c: ColorFns): string[] {
  const ran = applied.filter((a) => a.status !== 'skipped')
  const rows = applied.map((a) => [
    a.status === 'skipped' ? c.yellow('-') : c.green('✓'),
    a.revision,
    c.dim(duration(a.ms)),
    c.dim(a.status === 'skipped' ? 'already applied by another process' : plural(a.statements, 'statement')),
  ])
  const total = applied.reduce((sum, a) => sum + a.ms, 0)
  return [...alignColumns(rows, '  '), `${verb} ${plural(ran.length, 'migration')} in ${duration(total)}`]
}
