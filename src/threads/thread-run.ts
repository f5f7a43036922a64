/**
 * One run of N threads over shared state, without Vitest: start the tasks on a tinypool
 * pool, merge their logs into the detector while they run (race mode), and join them. The
 * test (threads-test.ts) and the benchmarks drive it.
 */
import type Tinypool from 'tinypool'
import { MAIN_WORKER, type Detector } from '../detector/detector.js'
import { describeValue } from '../report/describe-value.js'
import { primitiveState } from './thread-primitive.js'
import { A } from './atomics-originals.js'
import { CONTROL_WORDS, Control, MAX_THREADS, TYPED_ARRAYS, WHERE_BYTES, type SharedEntry, type SharedTypedArray, type ThreadResult, type ThreadTask, type TypedArrayName } from './protocol.js'
import { DEFAULT_LOG_EVENTS, newLogBuffer } from './thread-log.js'
import { threadsDetector, threadWorker, TraceMerge } from './trace-merge.js'
import { DeadlockWatch, type BlockedThread } from './thread-deadlock.js'
import { safeDateNow } from '../runtime/builtins.js'

/** The shared state of one iteration, as it crosses to the threads and as `check` sees it. */
export interface Shared {
  readonly entries: SharedEntry[]
  /** `shared.balance`, by array id. */
  readonly names: string[]
  /** The shared arrays, by array id. */
  readonly arrays: SharedTypedArray[]
  /** The primitives, by key. */
  readonly primitives: Record<string, unknown>
}

function typedArrayName(value: unknown): TypedArrayName | undefined {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return undefined
  const name = value.constructor.name
  return name in TYPED_ARRAYS ? (name as TypedArrayName) : undefined
}

/**
 * The shared state `shared()` built, checked and copied into SharedArrayBuffers. `earlier`
 * holds the primitives of the test's earlier iterations, which must not come back.
 */
export function share(value: unknown, earlier?: WeakSet<SharedArrayBuffer>): Shared {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw new TypeError(`vitest-race: concurrentTest.threads: shared() returned ${describeValue(value)}; expected an object of typed arrays and thread primitives, such as { balance: Int32Array.of(100) }`)
  }
  const out: Shared = { entries: [], names: [], arrays: [], primitives: {} }
  let primitives = 0
  const mine = new Map<SharedArrayBuffer, number>()
  for (const [key, v] of Object.entries(value)) {
    const type = typedArrayName(v)
    if (type !== undefined) {
      const source = v as SharedTypedArray
      const raw = new (TYPED_ARRAYS[type] as new (b: SharedArrayBuffer) => SharedTypedArray)(new SharedArrayBuffer(source.byteLength))
      ;(raw as unknown as { set(a: ArrayLike<unknown>): void }).set(source as ArrayLike<unknown>)
      const id = out.arrays.length
      out.arrays.push(raw)
      out.names.push(`shared.${key}`)
      out.entries.push({ key, kind: 'array', type, buffer: raw.buffer as unknown as SharedArrayBuffer, id })
      continue
    }
    const state = primitiveState(v)
    if (state !== undefined) {
      // One primitive under two keys is one primitive: one id, one clock.
      let id = mine.get(state.buffer)
      if (id === undefined) {
        if (earlier?.has(state.buffer)) {
          throw new TypeError(
            `vitest-race: concurrentTest.threads: shared().${key} is the same thread primitive as in an earlier iteration; build new ones in shared() (a held lock or a counter would carry over from one iteration to the next)`,
          )
        }
        earlier?.add(state.buffer)
        id = primitives++
        mine.set(state.buffer, id)
      }
      out.entries.push({ key, kind: state.kind, buffer: state.buffer, id })
      out.primitives[key] = v
      continue
    }
    throw new TypeError(
      `vitest-race: concurrentTest.threads: shared().${key} is ${describeValue(v)}; expected an integer or float typed array (Int32Array, Float64Array, …) or a ThreadMutex, ThreadWaitGroup or ThreadOnce`,
    )
  }
  return out
}

