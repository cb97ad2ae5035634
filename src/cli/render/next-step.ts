import type { Diagnosis, State, Strategy } from '../../state/diagnosis.js'
import { lateMerged } from '../../state/late-merge.js'

/**
 * The command to run next for a state, as a reader would type it; `null` when nothing is to do.
 * With the diagnosis, a database whose only trouble is migrations merged late is pointed at
 * `up --out-of-order`.
 */
export function nextStep(state: State, strategy: Strategy | string, diagnosis?: Diagnosis): string | null {
  if (state === 'healthy') return null
  // Not for a data-only one: whether it ran is for a human to say (its problem gives both ways).
  const late = diagnosis === undefined ? [] : lateMerged(diagnosis)
  if (late.length > 0 && !diagnosis!.problems.some((p) => p.evidence?.schemaNeutral === true))
    return `\`plumbline up --out-of-order --dry-run\` to read the SQL, then \`plumbline up --out-of-order\` (${late.join(', ')} merged late)`
  if (state === 'locked')
    return 'wait for the other process to finish, then `plumbline status` (the holder is shown above)'
  if (strategy === 'manual')
    return '`plumbline diagnose --detailed` for the evidence; a human must decide (docs/recovery.md)'
  // Files edited in whitespace or comments only (an edit that changed what runs is `manual`).
  if (state === 'checksum_mismatch')
    return '`plumbline up` records the new checksum of each edited file and applies what is pending (`plumbline recover --no-migrate` records them alone)'
  if (state === 'fresh' || state === 'pending')
    return '`plumbline up --dry-run` to read the SQL, then `plumbline up`'
  return '`plumbline recover --dry-run` to read the plan, then `plumbline recover`'
}
