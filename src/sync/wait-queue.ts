/**
 * Waiting inside a primitive. A waiting worker is blocked in the scheduler's view; once
 * woken it is pending, and the scheduler decides when it goes on. Outside a concurrentTest
 * it is a plain FIFO of promises.
 */
import { currentContext } from '../runtime/context.js'

interface Waiter {
  wake: () => void
  woken: boolean
}

export class WaitQueue {
  private readonly waiters: Waiter[] = []

  /** How many are waiting. */
  get length(): number {
    return this.waiters.length
  }

  /**
   * Wait until woken. If the worker is cancelled after it was woken, `abandon` runs, so that
   * what was handed to it (a mutex, a permit) passes on.
   */
  async wait(label: string, abandon?: () => void): Promise<void> {
    const ctx = currentContext()
    const waiter: Waiter = { wake: () => {}, woken: false }
    if (ctx === undefined) {
      await new Promise<void>((resolve) => {
        waiter.wake = resolve
        this.waiters.push(waiter)
      })
      return
    }
    const blocked = ctx.run.scheduler.block(ctx.worker, label)
    waiter.wake = blocked.wake
    this.waiters.push(waiter)
    try {
      await blocked.gate
    } catch (e) {
      if (waiter.woken) abandon?.()
      else this.waiters.splice(this.waiters.indexOf(waiter), 1)
      throw e
    }
  }

  /** Wake the longest waiter; false if none waits. */
  wakeOne(): boolean {
    const w = this.waiters.shift()
    if (w === undefined) return false
    w.woken = true
    w.wake()
    return true
  }

  /** Wake every waiter. */
  wakeAll(): void {
    while (this.wakeOne());
  }
}
