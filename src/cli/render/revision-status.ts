import type { RevisionLine, RevisionStatus } from '../../state/diagnosis.js'

/**
 * A revision's status as the live schema shows it, not only as its tracking row claims: a
 * revision recorded `applied` whose objects are (partly) missing is `partial`. The row's own
 * status stays available as `recorded`.
 */
export function observedStatus(line: Pick<RevisionLine, 'status' | 'missingObjects'>): RevisionStatus {
  return line.status === 'applied' && line.missingObjects > 0 ? 'partial' : line.status
}

/** The marker and colour of a status in a `[✓]`-style list. */
export function statusMarker(status: RevisionStatus): { readonly mark: string; readonly tone: Tone } {
  switch (status) {
    case 'applied':
      return { mark: '[✓]', tone: 'good' }
    case 'pending':
    case 'rolled_back':
      return { mark: '[ ]', tone: 'quiet' }
    case 'partial':
      return { mark: '[!]', tone: 'warn' }
    case 'running':
      return { mark: '[~]', tone: 'info' }
    case 'failed':
      return { mark: '[✗]', tone: 'bad' }
    case 'missing_file':
      return { mark: '[?]', tone: 'bad' }
  }
}

/** How a piece of output should stand out. */
export type Tone = 'good' | 'quiet' | 'warn' | 'info' | 'bad'
