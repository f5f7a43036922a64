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
import { safeQueueMicrotask, safeSetImmediate, safeSetTimeout } from './builtins.js'
import { outsideWorkers } from './context.js'

/** Chooses the next worker among those waiting at a scheduling point. */
export interface Strategy {
  /**
   * The worker to release, one of `pending` (ascending ids). `last` is the worker released
   * by the previous step, if it is pending again (continuing it is no context switch).
   */
  pick(pending: readonly number[], last: number | undefined): number
}

/** One step of a schedule: which worker went on, and from where. */
export interface ScheduleStep {
  readonly worker: number
  /** The point it waited at: `start`, `pause()`, `scheduled audit()`, `Mutex.lock()`, … */
  readonly after: string
  /** Let go because running workers stayed silent (real I/O, timers), not by a clean pick. */
  readonly forced: boolean
}

/** Thrown into a worker, at its next scheduling point, when its fanOut was cancelled. */
export class WorkerCancelledError extends Error {
  constructor(readonly worker: number) {
    super(`worker ${worker} was cancelled because another worker failed`)
    this.name = 'WorkerCancelledError'
  }
}

/**
 * Every worker waits on a library primitive (or on joining one that does) and nothing left
 * can wake them: Go's `all goroutines are asleep - deadlock!`.
 */
export class DeadlockError extends Error {
  constructor(readonly waiting: readonly WaitingWorker[], describe: (stack: string | undefined) => string) {
    super(
      [
        'vitest-race: all workers are asleep - deadlock!',
        ...waiting.map((w) => `  ${w.worker === 0 ? 'the test body' : `worker ${w.worker}`} waits on ${w.waitingOn} since ${describe(w.since)}`),
      ].join('\n'),
    )
    this.name = 'DeadlockError'
  }
}

/** A worker in a deadlock: what it waits on and where it started waiting. */
export interface WaitingWorker {
  readonly worker: number
  readonly waitingOn: string
  readonly since: string | undefined
}

type Status = 'running' | 'pending' | 'blocked' | 'done'

interface Slot {
  status: Status
  /** The step count when it last became pending (starvation guard). */
  pendingSince: number
  /** What the worker waits for, for diagnostics. */
  waitingOn: string
  /** The stack where it started waiting (blocked workers only). */
  since: string | undefined
  cancelled: boolean
  release: (() => void) | undefined
  fail: ((error: unknown) => void) | undefined
}

/** A gate a blocked worker waits behind until something wakes it and the scheduler lets it go. */
export interface Blocked {
  readonly gate: Promise<void>
  wake(): void
}

/** How the scheduler learns where a wait started and prints it. */
export interface SchedulerOptions {
  readonly strategy: Strategy
  /** The current stack (captured when a worker starts waiting on a primitive). */
  readonly stack: () => string
  /** `file:line:col` of the user frame of a stack. */
  readonly describe: (stack: string | undefined) => string
}

/** Steps a waiting worker may be passed over before it goes next (see `starving`). */
const STARVATION_STEPS = 64

/** How long everyone must stay blocked, after an event-loop turn, before it is a deadlock. */
const DEADLOCK_GRACE_MS = 20

export class Scheduler {
  private readonly slots = new Map<number, Slot>()
  /** The test body (not scheduled) while it waits on workers or a primitive. */
  private main: { waitingOn: string; since: string | undefined; fail: ((e: unknown) => void) | undefined } | undefined
  private dispatchQueued = false
  private watchArmed = false
  private deadlockArmed = false
  private changes = 0
  private readonly strategy: Strategy
  private last: number | undefined
  /** How many steps in a row `last` went on. */
  private streak = 0
  /** Every step so far, in order: the schedule this iteration ran. */
  readonly steps: ScheduleStep[] = []

  constructor(private readonly options: SchedulerOptions) {
    this.strategy = options.strategy
  }

