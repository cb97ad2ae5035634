import type { State, Strategy } from '../../state/diagnosis.js'

/**
 * The exit code a state reports (contract §5): 0 healthy, 3 when its strategy is `manual` (a
 * human decides), otherwise 1 — something to do that plumbline can do (`up`, `recover`).
 */
export function stateExitCode(state: State, strategy: Strategy | string): 0 | 1 | 3 {
  if (state === 'healthy') return 0
  return strategy === 'manual' ? 3 : 1
}
