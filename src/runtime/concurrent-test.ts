/**
 * Running a concurrentTest: the Vitest test function that runs the body once per iteration,
 * each under a different schedule, with fresh state. The first failing iteration (a race or
 * the body's own failure) fails the test and says how to replay it. The API users call
 * (`concurrentTest`, `.skip`, `.for`, `.extend`, …) is in src/concurrent-test-api.ts.
 */
import { appendFileSync } from 'node:fs'
import fc from 'fast-check'
import type { TestContext, TestOptions } from 'vitest'
import { applyOptions, DEFAULT_SETTINGS, type RaceSettings } from '../options.js'
import { describeValue, replayCommand, runSettings } from './run-settings.js'
import { exploreRuns, type Failure, type Inputs } from './exploration.js'
import { splitOptions } from './test-options.js'
import { BUDGET_META_KEY, budgetMeta, budgetNote, log } from './budget-note.js'
import { timeBudget } from './time-budget.js'
import type { ConcurrentContext } from './test-context.js'
import { runIteration, type ConcurrentBody } from './iteration-runner.js'
import { formatSteps } from '../report/schedule-steps.js'
import { dataRaceError, failWithRaces } from './race-failure.js'
import { formatSeed } from './random.js'
import { safeDateNow } from './builtins.js'
import { failWith } from './error-notes.js'
import { CONCURRENT_META_KEY } from './plain-test.js'

export type { ConcurrentBody } from './iteration-runner.js'

/** A test's checked arguments: its settings and the options that go to Vitest. */
export interface Registered {
  readonly settings: RaceSettings
  readonly vitestOptions: TestOptions
}

/** Checks a concurrentTest's name, body and options (`api` names the call in errors). */
export function checkTest(api: string, name: unknown, body: unknown, options: unknown): Registered {
  if (typeof name !== 'string') {
    throw new TypeError(`vitest-race: ${api}: name must be a string, got ${describeValue(name)}`)
  }
  if (typeof body !== 'function') {
    throw new TypeError(`vitest-race: ${api}: body = ${describeValue(body)} is not valid: expected a function`)
  }
  const split = splitOptions(options)
  const settings = applyOptions(runSettings(), split.race, 'concurrentTest options')
  const meta = { ...(split.vitest.meta ?? {}), [CONCURRENT_META_KEY]: true }
  return { settings, vitestOptions: { ...split.vitest, meta, ...(settings.timeout === undefined ? {} : { timeout: settings.timeout }) } }
}

/** The body of a concurrentTest.prop: the drawn values (a tuple or a record), then the context. */
export type PropertyBody<Ts, Extra extends object = object> = (values: Ts, ctx: ConcurrentContext & Extra) => unknown

/**
 * The function Vitest runs for a concurrentTest: every iteration of `body`. `source` is the
 * user's function whose context parameter Vitest reads to know which fixtures to build (it
 * reads the parameter list, so the handler shows that function's source).
 */
export function testHandler(body: ConcurrentBody, settings: RaceSettings, source: string, inputs?: Inputs): (ctx: TestContext) => Promise<void> {
  const handler = (ctx: TestContext): Promise<void> => runIterations(body, settings, ctx, inputs)
  return showingSource(handler, source)
}

/** `fn`, whose `toString()` is `source` (how Vitest finds the fixtures a test uses). */
export function showingSource<F extends (...args: never[]) => unknown>(fn: F, source: string): F {
  Object.defineProperty(fn, 'toString', { value: () => source, enumerable: false, configurable: true, writable: true })
  return fn
}

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
  const steps = failure.outcome.steps
  const roundRobin = failure.schedule.kind === 'roundRobin'
  const fixed = roundRobin ? "the run in Promise.all's order (every worker to its next await in turn)" : 'the run with no context switch'
  const how =
    failure.path === undefined
      ? settings.strategy === 'exhaustive' && failure.failedRun > 1
        ? `interleaving ${failure.failedRun} of the exhaustive search`
        : fixed
      : `run ${failure.failedRun} (seed ${formatSeed(failure.seed)}, path ${failure.path}, ${settings.strategy} strategy), shrunk ${failure.shrinks} times`
  const options = `{ seed: ${formatSeed(failure.seed)}${failure.path === undefined ? '' : `, path: '${failure.path}'`} }`
  // With no context switch, the steps say nothing: every worker ran to its end in turn.
  const firstFixedRun = failure.path === undefined && (roundRobin || failure.schedule.kind === 'decisions' && failure.schedule.decisions.length === 0) && settings.strategy !== 'exhaustive'
  const interleaving =
    firstFixedRun || (failure.path === undefined && failure.failedRun === 1)
      ? [failure.outcome.races.length > 0 ? `No search was needed: the detector predicts it from ${fixed}.` : `No search was needed: ${fixed} fails.`]
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

async function runIterations(body: ConcurrentBody, settings: RaceSettings, vitest: TestContext, inputs: Inputs | undefined): Promise<void> {
  const name = vitest.task.name
  const onRun = settings.progressFile === undefined ? undefined : progressWriter(settings.progressFile, vitest.task.fullName, settings)
  // An explicit timeout is the user's choice; otherwise the budget keeps within Vitest's.
  const budget = settings.timeout === undefined && settings.path === undefined ? timeBudget(vitest.task.timeout) : undefined
  const { failure, runs, stoppedByBudget, elapsedMs } = await exploreRuns({
    settings,
    body,
    vitest,
    ...(onRun === undefined ? {} : { onRun }),
    ...(inputs === undefined ? {} : { inputs }),
    ...(budget === undefined ? {} : { budget }),
  })
  if (failure === undefined) {
    if (stoppedByBudget && budget !== undefined) {
      log(budgetNote(vitest.task.fullName, settings, runs, elapsedMs, budget.timeoutMs))
      ;(vitest.task.meta as Record<string, unknown>)[BUDGET_META_KEY] = budgetMeta(settings, runs, elapsedMs, budget.timeoutMs)
    }
    return
  }
  const note = explorationNote(name, settings, failure, vitest)
  const failingBody = failure.inputs === undefined || inputs === undefined ? body : inputs.body(failure.inputs)
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
  const labels = new Set(first.races.map((r) => r.location))
  let outcome = await runIteration({ ...plan, capture: { labels } })
  if (outcome.races.length === 0) outcome = await runIteration({ ...plan, capture: 'all' })
  if (outcome.races.length === 0) outcome = first
  const error = dataRaceError(outcome, replay(settings, failure, vitest), settings.stripPathPrefix ?? settings.root, first.failed ? { error: first.error } : undefined)
  // For the run summary in Vitest's main process (reporter.ts).
  return failWithRaces(vitest, error, note)
}
