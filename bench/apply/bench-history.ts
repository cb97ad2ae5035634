import { type GeneratedMigration, generateHistory } from '../history/generate-history.js'
import { generateMysqlHistory } from '../history/generate-mysql-history.js'
import type { BenchDialect } from './fresh-database.js'

/** The migrations a benchmark applies, and how the report names them. */
export interface BenchHistory {
  readonly migrations: ReadonlyArray<GeneratedMigration>
  readonly description: string
}

/**
 * The generated history of `bench/history` for a dialect: one logical history (the same seed,
 * the same migration ids) rendered for each.
 */
export function benchHistory(dialect: BenchDialect, count: number, seed: number): BenchHistory {
  return {
    migrations:
      dialect === 'mysql'
        ? generateMysqlHistory({ migrations: count, seed })
        : generateHistory({ dialect, migrations: count, seed }),
    description: `generated, ${count} migrations, seed ${seed}${dialect === 'mysql' ? ' (MySQL rendering)' : ''}`,
  }
}
