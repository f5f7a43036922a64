import { availableParallelism } from 'node:os'
import { relative } from 'node:path'
import { defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * The slowest test files, slowest first (measured: each takes minutes, most other files seconds).
 * Started first, they run beside each other and the short files fill the other lanes, instead of
 * one of them starting last and running alone (a fresh clone has no timings for Vitest to sort by).
 */
const SLOWEST = [
  'test/integration/command.test.ts',
  'test/docs/readme.test.ts',
  'test/e2e/example-project.test.ts',
  'test/integration/exploration.test.ts',
  'test/integration/errors.test.ts',
  'test/integration/core.test.ts',
]

class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const rank = (spec: TestSpecification) => {
      const i = SLOWEST.indexOf(relative(spec.project.config.root, spec.moduleId).replaceAll('\\', '/'))
      return i < 0 ? SLOWEST.length : i
    }
    return sorted.map((spec, i) => ({ spec, i })).sort((a, b) => rank(a.spec) - rank(b.spec) || a.i - b.i).map(({ spec }) => spec)
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/fixtures/**', '**/node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    // One test file per core (Vitest's default leaves a core free): most of the suite's time is
    // spent in child Vitest runs that the test's own worker only waits for.
    maxWorkers: availableParallelism(),
    sequence: { sequencer: SlowestFirst },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
