import type { Connection, Dialect } from '../dialects/dialect.js'
import type { History } from '../history/history-model.js'
import type { IntegrityConfig } from '../integrity/integrity-config.js'
import type { Migration } from '../source/migration.js'
import type { Actor } from './actor.js'
import type { RunOptions } from './run-migration.js'

/** A step's progress, for a terminal or a log. */
export type ProgressEvent =
  | {
      readonly kind: 'step-start'
      readonly index: number
      readonly total: number
      readonly action: string
      readonly revision?: string
    }
  | { readonly kind: 'statement'; readonly revision: string; readonly done: number; readonly total: number }
  | {
      readonly kind: 'step-end'
      readonly index: number
      readonly total: number
      readonly status: StepStatus
      readonly ms: number
    }

/** How one step ended. */
export type StepStatus = 'done' | 'skipped' | 'failed'

/** What the executor works with: one connection (holding the migration lock), the history, who runs it. */
export interface ExecutionContext {
  readonly conn: Connection
  readonly dialect: Dialect
  readonly history: History
  readonly migrations: ReadonlyArray<Migration>
  readonly actor: Actor
  /** The clock, passed in so tests and replays can fix it. */
  readonly now: () => Date
  /** plumbline's version, recorded on every row. */
  readonly version: string
  /** Loading and running code migrations. */
  readonly code?: Pick<RunOptions, 'loadCode' | 'codeContext'>
  readonly onProgress?: (event: ProgressEvent) => void
  /**
   * Once aborted, a plan stops before its next step: the step under way finishes (and is
   * recorded) first. Ctrl-C in the CLI; an application's shutdown.
   */
  readonly signal?: AbortSignal
  /** The checks migrations may name as their conditions (`-- plumbline:check-after …`). */
  readonly integrity?: IntegrityConfig
}
