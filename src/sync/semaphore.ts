/** A counting semaphore. A release → a later acquire is a happens-before edge. */
import { neverTracked } from '../runtime/track.js'
import { Edge } from '../runtime/edge.js'
import { whileHeld } from './held.js'
import { WaitQueue } from './wait-queue.js'

/**
 * A semaphore with `n` permits.
 *
 * @example
 * const pool = new Semaphore(2)
 * await pool.runExclusive(() => fetchPage(url))
 */
export class Semaphore {
  static {
    neverTracked(this)
  }

  private permits: number
  private readonly queue = new WaitQueue()
  private readonly edge = new Edge()

  constructor(readonly capacity: number) {
    if (typeof capacity !== 'number' || !Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`vitest-race: new Semaphore(n): n = ${String(capacity)} is not valid: expected an integer ≥ 1`)
    }
    this.permits = capacity
  }

  /** Permits free now. */
  get available(): number {
    return this.permits
  }

  /** Wait for a permit and take it. */
  async acquire(): Promise<void> {
    if (this.permits > 0) this.permits--
    // A released permit is handed to the waiter directly.
    else await this.queue.wait('Semaphore.acquire()', () => this.handOver())
    this.edge.acquire()
  }

  /** Give a permit back. */
  release(): void {
    if (this.permits + 1 > this.capacity) throw new Error('vitest-race: Semaphore.release() called more times than acquire()')
    this.edge.release()
    this.handOver()
  }

  /** Run `fn` holding a permit; it is given back however `fn` ends. */
  runExclusive<T>(fn: () => T | Promise<T>): Promise<Awaited<T>> {
    return whileHeld('Semaphore.runExclusive', fn, () => this.acquire(), () => this.release())
  }

  private handOver(): void {
    if (!this.queue.wakeOne()) this.permits++
  }
}
