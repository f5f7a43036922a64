/**
 * Logical async workers: `fanOut`, `spawn`, and the scheduling points a worker passes
 * (`pause()`, `scheduled(fn)` settlements). Fork and join are happens-before edges:
 * everything the parent did before starting a worker happens-before the worker's first
 * step, and a worker's last step happens-before whatever follows the await that joined it.
 */
import { abortSignal, abortWith, collectionMethods, SafeAbortController, safeApply, SafeArray, safeObjectDefineProperty, SafePromise, safeSetImmediate, safeThen } from './builtins.js'
import { currentContext, outsideWorkers, runAs } from './context.js'
import type { IterationRun, WorkerInfo } from './iteration.js'
import { WorkerCancelledError } from './scheduler.js'
import { captureStack } from './stacks.js'
import { MAIN_WORKER } from '../detector/detector.js'
import { callAsTask, newTask, stackHolder } from './tasks.js'

const promiseThen = Promise.prototype.then

/** A started worker. */
interface Started<T> {
  readonly id: number
  readonly info: WorkerInfo
  readonly done: Promise<T>
}

/** `run.workers.get(id)` through the Map method captured at load (a test may spy on `Map.prototype.get`). */
function workerInfo(run: IterationRun, id: number): WorkerInfo {
  return collectionMethods.mapGet(run.workers, id) as WorkerInfo
}

function callerOf(run: IterationRun, api: string): number {
  const ctx = currentContext()
  if (ctx === undefined || ctx.run !== run) {
    throw new Error(`vitest-race: ${api} must be called while its concurrentTest body runs (from the body or one of its workers)`)
  }
  return ctx.worker
}

function start<T>(run: IterationRun, parent: number, fn: () => T | Promise<T>, info: Pick<WorkerInfo, 'createdAt' | 'fanOut'>): Started<Awaited<T>> {
  const id = run.newWorker(parent, info)
  const state = workerInfo(run, id)
  const done = runAs({ run, worker: id }, async (): Promise<Awaited<T>> => {
    try {
      await run.point(id, 'start')
      const value = await fn()
      state.state = 'finished'
      return value
    } catch (e) {
      state.state = e instanceof WorkerCancelledError ? 'cancelled' : 'failed'
      state.error = e
      throw e
    } finally {
      run.scheduler.finish(id)
    }
  })
  // Kept for the end of the iteration; the handler also stops an unawaited failure from
  // becoming an unhandled rejection (the iteration reports it instead).
  // Registered as no worker, like every reaction of the library's own: no promise edge from
  // the finished worker to whoever happened to start it.
  const settled = run.settled
  settled[settled.length] = outsideWorkers(() => safeThen(done, undefined, () => undefined))
  return { id, info: state, done }
}

/** Which worker `info` is, for notes: `worker 3 (fanOut index 2 of 4)`. */
export function workerName(info: WorkerInfo): string {
  return `worker ${info.id}${info.fanOut === undefined ? '' : ` (fanOut index ${info.fanOut.index} of ${info.fanOut.size})`}`
}

/**
 * The most workers one `fanOut` starts. Measured with bench/workers-scaling.mjs on a shared
 * 2-core machine: 1,000 workers take 0.1–0.5 s per race-mode iteration, 10,000 take 1–5 s,
 * 20,000 took 9 s and 50,000 took 47 s (the per-location reader list still grows with the
 * workers that read one location). At 100,000 an iteration runs for minutes, and a test runs
 * tens of them: a larger `n` is refused at once instead of running out of memory later.
 */
export const FANOUT_MAX = 100_000

/**
 * Start `n` workers running `fn(index, signal)`; resolve to their results in index order.
 * If one throws, the others are cancelled (`signal` aborts and they fail at their next
 * scheduling point) and the promise rejects at once with that error, unchanged (the same
 * value, which worker threw it is noted beside it in the report), without waiting for
 * workers that wait on something that never settles.
 */
export async function fanOut<T>(run: IterationRun, n: number, fn: (index: number, signal: AbortSignal) => T | Promise<T>): Promise<Awaited<T>[]> {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > FANOUT_MAX) {
    throw new RangeError(`vitest-race: fanOut(n, fn): n = ${String(n)} is not valid: expected an integer ≥ 1 and ≤ ${FANOUT_MAX} (the most workers one fanOut starts)`)
  }
  if (typeof fn !== 'function') {
    throw new TypeError(`vitest-race: fanOut(n, fn): fn must be a function, got ${typeof fn}`)
  }
  const caller = callerOf(run, 'fanOut')
  const createdAt = run.recording ? captureStack() : undefined
  const abort = new SafeAbortController()
  const signal = abortSignal(abort)
  const children: Started<Awaited<T>>[] = new SafeArray(n)
  for (let i = 0; i < n; i++) {
    const child = start(run, caller, () => fn(i, signal), { createdAt, fanOut: { index: i, size: n } })
    child.info.observed = true
    children[i] = child
  }
  const resume = run.scheduler.waiting(caller, `fanOut(${n})`)
  const results: Awaited<T>[] = new SafeArray(n)
  // Outside any worker: the library's bookkeeping is never a promise edge between workers.
  const failure = await outsideWorkers(
    () =>
      new SafePromise<{ error: unknown } | undefined>((resolve) => {
        let remaining = n
        let failed: { error: unknown } | undefined
        const settle = () => {
          if (--remaining === 0) resolve(failed)
        }
        for (let i = 0; i < n; i++) {
          safeThen(
            children[i]!.done,
            (value: Awaited<T>) => {
              results[i] = value
              settle()
            },
            (error: unknown) => {
              if (failed === undefined && !(error instanceof WorkerCancelledError)) {
                failed = { error }
                const others: number[] = []
                for (let j = 0; j < n; j++) if (j !== i) others[others.length] = children[j]!.id
                abortWith(abort, error)
                run.scheduler.cancel(others)
                // The cancelled workers unwind within this event-loop turn (they fail at their
                // scheduling point); one that waits on something that never settles must not
                // hold the test: after one turn, reject with the error anyway.
                safeSetImmediate(() => resolve(failed))
              }
              settle()
            },
          )
        }
      }),
  )
  resume()
  // Join the workers that have finished (all of them, unless one failed first).
  for (let i = 0; i < n; i++) if (children[i]!.info.state !== 'running') run.join(caller, children[i]!.id)
  if (failure !== undefined) throw failure.error
  return results
}

