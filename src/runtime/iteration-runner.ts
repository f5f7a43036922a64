/**
 * Runs one iteration of a concurrentTest body: a fresh IterationRun, the body as the test
 * body worker, every worker it started finished, and what happened as data.
 */
import type { TestContext } from 'vitest'
import type { RaceSettings } from '../options.js'
import { runAs } from './context.js'
import { IterationRun, type CapturePlan, type WorkerInfo } from './iteration.js'
import { codeLocationKey } from './race-failure.js'
import { createConcurrentContext, type ConcurrentContext } from './test-context.js'
import { releaseTurns, retainTurns } from './async-hooks.js'
import { releaseHooks, retainHooks } from './access-hooks.js'
import { workerName } from './workers.js'
import { safeObjectIs, safePromiseAll, SafePromise, safeSetImmediate, safeThen } from './builtins.js'
import { strategyFor, type Schedule } from './strategies.js'
import { outcomeOf } from './run-outcome.js'
import type { IterationOutcome } from '../report/iteration-outcome.js'
import type { Strategy } from './scheduler.js'

/** The body of a concurrentTest: runs once per iteration. */
export type ConcurrentBody = (ctx: ConcurrentContext) => unknown

/**
 * What one iteration did: its outcome as plain data (races, the workers they name, the
 * schedule, notes), and whether it failed with what.
 */
export interface Outcome extends IterationOutcome {
  /**
   * Whether the body (or a worker nothing awaited) threw. Explicit, because the thrown value
   * may be anything, `undefined`, `null`, `0` and `''` included.
   */
  readonly failed: boolean
  /** What was thrown, unchanged (undefined when nothing was, or when `undefined` was). */
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
  let failed = false
  if (settings.race) retainTurns()
  retainHooks(settings.race)
  try {
    await runAs({ run, worker: 0 }, async () => {
      await body(ctx)
    })
  } catch (e) {
    error = e
    failed = true
  } finally {
    // Workers nobody joined still belong to this iteration: let them finish first. After a
    // failure, only for one event-loop turn (the cancelled ones unwind in it): a worker that
    // waits on something that never settles must not turn the failure into a timeout.
    const all = safePromiseAll(run.settled)
    await (failed ? new SafePromise<void>((resolve) => {
      const done = () => resolve()
      safeThen(all, done, done)
      safeSetImmediate(done)
    }) : all)
    releaseHooks(settings.race)
    if (settings.race || run.promiseWatch) releaseTurns()
  }
  const notes: string[] = []
  if (failed) {
    const thrower = throwerOf(run, error)
    if (thrower !== undefined) notes[notes.length] = `thrown by ${workerName(thrower)}`
  } else {
    const lost = run.unobservedFailure()
    if (lost !== undefined) {
      error = lost.error
      failed = true
      notes[notes.length] = `thrown by ${workerName(lost)} (its promise was never awaited)`
    }
  }
  return { ...outcomeOf(run, run.detector?.races ?? [], notes), failed, error: failed ? error : undefined }
}

/** The worker that threw `error` (the same value), if the body's failure came from one. */
function throwerOf(run: IterationRun, error: unknown): WorkerInfo | undefined {
  for (const w of run.workers.values()) if (w.state === 'failed' && safeObjectIs(w.error, error)) return w
  return undefined
}