function threadSeed(seed: number, index: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca6b)) >>> 0
}

/** Resolves when a thread asks for its log to be read, or after a short while. */
function logWanted(control: Int32Array): Promise<unknown> {
  const r = A.waitAsync(control, Control.WAKE, A.load(control, Control.WAKE), 5)
  return r.async ? (r.value as Promise<unknown>) : Promise.resolve()
}

/** What one run needs. */
export interface ThreadsRunPlan {
  readonly pool: Tinypool
  /** The worker module's file URL. */
  readonly module: string
  readonly threads: number
  readonly shared: Shared
  /** Race mode: log and merge. Otherwise stress mode: pauses only. */
  readonly race: boolean
  readonly historySize: number
  readonly seed: number
  /** Location keys whose accesses capture stacks. */
  readonly capture: readonly number[]
  /** Ring capacity per thread, in events (a power of two). */
  readonly logEvents?: number
}

/** What one run left. */
export interface ThreadsRun {
  /** Each thread's result, in thread order (when none failed). */
  readonly results: ThreadResult[]
  /** The first thread that threw or could not start; the others were told to stop. */
  readonly failure: { readonly thread: number; readonly error: unknown } | undefined
  readonly merge: TraceMerge | undefined
  /** The detector, every thread joined into the test (race mode, no failure). */
  readonly detector: Detector | undefined
  /** Every thread still running was blocked for good: the iteration was abandoned. */
  readonly deadlock: readonly BlockedThread[] | undefined
}

/** Runs the worker module once in each of `plan.threads` threads. */
export async function runThreadsOnce(plan: ThreadsRunPlan): Promise<ThreadsRun> {
  const n = plan.threads
  if (n > MAX_THREADS) throw new RangeError(`vitest-race: at most ${MAX_THREADS} threads`)
  const control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4))
  const waits = new SharedArrayBuffer(WHERE_BYTES * n)
  let merge: TraceMerge | undefined
  let detector: Detector | undefined
  let logs: SharedArrayBuffer[] = []
  if (plan.race) {
    const d = threadsDetector(n, plan.historySize)
    detector = d.detector
    logs = Array.from({ length: n }, () => newLogBuffer(plan.logEvents ?? DEFAULT_LOG_EVENTS))
    merge = new TraceMerge(detector, logs.map((b) => new Int32Array(b)), plan.shared.names, d.initial)
  }
  const results: ThreadResult[] = []
  let failure: ThreadsRun['failure']
  let running = n
  let finished = false
  const settled = new Promise<void>((done) => {
    for (let k = 0; k < n; k++) {
      const task: ThreadTask = { module: plan.module, index: k, threads: n, shared: plan.shared.entries, control: control.buffer as SharedArrayBuffer, waits, log: logs[k], seed: threadSeed(plan.seed, k), capture: plan.capture }
      ;(plan.pool.run(task) as Promise<ThreadResult>).then(
        (r) => {
          results[k] = r
          if (--running === 0) done()
        },
        (e: unknown) => {
          failure ??= { thread: k, error: e }
          done()
        },
      )
    }
  }).then(() => {
    finished = true
  })
  const watch = new DeadlockWatch(control, waits, n, plan.shared.entries)
  let deadlock: readonly BlockedThread[] | undefined
  while (!finished) {
    merge?.drain()
    deadlock = watch.check(safeDateNow(), (k) => results[k] !== undefined)
    if (deadlock !== undefined) break
    await Promise.race([settled, logWanted(control)])
  }
  if (failure !== undefined || deadlock !== undefined) {
    // The others stop at their next wait; one stuck elsewhere is terminated with the pool.
    A.store(control, Control.ABORT, 1)
    return { results, failure, merge, detector: undefined, deadlock }
  }
  merge?.finish()
  if (detector !== undefined) for (let k = 0; k < n; k++) detector.join(MAIN_WORKER, threadWorker(k))
  return { results, failure: undefined, merge, detector, deadlock: undefined }
}
