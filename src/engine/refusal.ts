import { PlumblineError } from '../errors/plumbline-error.js'
import type { Diagnosis } from '../state/diagnosis.js'

/**
 * The error a writing command raises when the database is not in a state it may build on: it
 * names the state and its problems, and says whether `recover` can resolve it (exit 1) or a
 * human must decide (exit 3). Nothing has been changed when it is raised.
 */
export function stateRefusal(
  command: string,
  diagnosis: Diagnosis,
  extra: ReadonlyArray<string> = [],
): PlumblineError {
  const manual = diagnosis.strategy === 'manual'
  const problems = diagnosis.problems.filter((p) => p.severity === 'error').map((p) => `  - ${p.message}`)
  return new PlumblineError({
    code: manual ? 'STATE_NEEDS_DECISION' : 'STATE_NEEDS_RECOVERY',
    message: `${command} refused: the database is ${diagnosis.state.replace(/_/g, ' ')}, and nothing was changed${
      problems.length + extra.length > 0 ? `:\n${[...problems, ...extra].join('\n')}` : ''
    }`,
    hint: manual
      ? 'run `plumbline diagnose --detailed` for the evidence; a human must decide (see docs/recovery.md)'
      : `run \`plumbline recover --dry-run\` to see the plan that resolves it (${diagnosis.strategy}), then \`plumbline recover\``,
    details: { state: diagnosis.state, strategy: diagnosis.strategy, problems: diagnosis.problems },
  })
}
