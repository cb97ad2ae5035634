import { describe, expect, it } from 'vitest'
import { cli } from '../support/run-cli.js'

describe('cli: demo', () => {
  it('reproduces the incidents and ends healthy and consistent, every command exiting as it must', async () => {
    const run = await cli(['demo'])
    // The one error is the one the story shows: up refusing, before any change, on a partial database.
    expect([...run.stderr.matchAll(/^error\[(\w+)\]/gm)].map((m) => m[1])).toEqual(['STATE_NEEDS_RECOVERY'])
    expect(run.stdout).toContain('points-log-matches-daily-stats')
    expect(run.stdout).toMatch(/11 objects missing/)
    expect(run.stdout).toMatch(/healthy:/)
    expect(run.code).toBe(0)
  }, 120_000)

  it('has an example in its help', async () => {
    const run = await cli(['demo', '--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/Examples:\n {2}\$ plumbline demo/)
  })
})
