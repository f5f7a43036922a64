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
import { attributeToWorker } from './workers.js'

/** The body of a concurrentTest: runs once per iteration. */
export type ConcurrentBody = (ctx: ConcurrentContext) => unknown

/** What one iteration did. */
export interface Outcome {
  readonly run: IterationRun
  readonly races: RaceRecord[]
  readonly error: unknown
}

/** Run `body` once under `seed`; `capture` turns stack capture on (for a replay). */
export async function runIteration(
  settings: RaceSettings,
  seed: number,
  iteration: number,
  body: ConcurrentBody,
  vitest: TestContext,
  capture: CapturePlan | undefined,
): Promise<Outcome> {
  const run = new IterationRun(settings, seed, capture, capture === undefined ? {} : { raceKey: codeLocationKey })
  const ctx = createConcurrentContext(vitest, run, iteration)
  let error: unknown
  if (settings.race) retainTurns()
  try {
    await runAs({ run, worker: 0 }, async () => {
      await body(ctx)
    })
  } catch (e) {
    error = e
  } finally {
    // Workers nobody joined still belong to this iteration: let them finish first.
    await Promise.all(run.settled)
    if (settings.race) releaseTurns()
  }
  const lost = run.unobservedFailure()
  if (error === undefined && lost !== undefined) {
    error = attributeToWorker(lost.error, lost)
    ;(error as Error).message += ' (its promise was never awaited)'
  }
  return { run, races: run.detector?.races ?? [], error }
}

