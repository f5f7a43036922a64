/** The types a worker module and a threads test see (`vitest-race/threads`). */
import type { SharedTypedArray } from './protocol.js'
import type { ThreadMutex } from './thread-mutex.js'
import type { ThreadWaitGroup } from './thread-wait-group.js'
import type { ThreadOnce } from './thread-once.js'

/** What `shared` may hold: integer and float typed arrays (copied into SharedArrayBuffers) and thread primitives. */
export type SharedValue = SharedTypedArray | ThreadMutex | ThreadWaitGroup | ThreadOnce

/** The object `shared` builds, any shape. */
export type SharedObject = Record<string, SharedValue>

/** `S` holds only what `shared` may hold (an interface as well as a type literal). */
export type SharedShape<S> = { [K in keyof S]: SharedValue }

/**
 * What a worker module's default export receives, once in each thread.
 *
 * @example
 * export default function ({ shared, index, threads }: ThreadContext<{ balance: Int32Array }>) {
 *   shared.balance[0] -= 1
 * }
 */
export interface ThreadContext<S extends SharedShape<S>> {
  /** Instrumented views of the shared arrays (reads and writes are recorded) and the primitives. */
  readonly shared: S
  /** This thread's number, 0 ≤ index < threads. */
  readonly index: number
  /** How many threads run the module. */
  readonly threads: number
}
