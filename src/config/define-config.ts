import type { BackfillsConfig } from '../integrity/backfill-spec.js'
import type { ChecksConfig } from '../integrity/check-spec.js'

/**
 * The shape of `plumbline.config.{ts,mts,js,mjs,json}`. Every field is optional; command-line
 * options win over it, and it wins over the environment (contract §1).
 */
export interface PlumblineConfig {
  /** Database URL; `--url` overrides it, and it overrides `PLUMBLINE_URL` and `DATABASE_URL`. */
  readonly url?: string
  /** Migrations folder, relative to the config file; default `./migrations`. */
  readonly dir?: string
  /** Data-integrity checks by name (contract §9). */
  readonly checks?: ChecksConfig
  /** Batched, resumable repairs by name (contract §9). */
  readonly backfills?: BackfillsConfig
}

/**
 * Gives a config file its types; returns its argument unchanged.
 *
 * @example
 * // plumbline.config.ts
 * import { defineConfig } from 'plumbline'
 * export default defineConfig({ url: process.env.DATABASE_URL, dir: './migrations' })
 */
export function defineConfig<const T extends PlumblineConfig>(config: T): T {
  return config
}