  /** Register a new worker; it is running until it reaches its first point. */
  add(worker: number): void {
    this.slots.set(worker, { status: 'running', pendingSince: 0, waitingOn: '', since: undefined, cancelled: false, release: undefined, fail: undefined })
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
      let fail!: (e: unknown) => void
      const gate = new Promise<void>((resolve, reject) => {
        wake = resolve
        fail = reject
      })
      if (worker !== 0) return { gate, wake }
      const main = { waitingOn: label, since: this.options.stack(), fail }
      this.main = main
      this.changed()
      return {
        gate,
        wake: () => {
          if (this.main === main) this.main = undefined
          this.changed()
          wake()
        },
      }
    }
    const gate = this.wait(slot, 'blocked', label)
    slot.since = this.options.stack()
    return {
      gate,
      wake: () => {
        if (slot.status !== 'blocked') return
        slot.status = 'pending'
        slot.pendingSince = this.steps.length
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
    if (slot === undefined && worker === 0) {
      const main = { waitingOn: label, since: this.options.stack(), fail: undefined }
      this.main = main
      this.changed()
      return () => {
        if (this.main === main) this.main = undefined
      }
    }
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
    slot.pendingSince = this.steps.length
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
    // Run as no worker: releasing a worker must not look like a promise hand-off between workers.
    outsideWorkers(() =>
      safeQueueMicrotask(() => {
        this.dispatchQueued = false
        this.dispatch(false)
      }),
    )
  }

  private dispatch(force: boolean): void {
    const pending: number[] = []
    let running = false
    for (const [worker, slot] of this.slots) {
      if (slot.status === 'pending') pending.push(worker)
      else if (slot.status === 'running') running = true
    }
    if (pending.length === 0) {
      if (!running) this.armDeadlockCheck()
      return
    }
    if (running && !force) {
      this.armWatch()
      return
    }
    pending.sort((a, b) => a - b)
    const chosen = this.starving(pending) ?? this.strategy.pick(pending, this.last !== undefined && pending.includes(this.last) ? this.last : undefined)
    const slot = this.slots.get(chosen)!
    this.steps.push({ worker: chosen, after: slot.waitingOn, forced: running })
    this.streak = chosen === this.last ? this.streak + 1 : 1
    this.last = chosen
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

  /**
   * After the same worker went on STARVATION_STEPS times in a row while others waited (a
   * worker spinning on `pause()` until another acts), the one waiting longest goes next,
   * whatever the strategy says. A pure function of the steps so far: replays stay exact.
   */
  private starving(pending: readonly number[]): number | undefined {
    if (this.streak < STARVATION_STEPS || pending.length < 2) return undefined
    let oldest: number | undefined
    let since = Number.POSITIVE_INFINITY
    for (const w of pending) {
      const s = this.slots.get(w)!.pendingSince
      if (w !== this.last && s < since) {
        since = s
        oldest = w
      }
    }
    return oldest
  }

  /** The workers in a deadlock right now, or undefined: all blocked, none can wake another. */
  private deadlocked(): WaitingWorker[] | undefined {
    if (this.main === undefined) return undefined
    const waiting: WaitingWorker[] = []
    for (const [worker, slot] of this.slots) {
      if (slot.status === 'done') continue
      if (slot.status !== 'blocked') return undefined
      waiting.push({ worker, waitingOn: slot.waitingOn, since: slot.since })
    }
    if (waiting.length === 0) return undefined
    return [{ worker: 0, waitingOn: this.main.waitingOn, since: this.main.since }, ...waiting]
  }

  /**
   * When every worker is blocked and the test body waits too, wait one event-loop turn and a
   * short timer (I/O or a timer may still wake someone); if nothing changed, fail every
   * blocked worker with a DeadlockError instead of hanging until the test timeout.
   */
  private armDeadlockCheck(): void {
    if (this.deadlockArmed || this.deadlocked() === undefined) return
    this.deadlockArmed = true
    const seen = this.changes
    outsideWorkers(() =>
      safeSetImmediate(() =>
        safeSetTimeout(() => {
          this.deadlockArmed = false
          const waiting = this.deadlocked()
          if (this.changes !== seen || waiting === undefined) {
            this.armDeadlockCheck()
            return
          }
          const error = new DeadlockError(waiting, this.options.describe)
          for (const slot of this.slots.values()) {
            if (slot.status === 'blocked' && slot.fail !== undefined) {
              const fail = slot.fail
              slot.status = 'running'
              slot.release = slot.fail = undefined
              fail(error)
            }
          }
          this.main?.fail?.(error)
          this.changes++
        }, DEADLOCK_GRACE_MS),
      ),
    )
  }

  /** Let a pending worker go if the running ones stay silent for a whole event-loop turn. */
  private armWatch(): void {
    if (this.watchArmed) return
    this.watchArmed = true
    const seen = this.changes
    outsideWorkers(() =>
      safeSetImmediate(() => {
        this.watchArmed = false
        this.dispatch(this.changes === seen)
      }),
    )
  }
}
