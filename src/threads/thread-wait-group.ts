/**
 * ThreadWaitGroup: Go's sync.WaitGroup for worker threads. Every `done` happens-before the
 * `wait` that returns because the counter reached zero.
 */
import { A } from './atomics-originals.js'
import { Ev, Wait, type PrimitiveKind } from './protocol.js'
import { ThreadPrimitive } from './thread-primitive.js'

/**
 * Waits for a number of tasks to finish, across threads.
 *
 * @example
 * shared: () => ({ parts: new Int32Array(4), wg: new ThreadWaitGroup(4) })
 * // in the worker module: every thread fills its part, thread 0 waits for all of them
 * shared.parts[index] = index + 1
 * shared.wg.done()
 * if (index === 0) { shared.wg.wait(); sum(shared.parts) }
 */
export class ThreadWaitGroup extends ThreadPrimitive {
  /** @internal */
  static readonly KIND: PrimitiveKind = 'wait-group'

  /** @param count  the counter's start value (Go: `wg.Add(count)` before starting the threads) */
  constructor(count = 0) {
    super('wait-group', 1)
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`vitest-race: new ThreadWaitGroup(count): count = ${String(count)} is not valid: expected an integer >= 0`)
    this.words[0] = count
  }

  /** Adds `delta` (may be negative) to the counter; throws if it goes below zero. */
  add(delta = 1): void {
    if (!Number.isInteger(delta)) throw new RangeError(`vitest-race: ThreadWaitGroup.add(delta): delta = ${String(delta)} is not valid: expected an integer`)
    if (delta < 0) this.log()?.sync(Ev.RELEASE, this.id)
    const now = A.add(this.words, 0, delta) + delta
    if (now < 0) {
      A.sub(this.words, 0, delta)
      throw new Error('vitest-race: ThreadWaitGroup: negative counter')
    }
    if (now === 0) A.notify(this.words, 0)
  }

  /** One task finished: `add(-1)`. */
  done(): void {
    this.add(-1)
  }

  /** Blocks the thread until the counter is zero. */
  wait(): void {
    if (A.load(this.words, 0) !== 0) {
      const mark = this.blocked(Wait.WAIT_GROUP)
      try {
        for (;;) {
          const c = A.load(this.words, 0)
          if (c === 0) break
          if (A.wait(this.words, 0, c, 50) === 'timed-out') mark.tick()
        }
      } finally {
        mark.end()
      }
    }
    this.log()?.sync(Ev.ACQUIRE, this.id)
  }
}
