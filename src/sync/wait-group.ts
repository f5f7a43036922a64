/** Go's sync.WaitGroup: every `done` happens-before `wait` returning. */
import { neverTracked } from '../runtime/track.js'
import { Edge } from '../runtime/edge.js'
import { WaitQueue } from './wait-queue.js'

/**
 * Waits for a collection of workers to finish.
 *
 * @example
 * const wg = new WaitGroup()
 * wg.add(3)
 * for (let i = 0; i < 3; i++) spawn(async () => { try { await work(i) } finally { wg.done() } })
 * await wg.wait()
 */
export class WaitGroup {
  static {
    neverTracked(this)
  }

  private count = 0
  private readonly queue = new WaitQueue()
  private readonly edge = new Edge()

  /** The current counter. */
  get counter(): number {
    return this.count
  }

  /** Add `n` (may be negative) to the counter. */
  add(n: number): void {
    if (typeof n !== 'number' || !Number.isInteger(n)) throw new TypeError(`vitest-race: WaitGroup.add(n): n = ${String(n)} is not valid: expected an integer`)
    if (this.count + n < 0) {
      throw new Error(`vitest-race: WaitGroup counter below zero (${this.count} + ${n}): done() called more times than add()`)
    }
    if (n < 0) this.edge.release()
    this.count += n
    if (this.count === 0) this.queue.wakeAll()
  }

  /** One worker is done: `add(-1)`. */
  done(): void {
    this.add(-1)
  }

  /** Wait until the counter is zero. */
  async wait(): Promise<void> {
    while (this.count > 0) await this.queue.wait('WaitGroup.wait()')
    this.edge.acquire()
  }
}
