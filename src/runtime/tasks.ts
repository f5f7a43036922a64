/**
 * Tasks without fanOut (DESIGN §4b): in race mode every test is checked, and a task is a flow
 * that can run concurrently with others. Each call of an async function whose promise is not
 * awaited at once (handed to Promise.all, kept and awaited later, or dropped), each timer,
 * immediate, microtask and tick callback, and each async EventEmitter listener is a task.
 *
 * A task is a context (context.ts) whose worker id is given lazily, at its first event, from
 * the snapshot its parent took at the fork: a call that never touches shared state, or a
 * timer of Vitest's own, costs one object and no clock entry. The synchronous prefix of a
 * forked call runs as the task, and its end is joined back into the caller (the caller goes
 * on only after it). Its join is a promise edge (async-hooks.ts): whoever awaits its result
 * acquires its clock at the settlement. A finished task's id is given to a later task whose
 * origin knows that end, so that clocks stay as long as the number of tasks alive at once.
 */
import { MAIN_WORKER, type ClockSnapshot } from '../detector/detector.js'
import { SafeMap, SafePromise, SafeWeakMap, safeApply, safeCaptureStackTrace, safeFunctionToString, safeGetPrototypeOf, safeObjectDefineProperty, safeSetPrototypeOf, safeThen } from './builtins.js'
import { currentContext, outsideWorkers, runAs, type WorkerContext } from './context.js'
import type { IterationRun } from './iteration.js'
import { firstPromise, whenSettled } from './async-hooks.js'
import { keepOwnFrames } from './own-frames.js'
import type { RuntimeSite } from './site-table.js'

/** Where a task started, for its report line. */
export interface TaskOrigin {
  /** The instrumented call that forked it. */
  readonly site?: RuntimeSite
  /** A captured stack holder (timers, listeners): formatted only if the task is reported. */
  readonly holder?: { readonly stack?: string }
  /** `Promise.all element 2`, `setTimeout callback`, `listener of "paid"`. */
  readonly how: string
}

/** A task's context: its worker id is given at its first event. */
export class TaskContext implements WorkerContext {
  private id = -1
  /** The synchronous part of the forking call is running. */
  inPrefix = false

  constructor(
    readonly run: IterationRun,
    /** The parent's clock at the fork (undefined in stress mode: no detector). */
    private origin: ClockSnapshot | undefined,
    readonly started: TaskOrigin,
  ) {}

  get worker(): number {
    if (this.id < 0) this.id = this.run.newTask(this.origin, this.started, this)
    return this.id
  }

  /** Whether the task has made an event (has an id). */
  get materialized(): boolean {
    return this.id >= 0
  }

  /** The end the task had when it last finished (its promise settled, its callback returned). */
  ended: ClockSnapshot | undefined = undefined

  /**
   * The run gave id `id` to another task: if this task still has it, a late event starts again
   * from the end it had. (It may have a newer id already: then nothing changes.)
   */
  retire(id: number, end: ClockSnapshot): void {
    if (this.id !== id) return
    this.id = -1
    this.origin = end
  }

  /**
   * The callback runs again (a `setInterval`, a listener): each run is a new task after the
   * previous one, so reads of an earlier run never pair with a write of a later one.
   */
  again(): void {
    const end = this.ended
    if (end === undefined || this.id < 0) return
    this.ended = undefined
    this.id = -1
    this.origin = end
  }
}

/** A stack holder captured below `below`, formatted only if the task is ever reported. */
export function stackHolder(below: (...args: never[]) => unknown): { stack?: string } {
  const holder: { stack?: string } = {}
  keepOwnFrames(holder)
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 12
  safeCaptureStackTrace(holder, below)
  Error.stackTraceLimit = limit
  return holder
}

/**
 * The running context, when what it starts now (a timer, a listener) is a task: in a checked
 * plain test only. (In a concurrentTest such callbacks run as the worker that started them.)
 */
export function forkingContext(): WorkerContext | undefined {
  const ctx = currentContext()
  return ctx !== undefined && ctx.run.plain ? ctx : undefined
}

/**
 * The running context, when an async call it leaves in flight is a task: anywhere in a
 * checked plain test, and in a concurrentTest iteration's test body, whose own
 * `Promise.all([a(), b()])` is then scheduled like workers are (DESIGN §4b): each call's
 * awaits become scheduling points of its own. (A worker's calls stay that worker's flows.)
 */
export function callForkingContext(): WorkerContext | undefined {
  const ctx = currentContext()
  return ctx !== undefined && (ctx.run.plain || ctx.worker === MAIN_WORKER) ? ctx : undefined
}

/** A new task forked now by `parent`. */
export function newTask(parent: WorkerContext, started: TaskOrigin): TaskContext {
  const run = parent.run
  return new TaskContext(run, run.detector?.snapshot(parent.worker), started)
}

/**
 * Call `fn` as a new task of `parent`: its synchronous prefix runs as the task, whose events
 * so far the caller then joins; the rest of it (its continuations) stays concurrent.
 */
