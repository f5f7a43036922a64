/**
 * Runs one iteration of a concurrentTest body: a fresh IterationRun, the body as the test
 * body worker, every worker it started finished, and what happened as data.
 */
import type { TestContext } from 'vitest'
import type { RaceRecord } from '../detector/race-record.js'
import type { RaceSettings } from '../options.js'
import { runAs } from './context.js'
import { IterationRun, type CapturePlan } from './iteration.js'
import { codeLocationKey } from './race-failure.js'
import { createConcurrentContext, type ConcurrentContext } from './test-context.js'
import { releaseTurns, retainTurns } from './async-hooks.js'
import { releaseHooks, retainHooks } from './access-hooks.js'
import { attributeToWorker } from './workers.js'
import { appendToMessage } from './error-notes.js'
import { strategyFor, type Schedule } from './strategies.js'
import type { Strategy } from './scheduler.js'

/** The body of a concurrentTest: runs once per iteration. */
export type ConcurrentBody = (ctx: ConcurrentContext) => unknown

/** What one iteration did. */
export interface Outcome {
  readonly run: IterationRun
  readonly races: RaceRecord[]
  readonly error: unknown
}

/** One iteration to run. */
export interface IterationPlan {
  readonly settings: RaceSettings
  /** The run's seed, shown to the body as `ctx.seed`. */
  readonly seed: number
  /** The iteration's number, shown as `ctx.iteration`. */
  readonly iteration: number
  /** What the scheduler plays. */
  readonly schedule: Schedule
  readonly body: ConcurrentBody
  readonly vitest: TestContext
  /** Stack capture (for the replay that builds a report); off by default. */
  readonly capture?: CapturePlan
  /** Plays the schedule instead of the strategy made from it (the exhaustive search reads it back). */
  readonly strategy?: Strategy
}

/** Run the body once under `plan.schedule`. */
export async function runIteration(plan: IterationPlan): Promise<Outcome> {
  const { settings, seed, iteration, schedule, body, vitest, capture } = plan
  const run = new IterationRun(settings, seed, plan.strategy ?? strategyFor(schedule), capture, capture === undefined ? {} : { raceKey: codeLocationKey })
  const ctx = createConcurrentContext(vitest, run, iteration)
  let error: unknown
  if (settings.race) retainTurns()
  retainHooks(settings.race)
  try {
    await runAs({ run, worker: 0 }, async () => {
      await body(ctx)
    })
  } catch (e) {
    error = e
  } finally {
    // Workers nobody joined still belong to this iteration: let them finish first.
    await Promise.all(run.settled)
    releaseHooks(settings.race)
    if (settings.race) releaseTurns()
  }
  const lost = run.unobservedFailure()
  if (error === undefined && lost !== undefined) {
    error = appendToMessage(attributeToWorker(lost.error, lost), ' (its promise was never awaited)')
  }
  return { run, races: run.detector?.races ?? [], error }
}

