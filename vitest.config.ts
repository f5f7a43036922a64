import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/fixtures/**', '**/node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    // One test file per core (Vitest's default leaves a core free): most of the suite's time is
    // spent in child Vitest runs that the test's own worker only waits for.
    maxWorkers: availableParallelism(),
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