export function callAsTask(parent: WorkerContext, task: TaskContext, fn: (...args: never[]) => unknown, self: unknown, args: readonly unknown[]): unknown {
  task.inPrefix = true
  parent.run.watchTaskPromises()
  let called: { value: unknown; id: number | undefined }
  try {
    called = runAs(task, () => {
      startingAsTask = fn
      return firstPromise(() => safeApply(fn, self, args))
    })
  } finally {
    startingAsTask = undefined
    task.inPrefix = false
    if (task.materialized) parent.run.join(parent.worker, task.worker)
  }
  const { value, id } = called
  if (parent.run.plain || !(value instanceof SafePromise)) {
    finishWhenSettled(task, value, id)
    return value
  }
  // A concurrentTest iteration ends after every task it started, like after its workers.
  let signal!: () => void
  const list = parent.run.settled
  list[list.length] = new SafePromise<void>((resolve) => (signal = resolve))
  finishWhenSettled(task, value, id, signal)
  return value
}

/** The function callAsTask is calling right now (a callback wrapper called so runs its function directly). */
let startingAsTask: unknown

/**
 * An async function written inline as a call's argument (`items.map(async (item) => …)`,
 * `p.then(async (v) => …)`), as what each of its calls is: a task, forked where it is called
 * (by the library that calls it) and joined where its promise is awaited. Without this, every
 * call of the callback ran as its caller, and two calls' read-await-write never met. The
 * wrapper keeps the function's name, length, source text and prototype (an AsyncFunction), so
 * a library that looks at them sees the same; nobody else holds the inline function to compare
 * it by identity.
 */
export function callbackAsTasks(fn: (...args: never[]) => unknown, started: TaskOrigin): (...args: unknown[]) => unknown {
  // A method: like an async function, it has no `prototype` and cannot be called with `new`.
  const wrapper: (...args: unknown[]) => unknown = {
    call(this: unknown, ...args: unknown[]): unknown {
      if (startingAsTask === wrapper) {
        // Already started as a task (an emit, an instrumented call of it): no second one.
        startingAsTask = undefined
        return safeApply(fn, this, args)
      }
      const parent = callForkingContext()
      if (parent === undefined) return safeApply(fn, this, args)
      return callAsTask(parent, newTask(parent, started), fn, this, args)
    },
  }.call
  safeObjectDefineProperty(wrapper, 'name', { value: fn.name })
  safeObjectDefineProperty(wrapper, 'length', { value: fn.length })
  // Read only when asked for (a library serialising the callback): wrappers are made on a hot path.
  safeObjectDefineProperty(wrapper, 'toString', { value: () => safeApply(safeFunctionToString, fn, []) as string, writable: true, configurable: true })
  safeSetPrototypeOf(wrapper, safeGetPrototypeOf(fn))
  wrappers.set(wrapper, true)
  return wrapper
}

const wrappers = new SafeWeakMap<object, true>()

/**
 * Built-in functions that call a callback argument and never keep it or show it to anyone,
 * with the positions of their callback arguments: an async function passed to them by name
 * (`ids.map(load)`, `p.then(save)`) can run as a task per call, like one written inline,
 * without any code seeing the wrapper in its place.
 */
const CALLBACK_ARGS = (() => {
  const table = new SafeMap<unknown, readonly number[]>()
  const first = [0] as const
  const A = Array.prototype
  for (const f of [A.forEach, A.map, A.flatMap, A.filter, A.some, A.every, A.find, A.findIndex, A.reduce, A.reduceRight]) table.set(f, first)
  const arrays = A as unknown as Record<string, unknown>
  for (const name of ['findLast', 'findLastIndex']) if (typeof arrays[name] === 'function') table.set(arrays[name], first)
  table.set(Map.prototype.forEach, first)
  table.set(Set.prototype.forEach, first)
  table.set(Promise.prototype.then, [0, 1])
  table.set(Promise.prototype.catch, first)
  table.set(Promise.prototype.finally, first)
  return table
})()

/**
 * When `callee` is one of the built-ins above, its async callback arguments (not already
 * wrappers) replaced in `args` by wrappers whose every call is a task, named after the call at `site`.
 */
export function callbackArgsAsTasks(callee: unknown, args: unknown[], site: RuntimeSite | undefined): void {
  const positions = CALLBACK_ARGS.get(callee)
  if (positions === undefined) return
  for (let k = 0; k < positions.length; k++) {
    const i = positions[k]!
    const arg = args[i]
    if (!isAsyncFunction(arg) || wrappers.has(arg as object)) continue
    const started = { ...(site === undefined ? {} : { site }), how: `async callback of ${site?.text ?? 'a call'}(…)` }
    args[i] = callbackAsTasks(arg as (...a: never[]) => unknown, started)
  }
}

/**
 * The task ends when `result` (its promise) settles, or now when it is no promise; `then`
 * runs after it. With `promiseId` (async-hooks.ts `firstPromise`, race mode) the settling is
 * watched through the hooks, with no handler on the promise: a rejection nobody handles stays
 * unhandled, as without race mode (Vitest reports it). Without, a handler of the library's own
 * is attached.
 */
export function finishWhenSettled(task: TaskContext, result: unknown, promiseId?: number, then?: () => void): void {
  const done = () => {
    try {
      task.run.finishTask(task)
    } finally {
      then?.()
    }
  }
  // The Promise captured at load: a test may replace the global one.
  if (!(result instanceof SafePromise)) done()
  else if (promiseId !== undefined) whenSettled(promiseId, done)
  // The library's own reaction: no promise edge from the task to anyone.
  else outsideWorkers(() => safeThen(result, done, done))
}

/** Whether `fn` is an async function (its call returns a promise after a synchronous prefix). */
export function isAsyncFunction(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'AsyncFunction'
}
