import { parseConnectionUrl } from '../config/connection-url.js'
import { open } from '../dialects/registry.js'
import type { CheckReport } from '../integrity/check-result.js'
import type { ChecksConfig } from '../integrity/check-spec.js'
import { resolveIntegrityConfig, selectChecks } from '../integrity/integrity-config.js'
import { runChecks } from '../integrity/run-checks.js'

/**
 * Runs declared data-integrity checks (contract §9), each compiled to one SQL statement, all
 * through one consistent snapshot. A check that cannot run reports `error`; it does not throw.
 *
 * @example
 * const report = await check({
 *   url: 'sqlite:app.db',
 *   checks: { 'emails-unique': { unique: { table: 'users', columns: ['email'] } } },
 * })
 * if (report.failed > 0) console.error(report.checks.filter((c) => c.status === 'fail'))
 */
export async function check(options: {
  readonly url: string
  readonly checks: ChecksConfig
  /** Only these checks (default: all). */
  readonly names?: ReadonlyArray<string>
}): Promise<CheckReport> {
  const integrity = resolveIntegrityConfig({ checks: options.checks })
  const selected = selectChecks(integrity, options.names ?? [])
  const { dialect, conn } = await open(parseConnectionUrl(options.url))
  try {
    return await runChecks(conn, dialect, selected)
  } finally {
    await conn.close()
  }
}
