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
import { arraySplice, SafePromise, safePromiseReject, safePromiseResolve, safeQueueMicrotask, safeSetImmediate, safeSetTimeout, safeThen } from './builtins.js'
import { outsideWorkers } from './context.js'

/** Chooses the next worker among those waiting at a scheduling point. */
export interface Strategy {
  /**
   * The worker to release, one of `pending` (ascending ids). `last` is the worker released
   * by the previous step, if it is pending again (continuing it is no context switch).
   */
  pick(pending: readonly number[], last: number | undefined): number
  /** `worker` became pending (before any pick that may take it): a strategy that keeps its own order of the pending workers learns it here. */
  becamePending?(worker: number): void
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
  readonly worker: number
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

/** Steps between two dispatches that let the event loop run (timers, I/O, the test timeout). */
const YIELD_STEPS = 512

/** How long everyone must stay blocked, after an event-loop turn, before it is a deadlock. */
const DEADLOCK_GRACE_MS = 20

/**
 * Cost per step is O(log n) in the number of workers plus the strategy's pick: the scheduler
 * keeps counts per status and the pending workers as a sorted array (inserted and removed by
 * binary search), never scanning every slot on a dispatch. With 10,000 workers a scan per step
 * made an iteration quadratic (bench/workers-scaling.mjs).
 */
export class Scheduler {
  /** By worker id (ids are small and dense); undefined for ids it never saw. */
  private readonly slots: (Slot | undefined)[] = []
  /** The pending workers, ascending ids: what the strategy picks from. */
  private readonly pending: number[] = []
  private running = 0
  private blocked = 0
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
  /** Bound once: a microtask or immediate callback holds the scheduler only while it is queued. */
  private readonly onMicrotask = (): void => {
    this.dispatchQueued = false
    this.dispatch(false)
  }
  private readonly onWatch = (): void => {
    this.watchArmed = false
    this.dispatch(this.changes === this.watchSeen)
  }
  private watchSeen = 0
  /** The step count when a dispatch last went through the event loop. */
  private yieldedAt = 0

  constructor(private readonly options: SchedulerOptions) {
    this.strategy = options.strategy
  }

  /** Register a new worker; it is running until it reaches its first point. */
  add(worker: number): void {
    const slot: Slot = { worker, status: 'running', pendingSince: 0, waitingOn: '', since: undefined, cancelled: false, release: undefined, fail: undefined }
    this.slots[worker] = slot
    this.running++
    this.changed()
  }

  /** `worker` waits at a scheduling point until the strategy picks it. */
  point(worker: number, label: string): Promise<void> {
    const slot = this.slots[worker]
    if (slot === undefined) return safePromiseResolve()
    if (slot.cancelled) return safePromiseReject(new WorkerCancelledError(worker))
    return this.wait(slot, 'pending', label)
  }