/**
 * The promise `spawn` returns. Awaiting it (or calling `then`) joins the worker: the join
 * edge goes to whichever worker called `then`, when its callback runs.
 */
export class WorkerHandle<T> extends Promise<T> {
  static override get [Symbol.species](): PromiseConstructor {
    return Promise
  }

  private joinInfo: { run: IterationRun; child: number; finished: () => boolean } | undefined

  // Explicit: the implicit derived constructor spreads its arguments through the array iterator, which a test may patch.
  constructor(executor: (resolve: (value: T | PromiseLike<T>) => void, reject: (reason?: unknown) => void) => void) {
    super(executor)
  }

  /** Used by spawn only. */
  static of<T>(run: IterationRun, child: Started<T>): WorkerHandle<T> {
    let finished = false
    const handle = new WorkerHandle<T>((resolve, reject) => {
      outsideWorkers(() =>
        safeApply(promiseThen, child.done, [
          (v: T) => {
            finished = true
            resolve(v)
          },
          (e: unknown) => {
            finished = true
            reject(e)
          },
        ]),
      )
    })
    handle.joinInfo = { run, child: child.id, finished: () => finished }
    // A failure nobody awaits is reported by the iteration, not as an unhandled rejection.
    outsideWorkers(() => safeApply(promiseThen, handle, [undefined, () => undefined]))
    return handle
  }

  override then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    const info = this.joinInfo
    const ctx = currentContext()
    if (info !== undefined) workerInfo(info.run, info.child).observed = true
    if (info === undefined || ctx === undefined || ctx.run !== info.run) return safeThen(this, onFulfilled ?? undefined, onRejected ?? undefined)
    const resume = info.finished() ? () => {} : info.run.scheduler.waiting(ctx.worker, `join worker ${info.child}`)
    const joined = () => {
      resume()
      info.run.join(ctx.worker, info.child)
    }
    return safeThen(
      this,
      (v: T) => {
        joined()
        return onFulfilled ? onFulfilled(v) : (v as unknown as R1)
      },
      (e: unknown) => {
        joined()
        if (onRejected) return onRejected(e)
        throw e
      },
    )
  }
}

/** Start one worker; awaiting the returned promise joins it. */
export function spawn<T>(run: IterationRun, fn: () => T | Promise<T>): WorkerHandle<Awaited<T>> {
  if (typeof fn !== 'function') throw new TypeError(`vitest-race: spawn(fn): fn must be a function, got ${typeof fn}`)
  const caller = callerOf(run, 'spawn')
  const createdAt = run.recording ? captureStack() : undefined
  return WorkerHandle.of(run, start(run, caller, fn, { createdAt, fanOut: undefined }))
}

/** A scheduling point in the current worker (a no-op in the test body). */
export function pause(run: IterationRun): Promise<void> {
  return run.schedulingPoint('pause()')
}

/**
 * `fn` wrapped so that its settling (fulfilled or rejected) becomes a scheduling point. Called
 * by the test body, each call is a task of its own (DESIGN §4b), so the body's
 * `Promise.all([load(), save()])` is perturbed like workers are; called by a worker, the
 * settling is a point of that worker.
 */
export function scheduled<A extends unknown[], R>(run: IterationRun, fn: (...args: A) => R | Promise<R>): (...args: A) => Promise<R> {
  if (typeof fn !== 'function') throw new TypeError(`vitest-race: scheduled(fn): fn must be a function, got ${typeof fn}`)
  const label = fn.name === '' ? 'a scheduled call' : `scheduled ${fn.name}()`
  const settle = () => run.schedulingPoint(label)
  const wrapped = async function (this: unknown, ...args: A): Promise<R> {
    let result: R
    try {
      result = await safeApply(fn, this, args)
    } catch (e) {
      await settle()
      throw e
    }
    await settle()
    return result
  }
  const how = `${label === 'a scheduled call' ? label : `${label} call`} of the test body`
  const forking = function (this: unknown, ...args: A): Promise<R> {
    const parent = currentContext()
    if (parent === undefined || parent.run !== run || parent.worker !== MAIN_WORKER) return safeApply(wrapped, this, args)
    return callAsTask(parent, newTask(parent, { holder: stackHolder(forking), how }), wrapped, this, args) as Promise<R>
  }
  safeObjectDefineProperty(forking, 'name', { value: fn.name })
  return forking
}
