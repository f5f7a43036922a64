/**
 * `concurrentTest`: registers a Vitest test whose body runs once per iteration, each under
 * a different schedule, with fresh state. The first failing iteration (a race or the
 * body's own failure) fails the test and says how to replay it.
 */
import { appendFileSync } from 'node:fs'
import fc from 'fast-check'
import { test, type TestContext } from 'vitest'
import { applyOptions, DEFAULT_SETTINGS, type RaceOptions, type RaceSettings } from '../options.js'
import { META_KEY, type RaceMeta } from '../provided.js'
import { describeValue, replayCommand, runSettings } from './run-settings.js'
import { explore, type Failure } from './exploration.js'
import type { ConcurrentContext } from './test-context.js'
import { runIteration, type ConcurrentBody } from './iteration-runner.js'
import { formatSteps } from '../report/schedule-steps.js'
import { dataRaceError } from './race-failure.js'
import { formatSeed } from './random.js'
import { safeDateNow } from './builtins.js'
import { failWith, withNote } from './error-notes.js'
import { registerThreads, type ThreadCheck, type ThreadsOptions } from '../threads/threads-test.js'
import type { SharedShape } from '../threads/thread-context.js'

export type { ConcurrentBody } from './iteration-runner.js'

/** Per-test options: the same as the plugin's (see RaceOptions); they win over every other layer. */
export type ConcurrentTestOptions = RaceOptions

/**
 * Register a concurrent test.
 *
 * @example
 * concurrentTest('concurrent debits keep the balance exact', async ({ track, fanOut, expect }) => {
 *   const svc = track(new BalanceService(), 'svc')
 *   svc.credit('merchant-1', 10_000)
 *   await fanOut(50, () => svc.debit('merchant-1', 100))
 *   expect(svc.balance('merchant-1')).toBe(5_000)
 * }, { iterations: 20 })
 */
function register(name: string, body: unknown, options: ConcurrentTestOptions | undefined, api: string, inputs?: fc.Arbitrary<unknown[]>): void {
  if (typeof name !== 'string') {
    throw new TypeError(`vitest-race: ${api}: name must be a string, got ${describeValue(name)}`)
  }
  if (typeof body !== 'function') {
    throw new TypeError(`vitest-race: ${api}: body = ${describeValue(body)} is not valid: expected a function`)
  }
  const settings = applyOptions(runSettings(), options, 'concurrentTest options')
  test(name, (ctx) => runIterations(name, body as ConcurrentBody, settings, ctx, inputs), settings.timeout)
}

/** The body of a concurrentTest.prop: the drawn values, then the context. */
export type PropertyBody<Ts extends unknown[]> = (values: Ts, ctx: ConcurrentContext) => unknown

/** `concurrentTest`, and `concurrentTest.prop` for property inputs. */
export interface ConcurrentTestAPI {
  (name: string, body: ConcurrentBody, options?: ConcurrentTestOptions): void
  /**
   * A concurrentTest whose body also receives values drawn from fast-check arbitraries; a
   * failure shrinks the values together with the schedule.
   *
   * @example
   * concurrentTest.prop([fc.integer({ min: 1, max: 500 })])('debits never overdraw', async ([amount], { fanOut, track, expect }) => {
   *   const acct = track({ balance: 1_000 }, 'acct')
   *   await fanOut(4, () => debit(acct, amount))
   *   expect(acct.balance).toBeGreaterThanOrEqual(0)
   * })
   */
  prop<Ts extends [unknown, ...unknown[]]>(
    arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
  ): (name: string, body: PropertyBody<Ts>, options?: ConcurrentTestOptions) => void
  /**
   * A test over real threads: `options.worker`'s default export runs once in each of
   * `options.threads` worker threads, over the typed arrays and thread primitives that
   * `options.shared` builds, for each iteration; `check` runs after every thread has finished.
   *
   * @example
   * concurrentTest.threads('debits across threads', {
   *   worker: new URL('./debit.worker.ts', import.meta.url),
   *   threads: 4,
   *   shared: () => ({ balance: Int32Array.of(10_000), mu: new ThreadMutex() }),
   * }, ({ shared }) => expect(shared.balance[0]).toBe(9_600))
   */
  threads<S extends SharedShape<S>>(name: string, options: ThreadsOptions<S>, check?: ThreadCheck<S>): void
}

/**
 * Register a concurrent test.
 *
 * @example
 * concurrentTest('concurrent debits keep the balance exact', async ({ track, fanOut, expect }) => {
 *   const svc = track(new BalanceService(), 'svc')
 *   svc.credit('merchant-1', 10_000)
 *   await fanOut(50, () => svc.debit('merchant-1', 100))
 *   expect(svc.balance('merchant-1')).toBe(5_000)
 * }, { iterations: 20 })
 */
export const concurrentTest: ConcurrentTestAPI = Object.assign(
  (name: string, body: ConcurrentBody, options?: ConcurrentTestOptions): void => register(name, body, options, 'concurrentTest(name, body, options)'),
  {
    prop<Ts extends [unknown, ...unknown[]]>(arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> }) {
      if (!Array.isArray(arbitraries) || arbitraries.length === 0 || !arbitraries.every((a: unknown) => typeof (a as { generate?: unknown } | null)?.generate === 'function')) {
        throw new TypeError('vitest-race: concurrentTest.prop(arbitraries): expected a non-empty array of fast-check arbitraries')
      }
      const tuple = fc.tuple(...(arbitraries as fc.Arbitrary<unknown>[]))
      return (name: string, body: PropertyBody<Ts>, options?: ConcurrentTestOptions): void =>
        register(name, body, options, 'concurrentTest.prop(arbitraries)(name, body, options)', tuple)
    },
    threads<S extends SharedShape<S>>(name: string, options: ThreadsOptions<S>, check?: ThreadCheck<S>): void {
      registerThreads(name, options, check)
    },
  },
)

