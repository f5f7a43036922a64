/** What test files import: `import { concurrentTest, Mutex } from 'vitest-race'`. Re-exports only. */
export {
  concurrentTest,
  type CaseTestFunction,
  type ConcurrentBodyWith,
  type ConcurrentFixtures,
  type ConcurrentTestAPI,
  type ConcurrentTestChain,
  type ConcurrentTestFunction,
  type FixtureFunction,
  type FixtureOptions,
  type PropertyTestFunction,
} from './concurrent-test-api.js'
export type { ConcurrentBody } from './runtime/iteration-runner.js'
export type { PropertyBody } from './runtime/concurrent-test.js'
export type { ConcurrentTestOptions, VitestTestOptions } from './runtime/test-options.js'
export type { ConcurrentContext } from './runtime/test-context.js'
export { track } from './runtime/track-anywhere.js'
export { Mutex } from './sync/mutex.js'
export { RWMutex } from './sync/rwmutex.js'
export { Semaphore } from './sync/semaphore.js'
export { WaitGroup } from './sync/wait-group.js'
export { Once } from './sync/once.js'
export { Channel } from './sync/channel.js'
export { Atomic } from './sync/atomic.js'
export { DataRaceError, PreviousAccess } from './report/data-race-error.js'
export type { RaceReport, ReportAccess, ReportWorker } from './report/race-report.js'
export type { Frame } from './report/frames.js'
export { PrivateFieldsError } from './runtime/private-fields.js'
export { WorkerCancelledError } from './runtime/scheduler.js'
export { RaceOptionError, type RaceOptions, type RaceSettings } from './options.js'
