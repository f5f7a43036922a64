/**
 * A mutual-exclusion lock for async code, shaped after Go's sync.Mutex. Unlock → a later
 * lock is a happens-before edge. A waiter blocks in the scheduler's view, and the scheduler
 * decides when the new holder goes on.
 */
import { SyncClock, type Detector } from '../detector/detector.js'
import { currentContext, type WorkerContext } from '../runtime/context.js'
import { UNTRACKED } from '../runtime/track.js'

interface Waiter {
  wake(): void
  handedOver: boolean
}

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
    Object.defineProperty(this.prototype, UNTRACKED, { value: true })
  }

  private locked = false
  private readonly waiters: Waiter[] = []
  // A clock per detector: one Mutex may outlive an iteration, its clock must not.
  private clock: SyncClock | undefined
  private clockOwner: Detector | undefined

  /** Whether the mutex is held now. */
  get isLocked(): boolean {
    return this.locked
  }

  /** Wait until the mutex is free, then hold it. */
  async lock(): Promise<void> {
    const ctx = currentContext()
    if (!this.locked) {
      this.locked = true
      this.acquired(ctx)
      return
    }
    const waiter: Waiter = { wake: () => {}, handedOver: false }
    if (ctx === undefined) {
      await new Promise<void>((resolve) => {
        waiter.wake = resolve
        this.waiters.push(waiter)
      })
    } else {
      const blocked = ctx.run.scheduler.block(ctx.worker, 'Mutex.lock()')
      waiter.wake = blocked.wake
      this.waiters.push(waiter)
      try {
        await blocked.gate
      } catch (e) {
        // Cancelled while waiting: give up our place, or pass on a mutex already handed to us.
        if (waiter.handedOver) this.handOver()
        else this.waiters.splice(this.waiters.indexOf(waiter), 1)
        throw e
      }
    }
    this.acquired(ctx)
  }

  /** Release the mutex; the longest waiter, if any, gets it next. */
  unlock(): void {
    if (!this.locked) throw new Error('vitest-race: Mutex.unlock() called on a Mutex that is not locked')
    const ctx = currentContext()
    const d = ctx?.run.detector
    if (d !== undefined) d.release(ctx!.worker, this.clockFor(d))
    this.handOver()
  }

  /** Run `fn` holding the mutex; it is released however `fn` ends. */
  async runExclusive<T>(fn: () => T | Promise<T>): Promise<Awaited<T>> {
    if (typeof fn !== 'function') throw new TypeError(`vitest-race: Mutex.runExclusive(fn): fn must be a function, got ${typeof fn}`)
    await this.lock()
    try {
      return await fn()
    } finally {
      this.unlock()
    }
  }

  private handOver(): void {
    const next = this.waiters.shift()
    if (next === undefined) {
      this.locked = false
      return
    }
    next.handedOver = true // still locked: ownership passes directly
    next.wake()
  }

  private acquired(ctx: WorkerContext | undefined): void {
    const d = ctx?.run.detector
    if (d !== undefined) d.acquire(ctx!.worker, this.clockFor(d))
  }

  private clockFor(d: Detector): SyncClock {
    if (this.clockOwner !== d || this.clock === undefined) {
      this.clock = new SyncClock()
      this.clockOwner = d
    }
    return this.clock
  }
}
