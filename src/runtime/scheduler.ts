/**
 * The scheduler owns the scheduling points of one iteration (DESIGN §5): worker starts,
 * `pause()`, `scheduled(fn)` settlements and waits on the library's primitives. When no
 * worker is running (each waits at a point, is blocked or has finished), the strategy
 * picks which pending worker goes next. Work outside its view (real I/O, timers) never
 * deadlocks it: if running workers stay silent for a whole event-loop turn, a pending
 * worker is let go anyway.
 *
 * Releasing a worker settles a promise, but that is never a happens-before edge: the
 * scheduler does not talk to the detector at all.
 */
import { safeQueueMicrotask, safeSetImmediate } from './builtins.js'
import type { Random } from './random.js'

/** Chooses the next worker among those waiting at a scheduling point. */
export interface Strategy {
  /** Index into `pending` (worker ids in ascending order) of the worker to release. */
  pick(pending: readonly number[]): number
}

/** Uniformly random choice from a seeded stream. */
export class RandomStrategy implements Strategy {
  constructor(private readonly random: Random) {}
  pick(pending: readonly number[]): number {
    return this.random.int(pending.length)
  }
}

/** Thrown into a worker, at its next scheduling point, when its fanOut was cancelled. */
export class WorkerCancelledError extends Error {
  constructor(readonly worker: number) {
    super(`worker ${worker} was cancelled because another worker failed`)
    this.name = 'WorkerCancelledError'
  }
}

type Status = 'running' | 'pending' | 'blocked' | 'done'

interface Slot {
  status: Status
  /** What the worker waits for, for diagnostics. */
  waitingOn: string
  cancelled: boolean
  release: (() => void) | undefined
  fail: ((error: unknown) => void) | undefined
}

/** A gate a blocked worker waits behind until something wakes it and the scheduler lets it go. */
export interface Blocked {
  readonly gate: Promise<void>
  wake(): void
}

export class Scheduler {
  private readonly slots = new Map<number, Slot>()
  private dispatchQueued = false
  private watchArmed = false
  private changes = 0

  constructor(private readonly strategy: Strategy) {}

  /** Register a new worker; it is running until it reaches its first point. */
  add(worker: number): void {
    this.slots.set(worker, { status: 'running', waitingOn: '', cancelled: false, release: undefined, fail: undefined })
    this.changed()
  }

  /** `worker` waits at a scheduling point until the strategy picks it. */
  point(worker: number, label: string): Promise<void> {
    const slot = this.slots.get(worker)
    if (slot === undefined) return Promise.resolve()
    if (slot.cancelled) return Promise.reject(new WorkerCancelledError(worker))
    return this.wait(slot, 'pending', label)
  }

  /** `worker` blocks (on a mutex, on joining other workers); `wake()` makes it pending again. */
  block(worker: number, label: string): Blocked {
    const slot = this.slots.get(worker)
    if (slot === undefined) {
      let wake!: () => void
      const gate = new Promise<void>((resolve) => (wake = resolve))
      return { gate, wake }
    }
    const gate = this.wait(slot, 'blocked', label)
    return {
      gate,
      wake: () => {
        if (slot.status !== 'blocked') return
        slot.status = 'pending'
        this.changed()
      },
    }
  }

  /**
   * `worker` waits for something that wakes it by itself (joining other workers): the
   * scheduler does not wait for it meanwhile. The returned function marks it running again.
   */
  waiting(worker: number, label: string): () => void {
    const slot = this.slots.get(worker)
    if (slot === undefined || slot.status !== 'running') return () => {}
    slot.status = 'blocked'
    slot.waitingOn = label
    this.changed()
    return () => {
      if (slot.status !== 'blocked' || slot.release !== undefined) return
      slot.status = 'running'
      slot.waitingOn = ''
      this.changed()
    }
  }

  /** `worker` has finished. */
  finish(worker: number): void {
    const slot = this.slots.get(worker)
    if (slot === undefined) return
    slot.status = 'done'
    this.changed()
  }

  /** Cancel `workers`: those waiting fail now, the others at their next point. */
  cancel(workers: Iterable<number>): void {
    for (const w of workers) {
      const slot = this.slots.get(w)
      if (slot === undefined || slot.status === 'done') continue
      slot.cancelled = true
      if (slot.status === 'pending' || slot.status === 'blocked') {
        slot.status = 'running'
        const fail = slot.fail!
        slot.release = slot.fail = undefined
        fail(new WorkerCancelledError(w))
      }
    }
    this.changed()
  }

  /** Workers not yet finished, with what each waits on. */
  unfinished(): { worker: number; status: Status; waitingOn: string }[] {
    const out: { worker: number; status: Status; waitingOn: string }[] = []
    for (const [worker, slot] of this.slots) if (slot.status !== 'done') out.push({ worker, status: slot.status, waitingOn: slot.waitingOn })
    return out
  }

  private wait(slot: Slot, status: 'pending' | 'blocked', label: string): Promise<void> {
    slot.status = status
    slot.waitingOn = label
    const gate = new Promise<void>((resolve, reject) => {
      slot.release = resolve
      slot.fail = reject
    })
    this.changed()
    return gate
  }

  private changed(): void {
    this.changes++
    if (this.dispatchQueued) return
    this.dispatchQueued = true
    // Deferred to a microtask so that workers started together are all pending before the pick.
    safeQueueMicrotask(() => {
      this.dispatchQueued = false
      this.dispatch(false)
    })
  }

  private dispatch(force: boolean): void {
    const pending: number[] = []
    let running = false
    for (const [worker, slot] of this.slots) {
      if (slot.status === 'pending') pending.push(worker)
      else if (slot.status === 'running') running = true
    }
    if (pending.length === 0) return
    if (running && !force) {
      this.armWatch()
      return
    }
    pending.sort((a, b) => a - b)
    const slot = this.slots.get(pending[this.strategy.pick(pending)]!)!
    slot.status = 'running'
    slot.waitingOn = ''
    const release = slot.release!
    slot.release = slot.fail = undefined
    this.changes++
    release()
    // The released worker may go silent (awaiting something outside the scheduler's view,
    // such as another worker's promise): keep watching while others still wait.
    if (pending.length > 1) this.armWatch()
  }

  /** Let a pending worker go if the running ones stay silent for a whole event-loop turn. */
  private armWatch(): void {
    if (this.watchArmed) return
    this.watchArmed = true
    const seen = this.changes
    safeSetImmediate(() => {
      this.watchArmed = false
      this.dispatch(this.changes === seen)
    })
  }
}
