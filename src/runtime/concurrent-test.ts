/**
 * `concurrentTest`: registers a Vitest test whose body runs once per iteration, each under
 * a different schedule, with fresh state. The first failing iteration (a race or the
 * body's own failure) fails the test and says how to replay it.
 */
import { inject, test, type TestContext } from 'vitest'
import { applyOptions, resolveRunSettings, type RaceOptions, type RaceSettings } from '../options.js'
import { SETTINGS_KEY } from '../provided.js'
import { runIteration, type ConcurrentBody, type Outcome } from './iteration-runner.js'
import { dataRaceError } from './race-failure.js'
import { formatSeed, iterationSeed, randomSeed } from './random.js'

export type { ConcurrentBody } from './iteration-runner.js'

/** Per-test options: iterations, seed, timeout and history size (see RaceOptions). */
export type ConcurrentTestOptions = RaceOptions

function runSettings(): RaceSettings {
  let provided: RaceSettings | undefined
  try {
    provided = inject(SETTINGS_KEY)
  } catch {
    provided = undefined
  }
  // Without the plugin (no provided settings), the environment alone decides.
  return provided ?? resolveRunSettings(undefined, process.env.VITEST_RACE, process.cwd())
}

function describeValue(v: unknown): string {
  return typeof v === 'function' ? 'a function' : v === null ? 'null' : typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`
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
export function concurrentTest(name: string, body: ConcurrentBody, options?: ConcurrentTestOptions): void {
  if (typeof name !== 'string') {
    throw new TypeError(`vitest-race: concurrentTest(name, body, options): name must be a string, got ${describeValue(name)}`)
  }
  if (typeof body !== 'function') {
    throw new TypeError(`vitest-race: concurrentTest(name, body, options): body = ${describeValue(body)} is not valid: expected a function (ctx) => …`)
  }
  const settings = applyOptions(runSettings(), options, 'concurrentTest options')
  test(name, (ctx) => runIterations(name, body, settings, ctx), settings.timeout)
}

function shellQuote(s: string): string {
  return `"${s.replace(/["\\$`]/g, '\\$&')}"`
}

function replayCommand(settings: RaceSettings, seed: number, vitest: TestContext): string {
  const file = vitest.task.file.filepath
  const rel = settings.root !== '' && file.startsWith(`${settings.root}/`) ? file.slice(settings.root.length + 1) : file
  const pattern = vitest.task.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return `VITEST_RACE="seed=${formatSeed(seed)}" npx vitest run ${rel} -t ${shellQuote(pattern)}`
}

function withReplayNote(error: unknown, note: string): unknown {
  if (!(error instanceof Error)) return new Error(`${String(error)}\n${note}`, { cause: error })
  const before = `${error.name}: ${error.message}`
  error.message += `\n\n${note}`
  if (typeof error.stack === 'string' && error.stack.startsWith(before)) error.stack = `${error.name}: ${error.message}${error.stack.slice(before.length)}`
  return error
}

async function runIterations(name: string, body: ConcurrentBody, settings: RaceSettings, vitest: TestContext): Promise<void> {
  const base = settings.seed ?? randomSeed()
  for (let i = 0; i < settings.iterations; i++) {
    if (vitest.signal?.aborted === true) return
    const seed = iterationSeed(base, i)
    const outcome = await runIteration(settings, seed, i, body, vitest, undefined)
    if (outcome.races.length > 0) {
      throw await raceFailure(settings, seed, i, body, vitest, outcome)
    }
    if (outcome.error !== undefined) {
      const where = `concurrentTest ${JSON.stringify(name)}: iteration ${i + 1} of ${settings.iterations} failed (seed ${formatSeed(seed)}, ${settings.race ? 'race' : 'stress'} mode).`
      const replay = settings.race
        ? `Replay: ${replayCommand(settings, seed, vitest)}`
        : `Replay: pass { seed: ${formatSeed(seed)} } in this concurrentTest's options (or set VITEST_RACE="seed=${formatSeed(seed)}" for race mode).`
      throw withReplayNote(outcome.error, `${where}\n${replay}`)
    }
  }
}

/**
 * Replays the failing iteration with stacks captured for the racing locations (DESIGN §6a),
 * falling back to capturing everything, then to the first run's records without stacks.
 */
async function raceFailure(settings: RaceSettings, seed: number, i: number, body: ConcurrentBody, vitest: TestContext, first: Outcome): Promise<Error> {
  const labels = new Set(first.races.map((r) => r.location.label))
  let outcome = await runIteration(settings, seed, i, body, vitest, { labels })
  if (outcome.races.length === 0) outcome = await runIteration(settings, seed, i, body, vitest, 'all')
  if (outcome.races.length === 0) outcome = first
  return dataRaceError(outcome.races, outcome.run, replayCommand(settings, seed, vitest), settings.root, first.error)
}
