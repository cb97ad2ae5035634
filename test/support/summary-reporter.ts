import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Reporter, TestModule } from 'vitest/node'

/**
 * Prints the plain closing line `N passed, N failed, N skipped` and, when
 * `PLUMBLINE_TEST_SUMMARY` names a file, writes the counts per target there, so `.ci/run` can
 * fail a run in which any dialect's suites did not run.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    const perTarget: Record<string, { passed: number; failed: number; skipped: number }> = {}
    for (const module of testModules) {
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed++
      for (const test of module.children.allTests()) {
        const state = test.result().state
        const top = topSuiteName(test)
        const target = /^([a-z0-9]+):/.exec(top)?.[1] ?? 'unit'
        perTarget[target] ??= { passed: 0, failed: 0, skipped: 0 }
        const bucket = perTarget[target]
        if (state === 'passed') {
          passed++
          bucket.passed++
        } else if (state === 'failed') {
          failed++
          bucket.failed++
        } else {
          skipped++
          bucket.skipped++
        }
      }
    }
    const file = process.env.PLUMBLINE_TEST_SUMMARY
    if (file) {
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, `${JSON.stringify({ passed, failed, skipped, perTarget }, null, 2)}\n`)
    }
    console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`)
  }
}

function topSuiteName(test: { parent: unknown }): string {
  let node = test.parent as { type?: string; name?: string; parent?: unknown } | undefined
  let name = ''
  while (node && node.type === 'suite') {
    name = node.name ?? name
    node = node.parent as typeof node
  }
  return name
}
