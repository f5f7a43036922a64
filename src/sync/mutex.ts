/**
 * A mutual-exclusion lock for async code, shaped after Go's sync.Mutex. Unlock → a later
 * lock is a happens-before edge. A waiter blocks in the scheduler's view, and the scheduler
 * decides when the new holder goes on.
 */
import { neverTracked } from '../runtime/track.js'
import { Edge } from '../runtime/edge.js'
import { whileHeld } from './held.js'
import { WaitQueue } from './wait-queue.js'

/**
 * A mutex for async workers.
 *
 * @example
 * const mu = new Mutex()
 * await mu.runExclusive(async () => {
 *   const balance = svc.balance(id)
 *   await audit()
 *   svc.set(id, balance - amount)
 * })
 */
export class Mutex {
  static {
    neverTracked(this)
  }

  private locked = false
  private readonly queue = new WaitQueue()
  private readonly edge = new Edge()

  /** Whether the mutex is held now. */
  get isLocked(): boolean {
    return this.locked
  }

  /** Wait until the mutex is free, then hold it. */
  async lock(): Promise<void> {
    if (this.locked) {
      // Ownership is handed over directly by unlock(): `locked` stays true.
      await this.queue.wait('Mutex.lock()', () => this.handOver())
    } else {
      this.locked = true
    }
    this.edge.acquire()
  }

  /** Release the mutex; the longest waiter, if any, gets it next. */
  unlock(): void {
    if (!this.locked) throw new Error('vitest-race: Mutex.unlock() called on a Mutex that is not locked')
    this.edge.release()
    this.handOver()
  }

  /** Run `fn` holding the mutex; it is released however `fn` ends. */
  runExclusive<T>(fn: () => T | Promise<T>): Promise<Awaited<T>> {
    return whileHeld('Mutex.runExclusive', fn, () => this.lock(), () => this.unlock())
  }

  private handOver(): void {
    if (!this.queue.wakeOne()) this.locked = false
  }
}
