import type { State, Strategy } from '../../state/diagnosis.js'

/**
 * The command to run next for a state, as a reader would type it; `null` when nothing is to do.
 * `late`: migrations merged late that are all that is wrong (`outOfOrderFix`), which point the
 * reader at `up --out-of-order`.
 */
export function nextStep(
  state: State,
  strategy: Strategy | string,
  late: ReadonlyArray<string> = [],
): string | null {
  if (state === 'healthy') return null
  if (late.length > 0)
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
