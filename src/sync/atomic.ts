/**
 * An atomic value: a store happens-before the loads that see it (release/acquire). Read-
 * modify-write operations (swap, compareAndSwap, add) acquire and release, continuing the
 * release sequence; a plain store replaces it, as in TSan.
 */
import { neverTracked } from '../runtime/track.js'
import { Edge } from '../runtime/edge.js'

/**
 * A value shared by workers with atomic operations.
 *
 * @example
 * const config = new Atomic(loadConfig())
 * config.store(Object.freeze(next))   // publish a whole new object at once
 * const current = config.load()
 */
export class Atomic<T> {
  static {
    neverTracked(this)
  }

  private value: T
  private readonly edge = new Edge()

  constructor(initial: T) {
    this.value = initial
  }

  /** The current value. */
  load(): T {
    this.edge.acquire()
    return this.value
  }

  /** Replace the value. */
  store(value: T): void {
    this.edge.releaseOnly()
    this.value = value
  }

  /** Replace the value; returns the old one. */
  swap(value: T): T {
    this.edge.acquire()
    const old = this.value
    this.edge.release()
    this.value = value
    return old
  }

  /** If the value is `expected` (Object.is), replace it with `value`; returns whether it did. */
  compareAndSwap(expected: T, value: T): boolean {
    this.edge.acquire()
    if (!Object.is(this.value, expected)) return false
    this.edge.release()
    this.value = value
    return true
  }

  /** Add `delta` to a numeric value; returns the new value. */
  add(this: Atomic<number>, delta: number): number {
    if (typeof this.value !== 'number' || typeof delta !== 'number') {
      throw new TypeError(`vitest-race: Atomic.add(delta) needs a number value and a number delta, got ${typeof this.value} and ${typeof delta}`)
    }
    this.edge.acquire()
    this.edge.release()
    this.value += delta
    return this.value
  }
}
