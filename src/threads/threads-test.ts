/**
 * `concurrentTest.threads`: a worker module runs once in each of N real threads (tinypool)
 * over shared memory, for a number of iterations. In race mode every thread logs its
 * accesses and synchronisation, the test's thread merges the logs into the detector while
 * the threads run, and a race fails the test with a two-access report; in stress mode the
 * threads pause now and then so that races also show up as wrong results in `check`.
 */
import { existsSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import Tinypool from 'tinypool'
import { afterAll, test, type ExpectStatic, type TestContext } from 'vitest'
import { MAIN_WORKER } from '../detector/detector.js'
import type { RaceRecord } from '../detector/race-record.js'
import { applyOptions, failOption, integerInRange, type RaceOptions, type RaceSettings } from '../options.js'
import { BUDGET_META_KEY, budgetMeta, budgetNote, log } from '../runtime/budget-note.js'
import { withNote } from '../runtime/error-notes.js'
import { failWithRaces } from '../runtime/race-failure.js'
import { BudgetMeter, timeBudget } from '../runtime/time-budget.js'
import { formatSeed, randomSeed } from '../runtime/random.js'
import { describeValue } from '../report/describe-value.js'
import { replayCommand, runSettings } from '../runtime/run-settings.js'
import { runThreadsOnce, share, type Shared } from './thread-run.js'
import { captureStack } from '../runtime/stacks.js'
import { installAtomicsPatch } from './atomics-patch.js'
import { Ev, locationKey, MAX_THREADS } from './protocol.js'
import { instrument } from './shared-views.js'
import type { SharedObject, SharedShape } from './thread-context.js'
import { threadRaceError, ThreadError } from './thread-failure.js'
import { ThreadsDeadlockError } from './thread-deadlock.js'
import type { ViewSink } from './thread-log.js'
import type { TraceMerge } from './trace-merge.js'

/** Options of `concurrentTest.threads`: the worker module, the thread count and the shared state, plus the run options that apply to threads. */
export interface ThreadsOptions<S extends SharedShape<S>> extends Pick<RaceOptions, 'iterations' | 'seed' | 'timeout' | 'historySize' | 'exitcode' | 'logPath' | 'stripPathPrefix'> {
  /** The worker module (a file URL or a path; a relative path is resolved from the test file). Its default export runs once in each thread; `.ts` is allowed. */
  worker: URL | string
  /** How many threads run the worker module, 1 to 128. */
  threads: number
  /** Builds the shared state of one iteration: typed arrays (copied into SharedArrayBuffers) and thread primitives. */
  shared: () => S
}

/** What `check` receives once every thread has finished. */
export interface ThreadCheckContext<S extends SharedShape<S>> {
  /** The final memory: instrumented views in race mode (the test's reads are checked too), the shared arrays otherwise. */
  readonly shared: S
  readonly threads: number
  /** The iteration's number, from 0. */
  readonly iteration: number
  /** Vitest's `expect`, bound to this test. */
  readonly expect: ExpectStatic
}

/** Runs in the test after every thread has finished, with the final memory. */
export type ThreadCheck<S extends SharedShape<S>> = (ctx: ThreadCheckContext<S>) => unknown

const SOURCE = 'concurrentTest.threads options'
/** Run options that make no sense for threads: their schedule is the operating system's. */
const NOT_FOR_THREADS = ['strategy', 'depth', 'maxInterleavings', 'path', 'semantics', 'halt'] as const

/** The module tinypool runs in each thread (the built one when this file runs from source). */
const THREAD_ENTRY = import.meta.url.endsWith('.ts') ? new URL('../../dist/threads/thread-entry.js', import.meta.url) : new URL('./thread-entry.js', import.meta.url)

/** A threads test's timeout when none is given: thread start-up and iterations, on a loaded machine. */
export const THREADS_DEFAULT_TIMEOUT = 60_000

/** Validates what can be validated when the test is registered; the worker path is resolved when it runs. */
export function registerThreads(name: unknown, options: unknown, check: unknown): void {
  const api = 'concurrentTest.threads(name, options, check)'
  if (typeof name !== 'string') throw new TypeError(`vitest-race: ${api}: name must be a string, got ${describeValue(name)}`)
  if (typeof options !== 'object' || options === null) throw new TypeError(`vitest-race: ${api}: options = ${describeValue(options)} is not valid: expected { worker, threads, shared }`)
  const { worker, threads, shared, ...rest } = options as Record<string, unknown>
  if (!(worker instanceof URL) && (typeof worker !== 'string' || worker === '')) failOption(SOURCE, 'worker', worker, 'expected a module URL or a path')
  const n = integerInRange(SOURCE, 'threads', threads, 1, MAX_THREADS)
  if (typeof shared !== 'function') failOption(SOURCE, 'shared', describeValue(shared), 'expected a function that returns an object of typed arrays and thread primitives')
  if (check !== undefined && typeof check !== 'function') throw new TypeError(`vitest-race: ${api}: check = ${describeValue(check)} is not valid: expected a function`)
  for (const key of NOT_FOR_THREADS) {
    if (key in rest) failOption(SOURCE, key, rest[key], "does not apply to threads: the operating system schedules them (the rule is Go's, 'strict')")
  }
  const settings = applyOptions(runSettings(), rest as RaceOptions, SOURCE)
  const spec: ThreadsSpec = { worker: worker as URL | string, threads: n, shared: shared as () => unknown, check: check as ThreadCheck<SharedObject> | undefined }
  // Without an explicit timeout, the test's timeout covers starting the threads and loading the
  // worker module (seconds on a loaded machine, tsx included), not only Vitest's 5 s default.
  test(name, (ctx) => runThreads(name, spec, settings, ctx), settings.timeout ?? THREADS_DEFAULT_TIMEOUT)
  // The threads (and the modules they loaded) serve every test of the suite with as many threads.
  afterAll(closePools)
}

/**
 * Thread pools by thread count, kept from one test to the next: starting a thread and
 * loading a `.ts` module in it costs far more than an iteration.
 */
const pools = new Map<number, Tinypool>()

function poolOf(threads: number): Tinypool {
  let pool = pools.get(threads)
  if (pool === undefined) {
    pool = new Tinypool({ filename: THREAD_ENTRY.href, minThreads: threads, maxThreads: threads, isolateWorkers: false, idleTimeout: 60_000 })
    pools.set(threads, pool)
  }
  return pool
}

/** Terminates a pool whose threads may be stuck (a thread failed, the test timed out). */
async function discardPool(pool: Tinypool): Promise<void> {
  for (const [n, p] of pools) if (p === pool) pools.delete(n)
  await pool.destroy()
}

async function closePools(): Promise<void> {
  const all = [...pools.values()]
  pools.clear()
  await Promise.all(all.map((p) => p.destroy()))
}

interface ThreadsSpec {
  readonly worker: URL | string
  readonly threads: number
  readonly shared: () => unknown
  readonly check: ThreadCheck<SharedObject> | undefined
}

function workerUrl(worker: URL | string, vitest: TestContext): string {
  const url = worker instanceof URL ? worker : worker.startsWith('file:') ? new URL(worker) : pathToFileURL(isAbsolute(worker) ? worker : resolve(dirname(vitest.task.file.filepath), worker))
  if (url.protocol === 'file:' && !existsSync(fileURLToPath(url))) {
    throw new Error(`vitest-race: concurrentTest.threads: the worker module ${fileURLToPath(url)} does not exist`)
  }
  return url.href
}

/** The test's own accesses in `check` (race mode): straight into the merge, as worker 0. */
class TestSink implements ViewSink {
  constructor(
    private readonly merge: TraceMerge,
    private readonly capture: ReadonlySet<number>,
  ) {}

  read(arrayId: number, index: number): void {
    this.merge.apply(MAIN_WORKER, Ev.READ, arrayId, index, this.stack(arrayId, index))
  }

  write(arrayId: number, index: number): void {
    this.merge.apply(MAIN_WORKER, Ev.WRITE, arrayId, index, this.stack(arrayId, index))
  }

  atomic<R>(arrayId: number, index: number, op: () => R, kindOf: (result: R) => number): R {
    const r = op()
    this.merge.apply(MAIN_WORKER, kindOf(r), arrayId, index, this.stack(arrayId, index))
    return r
  }

  waited(arrayId: number, index: number): void {
    this.merge.apply(MAIN_WORKER, Ev.ATOMIC_WAIT, arrayId, index, undefined)
  }

  private stack(arrayId: number, index: number): string | undefined {
    return this.capture.has(locationKey(arrayId, index)) ? captureStack(this.stack) : undefined
  }
}

/** What one iteration left. */
interface Outcome {
  readonly races: RaceRecord[]
  /** Each thread's captured stacks. */
  readonly stacks: (readonly string[])[]
  /** Whether `check` (or building the shared state) threw: explicit, since it may throw `undefined`. */
  readonly failed: boolean
  /** What it threw, unchanged. */
  readonly error: unknown
  /** A thread that threw or could not start, or threads blocked for good. */
  readonly threadError: ThreadError | ThreadsDeadlockError | undefined
  readonly merge: TraceMerge | undefined
}

interface IterationPlan {
  readonly pool: Tinypool
  /** The primitives of the test's iterations so far. */
  readonly primitives: WeakSet<SharedArrayBuffer>
  readonly url: string
  readonly spec: ThreadsSpec
  readonly settings: RaceSettings
  readonly iteration: number
  readonly seed: number
  readonly capture: readonly number[]
  readonly vitest: TestContext
}

async function runIteration(plan: IterationPlan): Promise<Outcome> {
  const { spec, settings } = plan
  let built: Shared
  try {
    built = share(spec.shared(), plan.primitives)
  } catch (e) {
    return { races: [], stacks: [], failed: true, error: e, threadError: undefined, merge: undefined }
  }
  const n = spec.threads
  const { results, failure, merge, detector, deadlock } = await runThreadsOnce({ pool: plan.pool, module: plan.url, threads: n, shared: built, race: settings.race, historySize: settings.historySize, seed: plan.seed, capture: plan.capture })
  if (failure !== undefined) return { races: [], stacks: [], failed: false, error: undefined, threadError: new ThreadError(failure.thread, failure.error), merge }
  if (deadlock !== undefined) return { races: [], stacks: [], failed: false, error: undefined, threadError: new ThreadsDeadlockError(deadlock, settings.stripPathPrefix ?? settings.root), merge }
  let error: unknown
  let failed = false
  if (spec.check !== undefined) {
    const sink = merge === undefined ? undefined : new TestSink(merge, new Set(plan.capture))
    const shared: Record<string, unknown> = { ...built.primitives }
    for (const e of built.entries) if (e.kind === 'array') shared[e.key] = sink === undefined ? built.arrays[e.id] : instrument(built.arrays[e.id]!, e.id, 0, sink)
    try {
      await spec.check({ shared: shared as SharedObject, threads: n, iteration: plan.iteration, expect: plan.vitest.expect })
    } catch (e) {
      error = e
      failed = true
    }
  }
  return { races: detector?.races ?? [], stacks: results.map((r) => r.stacks), failed, error, threadError: undefined, merge }
}

function replay(settings: RaceSettings, seed: number, vitest: TestContext): string {
  return replayCommand(settings, [...(settings.race ? [] : ['race=0']), `seed=${formatSeed(seed)}`], vitest)
}

function note(name: string, settings: RaceSettings, plan: IterationPlan, races: boolean): string {
  return [
    `concurrentTest.threads ${JSON.stringify(name)} failed in ${settings.race ? 'race' : 'stress'} mode on iteration ${plan.iteration + 1} of ${settings.iterations} (seed ${formatSeed(plan.seed)}, ${plan.spec.threads} threads).`,
    "Threads run in parallel and the operating system schedules them: the seed replays this iteration's injected pauses, not its interleaving.",
    ...(races ? [] : [`Replay: ${replay(settings, plan.seed, plan.vitest)}`]),
  ].join('\n')
}

/** How many racing locations a replay captures stacks for. */
const CAPTURED_LOCATIONS = 8
/** Replays tried for stacks: thread interleavings differ from run to run. */
const REPLAYS = 3

async function raceFailure(name: string, first: Outcome, plan: IterationPlan): Promise<Error> {
  const keys = first.races.slice(0, CAPTURED_LOCATIONS).flatMap((r) => {
    const key = first.merge?.keyOf(r.location)
    return key === undefined ? [] : [key]
  })
  let outcome = first
  let pool = plan.pool
  for (let i = 0; i < REPLAYS; i++) {
    const replay = await runIteration({ ...plan, pool, capture: keys })
    if (replay.threadError !== undefined) {
      // A thread may be stuck where no abort reaches it: the next replay gets fresh threads.
      await discardPool(pool)
      pool = poolOf(plan.spec.threads)
      continue
    }
    if (replay.races.some((r) => r.current.stack !== undefined)) {
      outcome = replay
      break
    }
  }
  const { settings, vitest } = plan
  const error = threadRaceError(outcome.races, outcome.stacks, replay(settings, plan.seed, vitest), settings.stripPathPrefix ?? settings.root, first.failed ? { error: first.error } : undefined)
  return failWithRaces(vitest, error, note(name, settings, plan, true))
}

async function runThreads(name: string, spec: ThreadsSpec, settings: RaceSettings, vitest: TestContext): Promise<void> {
  const url = workerUrl(spec.worker, vitest)
  if (settings.race) installAtomicsPatch()
  const pool = poolOf(spec.threads)
  const stop = () => void discardPool(pool).catch(() => undefined)
  vitest.signal.addEventListener('abort', stop)
  let failed = true
  // An explicit timeout is the user's choice; otherwise the budget keeps the iterations within
  // the test's (60 s by default, start-up included): a loaded machine runs fewer, not too many.
  // The last 40 % is for the replays that capture a race's stacks.
  const budget = settings.timeout === undefined ? timeBudget(vitest.task.timeout) : undefined
  const meter = budget === undefined ? undefined : new BudgetMeter(budget)
  let runs = 0
  try {
    const base = settings.seed ?? randomSeed()
    const primitives = new WeakSet<SharedArrayBuffer>()
    for (let i = 0; i < settings.iterations; i++) {
      if (meter !== undefined && !meter.allows('explore')) break
      const plan: IterationPlan = { pool, primitives, url, spec, settings, iteration: i, seed: (base + i) >>> 0, capture: [], vitest }
      // The first iteration starts the threads and loads the worker module (seconds on a loaded
      // machine, once per pool): it counts in the time spent, not in the expected time per run.
      if (i > 0) meter?.started()
      const outcome = await runIteration(plan)
      if (i > 0) meter?.ended()
      runs++
      if (outcome.threadError !== undefined) throw withNote(outcome.threadError, note(name, settings, plan, false))
      if (outcome.races.length > 0) throw await raceFailure(name, outcome, plan)
      if (outcome.failed) throw withNote(outcome.error, note(name, settings, plan, false))
    }
    failed = false
  } finally {
    vitest.signal.removeEventListener('abort', stop)
    // After a failure a thread may still be stuck in the user's code: start afresh.
    if (failed) await discardPool(pool)
  }
  if (budget !== undefined && runs < settings.iterations) {
    log(budgetNote(vitest.task.fullName, settings, runs, meter!.elapsed(), budget.timeoutMs, settings.iterations))
    ;(vitest.task.meta as Record<string, unknown>)[BUDGET_META_KEY] = budgetMeta(settings, runs, meter!.elapsed(), budget.timeoutMs, settings.iterations)
  }
}
