/**
 * ThreadOnce: Go's sync.Once for worker threads. The end of the one call of the function
 * happens-before every `do` returning.
 */
import { A } from './atomics-originals.js'
import { Ev, Wait, type PrimitiveKind } from './protocol.js'
import { ThreadPrimitive } from './thread-primitive.js'

const IDLE = 0
const RUNNING = 1
const DONE = 2

/**
 * Runs a function once across threads; the other callers wait until it has returned.
 *
 * @example
 * shared: () => ({ table: new Int32Array(256), init: new ThreadOnce() })
 * // in the worker module
 * shared.init.do(() => fillTable(shared.table))
 */
export class ThreadOnce extends ThreadPrimitive {
  /** @internal */
  static readonly KIND: PrimitiveKind = 'once'

  constructor() {
    super('once', 1)
  }

  /** Whether the function has run (and returned or thrown). */
  get done(): boolean {
    return A.load(this.words, 0) === DONE
  }

  /**
   * Calls `fn` if no thread has called it yet, else blocks until that call has ended. As in
   * Go, a call that threw counts as done. `fn` must be synchronous.
   */
  do(fn: () => void): void {
    if (A.compareExchange(this.words, 0, IDLE, RUNNING) === IDLE) {
      try {
        const r: unknown = fn()
        if (typeof (r as PromiseLike<unknown> | null)?.then === 'function') {
          throw new TypeError('vitest-race: ThreadOnce.do(fn): fn returned a promise; it must be synchronous (threads block on Atomics.wait)')
        }
      } finally {
        this.log()?.sync(Ev.RELEASE, this.id)
        A.store(this.words, 0, DONE)
        A.notify(this.words, 0)
      }
      return
    }
    if (A.load(this.words, 0) !== DONE) {
      const mark = this.blocked(Wait.ONCE)
      try {
        while (A.load(this.words, 0) !== DONE) {
          if (A.wait(this.words, 0, RUNNING, 50) === 'timed-out') mark.tick()
        }
      } finally {
        mark.end()
      }
    }
    this.log()?.sync(Ev.ACQUIRE, this.id)
  }
}
