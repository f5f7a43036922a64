/**
 * What worker modules and threads tests import: `import { ThreadMutex, type ThreadContext } from 'vitest-race/threads'`.
 * Re-exports only; nothing here loads Vitest, so a worker module may import it at run time.
 */
export { ThreadMutex } from './threads/thread-mutex.js'
export { ThreadWaitGroup } from './threads/thread-wait-group.js'
export { ThreadOnce } from './threads/thread-once.js'
export type { SharedObject, SharedShape, SharedValue, ThreadContext } from './threads/thread-context.js'
export type { SharedTypedArray } from './threads/protocol.js'
export type { ThreadCheck, ThreadCheckContext, ThreadsOptions } from './threads/threads-test.js'
