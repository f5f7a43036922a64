/**
 * Race mode on the tests a team already has (DESIGN §4b): every test that is not a
 * concurrentTest runs once, as written, under the detector. The setup file registers one
 * `aroundEach` hook; the test (its beforeEach and afterEach hooks included) runs as the test
 * body of a plain IterationRun, whose calls left in flight, timers and async listeners become
 * tasks (tasks.ts). A race fails the test with the same DataRaceError, report and summary as
 * a concurrentTest's. A test opts out with `{ meta: { race: false } }`.
 */
import * as vitest from 'vitest'
import type { TestContext } from 'vitest'
import type { RaceSettings } from '../options.js'
import { META_KEY, type RaceMeta } from '../provided.js'
import { runAs } from './context.js'
import { IterationRun } from './iteration.js'
import { releaseTurns, retainTurns } from './async-hooks.js'
import { releaseHooks, retainHooks } from './access-hooks.js'
import { RoundRobinStrategy } from './strategies.js'
import { dataRaceError } from './race-failure.js'
import { replayCommand } from './run-settings.js'
import { withSuppressions } from './suppressions.js'
import { outcomeOf } from './run-outcome.js'

/** Set in a concurrentTest's meta: it runs its own iterations, never wrapped. */
export const CONCURRENT_META_KEY = 'vitest-race:concurrent'

/** Whether `task`'s meta turns race mode off for it (`{ meta: { race: false } }`). */
function optedOut(meta: Record<string, unknown>): boolean {
  return meta.race === false || meta[CONCURRENT_META_KEY] === true
}

/** Register the hook that checks every plain test (once per test file, from the setup file). */
export function checkPlainTests(settings: RaceSettings): void {
  // A namespace import: Vitest 4.0 has no aroundEach export, and a named import would not link.
  const aroundEach = (vitest as Partial<typeof vitest>).aroundEach
  if (typeof aroundEach !== 'function') {
    process.emitWarning('vitest-race: this Vitest has no aroundEach (Vitest 4.1 or later has it): race mode checks concurrentTest only, not plain tests.')
    return
  }
  // Vitest reads a hook's second parameter as the fixtures it uses: it must be a destructuring.
  aroundEach(async (runTest, { task }) => {
    if (optedOut(task.meta as Record<string, unknown>)) return runTest()
    await checkPlainTest(settings, task.context, runTest)
  })
}

/**
 * Runs `body` once, as written, as the test body of a plain IterationRun in race mode (every
 * access's stack kept; calls left in flight, timers and async listeners become tasks), and
 * returns the run once `body` has settled. The aroundEach hook runs each plain test so.
 *
 * @example
 * const run = await runPlainTest(settings, async () => { await Promise.all([debit(1), debit(2)]) })
 * run.detector!.races // the lost update between the two calls
 */
export async function runPlainTest(settings: RaceSettings, body: () => Promise<void>): Promise<IterationRun> {
  const run = new IterationRun(settings, settings.seed ?? 0, new RoundRobinStrategy(), 'all', {}, true)
  retainTurns()
  retainHooks(true)
  try {
    await runAs({ run, worker: 0 }, body)
  } finally {
    releaseHooks(true)
    releaseTurns()
  }
  return run
}

async function checkPlainTest(settings: RaceSettings, context: TestContext, runTest: () => Promise<void>): Promise<void> {
  const run = await runPlainTest(settings, runTest)
  const found = run.detector!.races
  if (found.length === 0) return
  const outcome = withSuppressions(outcomeOf(run, found, []), settings)
  const meta: RaceMeta = { races: [], ...(outcome.suppressed > 0 ? { suppressed: outcome.suppressed } : {}) }
  ;(context.task.meta as Record<string, unknown>)[META_KEY] = meta
  if (outcome.races.length === 0) return
  const error = dataRaceError(outcome, replayCommand(settings, ['1'], context), settings.stripPathPrefix ?? settings.root, undefined)
  ;(meta as { races: unknown }).races = error.races
  throw error
}