function replay(settings: RaceSettings, failure: Failure, vitest: TestContext): string {
  const mode = settings.race ? [] : ['race=0']
  const strategy = settings.strategy === 'random' ? [] : [`strategy=${settings.strategy}`]
  if (settings.strategy === 'pct' && settings.depth !== DEFAULT_SETTINGS.depth) strategy.push(`depth=${settings.depth}`)
  return replayCommand(settings, [...mode, ...strategy, ...replayOptions(failure)], vitest)
}

function replayOptions(failure: Failure): string[] {
  return [`seed=${formatSeed(failure.seed)}`, ...(failure.path === undefined ? [] : [`path=${failure.path}`])]
}

/** Where the failure was found, the minimal interleaving, and how to replay it. */
function explorationNote(name: string, settings: RaceSettings, failure: Failure, vitest: TestContext): string {
  const steps = failure.outcome.run.scheduler.steps
  const how =
    failure.path === undefined
      ? settings.strategy === 'exhaustive' && failure.failedRun > 1
        ? `interleaving ${failure.failedRun} of the exhaustive search`
        : 'the run with no context switch'
      : `run ${failure.failedRun} (seed ${formatSeed(failure.seed)}, path ${failure.path}, ${settings.strategy} strategy), shrunk ${failure.shrinks} times`
  const options = `{ seed: ${formatSeed(failure.seed)}${failure.path === undefined ? '' : `, path: '${failure.path}'`} }`
  // With no context switch, the steps say nothing: every worker ran to its end in turn.
  const interleaving =
    failure.path === undefined && failure.failedRun === 1
      ? [failure.outcome.races.length > 0 ? 'No interleaving was needed: the detector predicts it from the run with no context switch.' : 'No interleaving was needed: the run with no context switch fails.']
      : [`Minimal interleaving (${steps.length} steps; the first failing run took ${failure.firstSteps}):`, ...formatSteps(steps)]
  return [
    `concurrentTest ${JSON.stringify(name)} failed in ${settings.race ? 'race' : 'stress'} mode on ${how}.`,
    ...(failure.inputs === undefined ? [] : [`Inputs: ${fc.stringify(failure.inputs)}`]),
    ...interleaving,
    // A race report has its own Replay line.
    ...(failure.outcome.races.length > 0 ? [] : [`Replay: ${replay(settings, failure, vitest)}`]),
    `Or pass ${options} in this concurrentTest's options to replay it.`,
  ].join('\n')
}

/**
 * Progress for an interactive terminal: once a test has run for a while, a line a second
 * with its run count goes to the file the run summary reporter shows (DESIGN: progress
 * without cluttering CI; the plugin sets no file there).
 */
function progressWriter(file: string, test: string, settings: RaceSettings): (run: number) => void {
  const start = safeDateNow()
  let last = start
  const of = settings.strategy === 'exhaustive' ? `up to ${settings.maxInterleavings}` : `${settings.iterations + 1}`
  return (run) => {
    const now = safeDateNow()
    if (now - start < PROGRESS_AFTER_MS || now - last < PROGRESS_EVERY_MS) return
    last = now
    try {
      appendFileSync(file, `${JSON.stringify({ test, run, of, seconds: Math.round((now - start) / 1000) })}\n`)
    } catch {
      // progress is a courtesy: never fail a test for it
    }
  }
}

const PROGRESS_AFTER_MS = 2_000
const PROGRESS_EVERY_MS = 1_000

async function runIterations(name: string, body: ConcurrentBody, settings: RaceSettings, vitest: TestContext, inputs: fc.Arbitrary<unknown[]> | undefined): Promise<void> {
  const withValues = (values: unknown[]): ConcurrentBody => (ctx) => (body as unknown as PropertyBody<unknown[]>)(values, ctx)
  const onRun = settings.progressFile === undefined ? undefined : progressWriter(settings.progressFile, vitest.task.fullName, settings)
  const failure = await explore({
    settings,
    body,
    vitest,
    ...(onRun === undefined ? {} : { onRun }),
    ...(inputs === undefined ? {} : { inputs: { arbitrary: inputs, body: withValues } }),
  })
  if (failure === undefined) return
  const note = explorationNote(name, settings, failure, vitest)
  const failingBody = failure.inputs === undefined ? body : withValues([...failure.inputs])
  if (failure.outcome.races.length > 0) throw await raceFailure(settings, failingBody, vitest, failure, note)
  throw await failWith(vitest, failure.outcome.error, [...failure.outcome.notes, note])
}

/**
 * Replays the failing iteration with stacks captured for the racing locations (DESIGN §6a),
 * falling back to capturing everything, then to the first run's records without stacks.
 */
async function raceFailure(settings: RaceSettings, body: ConcurrentBody, vitest: TestContext, failure: Failure, note: string): Promise<Error> {
  const first = failure.outcome
  const plan = { settings, seed: failure.seed, iteration: 0, schedule: failure.schedule, body, vitest }
  const labels = new Set(first.races.map((r) => r.location.label))
  let outcome = await runIteration({ ...plan, capture: { labels } })
  if (outcome.races.length === 0) outcome = await runIteration({ ...plan, capture: 'all' })
  if (outcome.races.length === 0) outcome = first
  const error = dataRaceError(outcome.races, outcome.run, replay(settings, failure, vitest), settings.stripPathPrefix ?? settings.root, first.error)
  // For the run summary in Vitest's main process (reporter.ts).
  const meta: RaceMeta = { races: error.races }
  ;(vitest.task.meta as Record<string, unknown>)[META_KEY] = meta
  return withNote(error, note)
}