  /** `worker` blocks (on a mutex, on joining other workers); `wake()` makes it pending again. */
  block(worker: number, label: string): Blocked {
    const slot = this.slots[worker]
    if (slot === undefined) {
      const { promise: gate, resolve: wake, reject: fail } = deferred()
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
    // A cancelled worker fails at its next wait, a primitive's included.
    if (slot.cancelled) {
      const gate = safePromiseReject(new WorkerCancelledError(worker))
      safeThen(gate, undefined, () => undefined)
      return { gate, wake: () => {} }
    }
    const gate = this.wait(slot, 'blocked', label)
    slot.since = this.options.stack()
    return {
      gate,
      wake: () => {
        if (slot.status !== 'blocked') return
        this.setStatus(slot, 'pending')
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
    const slot = this.slots[worker]
    if (slot === undefined && worker === 0) {
      const main = { waitingOn: label, since: this.options.stack(), fail: undefined }
      this.main = main
      this.changed()
      return () => {
        if (this.main === main) this.main = undefined
      }
    }
    if (slot === undefined || slot.status !== 'running') return () => {}
    this.setStatus(slot, 'blocked')
    slot.waitingOn = label
    this.changed()
    return () => {
      if (slot.status !== 'blocked' || slot.release !== undefined) return
      this.setStatus(slot, 'running')
      slot.waitingOn = ''
      this.changed()
    }
  }

  /** `worker` has finished. */
  finish(worker: number): void {
    const slot = this.slots[worker]
    if (slot === undefined) return
    this.setStatus(slot, 'done')
    slot.release = slot.fail = undefined
    this.changed()
  }

  /** Cancel `workers`: those waiting fail now, the others at their next point. */
  cancel(workers: readonly number[]): void {
    for (let i = 0; i < workers.length; i++) {
      const w = workers[i]!
      const slot = this.slots[w]
      if (slot === undefined || slot.status === 'done') continue
      slot.cancelled = true
      if (slot.status === 'pending' || slot.status === 'blocked') {
        this.setStatus(slot, 'running')
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
    for (let w = 0; w < this.slots.length; w++) {
      const slot = this.slots[w]
      if (slot !== undefined && slot.status !== 'done') out[out.length] = { worker: w, status: slot.status, waitingOn: slot.waitingOn }
    }
    return out
  }

  /** Moves `slot` to `status`, keeping the counts and the pending list. */
  private setStatus(slot: Slot, status: Status): void {
    const from = slot.status
    if (from === status) return
    if (from === 'running') this.running--
    else if (from === 'blocked') this.blocked--
    else if (from === 'pending') removeSorted(this.pending, slot.worker)
    if (status === 'running') this.running++
    else if (status === 'blocked') this.blocked++
    else if (status === 'pending') {
      insertSorted(this.pending, slot.worker)
      this.strategy.becamePending?.(slot.worker)
    }
    slot.status = status
  }

  private wait(slot: Slot, status: 'pending' | 'blocked', label: string): Promise<void> {
    const waiting = slot.release
    if (waiting !== undefined && slot.status === status) {
      // A second flow of the same worker reached a point while the first one waits (a
      // worker's own `Promise.all` over instrumented awaits): both go on when the worker does.
      const { promise, resolve, reject } = deferred()
      const failing = slot.fail
      slot.release = () => {
        waiting()
        resolve()
      }
      slot.fail = (e: unknown) => {
        failing?.(e)
        reject(e)
      }
      return promise
    }
    this.setStatus(slot, status)
    slot.pendingSince = this.steps.length
    slot.waitingOn = label
    const { promise, resolve, reject } = deferred()
    slot.release = resolve
    slot.fail = reject
    this.changed()
    return promise
  }

  private changed(): void {
    this.changes++
    if (this.dispatchQueued) return
    this.dispatchQueued = true
    // Deferred to a microtask so that workers started together are all pending before the pick.
    // Run as no worker: releasing a worker must not look like a promise hand-off between workers.
    // Every YIELD_STEPS steps, to an immediate instead: an iteration made only of promise
    // reactions would otherwise never let the event loop run, and Vitest's test timeout (a
    // timer) could not fire until it ended. A step count, not a clock: replays stay exact.
    if (this.steps.length - this.yieldedAt >= YIELD_STEPS) {
      this.yieldedAt = this.steps.length
      outsideWorkers(() => safeSetImmediate(this.onMicrotask))
    } else {
      outsideWorkers(() => safeQueueMicrotask(this.onMicrotask))
    }
  }

  private dispatch(force: boolean): void {
    const pending = this.pending
    const running = this.running > 0
    if (pending.length === 0) {
      if (!running) this.armDeadlockCheck()
      return
    }
    if (running && !force) {
      this.armWatch()
      return
    }
    const last = this.last !== undefined && this.slots[this.last]?.status === 'pending' ? this.last : undefined
    const chosen = this.starving(pending) ?? this.strategy.pick(pending, last)
    const slot = this.slots[chosen]!
    const steps = this.steps
    steps[steps.length] = { worker: chosen, after: slot.waitingOn, forced: running }
    this.streak = chosen === this.last ? this.streak + 1 : 1
    this.last = chosen
    const others = pending.length > 1
    this.setStatus(slot, 'running')
    slot.waitingOn = ''
    const release = slot.release!
    slot.release = slot.fail = undefined
    this.changes++
    release()
    // The released worker may go silent (awaiting something outside the scheduler's view,
    // such as another worker's promise): keep watching while others still wait.
    if (others) this.armWatch()
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
    for (let i = 0; i < pending.length; i++) {
      const w = pending[i]!
      const s = this.slots[w]!.pendingSince
      if (w !== this.last && s < since) {
        since = s
        oldest = w
      }
    }
    return oldest
  }

  /** The workers in a deadlock right now, or undefined: all blocked, none can wake another. */
  private deadlocked(): WaitingWorker[] | undefined {
    if (this.main === undefined || this.running > 0 || this.pending.length > 0 || this.blocked === 0) return undefined
    const waiting: WaitingWorker[] = [{ worker: 0, waitingOn: this.main.waitingOn, since: this.main.since }]
    for (let w = 0; w < this.slots.length; w++) {
      const slot = this.slots[w]
      if (slot !== undefined && slot.status === 'blocked') waiting[waiting.length] = { worker: w, waitingOn: slot.waitingOn, since: slot.since }
    }
    return waiting
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
          for (let w = 0; w < this.slots.length; w++) {
            const slot = this.slots[w]
            if (slot !== undefined && slot.status === 'blocked' && slot.fail !== undefined) {
              const fail = slot.fail
              this.setStatus(slot, 'running')
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
    this.watchSeen = this.changes
    outsideWorkers(() => safeSetImmediate(this.onWatch))
  }
}

/** A promise and its settle functions, made with the Promise captured at load. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } {
  let resolve!: () => void
  let reject!: (e: unknown) => void
  const promise = new SafePromise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** Index of the first element of sorted `list` not below `value` (binary search). */
export function lowerBound(list: readonly number[], value: number): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (list[mid]! < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

function insertSorted(list: number[], value: number): void {
  // Workers mostly become pending in id order (all of a fanOut at its start): append is the common case.
  if (list.length === 0 || list[list.length - 1]! < value) list[list.length] = value
  else arraySplice(list, lowerBound(list, value), 0, value)
}

function removeSorted(list: number[], value: number): void {
  const i = lowerBound(list, value)
  if (list[i] === value) arraySplice(list, i, 1)
}
