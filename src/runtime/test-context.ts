/**
 * The context a concurrentTest body receives, built in one place (STYLE: Vitest's
 * context.ts): Vitest's own test context, extended, never mutated, plus the helpers
 * bound to this iteration.
 */
import type { TestContext } from 'vitest'
import type { IterationRun } from './iteration.js'
import { fanOut, pause, scheduled, spawn } from './workers.js'

/**
 * What a `concurrentTest` body receives: Vitest's test context (`expect`, `task`, `signal`, …)
 * plus the race helpers, bound to the current iteration.
 *
 * @example
 * concurrentTest('debits', async ({ track, fanOut, expect }) => {
 *   const svc = track(new BalanceService(), 'svc')
 *   await fanOut(50, () => svc.debit('merchant-1', 100))
 *   expect(svc.balance('merchant-1')).toBe(5_000)
 * })
 */
export interface ConcurrentContext extends TestContext {
  /** A deep, lazy tracked view of `value`; `name` starts the printed names of its locations. */
  track<T>(value: T, name?: string): T
  /**
   * Start `n` async workers running `fn(index, signal)`; resolves to their results in index
   * order. If one throws, the others are cancelled (`signal` aborts) and this rejects with
   * that error, saying which worker threw.
   */
  fanOut<T>(n: number, fn: (index: number, signal: AbortSignal) => T | Promise<T>): Promise<Awaited<T>[]>
  /** Start one worker; awaiting the returned promise joins it. */
  spawn<T>(fn: () => T | Promise<T>): Promise<Awaited<T>>
  /** A scheduling point: the scheduler may run other workers before this one goes on. */
  pause(): Promise<void>
  /** Wrap an async function (a mocked I/O call) so that its settling is a scheduling point. */
  scheduled<A extends unknown[], R>(fn: (...args: A) => R | Promise<R>): (...args: A) => Promise<R>
  /** This iteration's number, from 0. */
  readonly iteration: number
  /** This iteration's seed: `{ seed }` in the test's options replays it. */
  readonly seed: number
  /** Whether race mode (the detector) is on. */
  readonly raceMode: boolean
}

/** The context of one iteration. */
export function createConcurrentContext(vitest: TestContext, run: IterationRun, iteration: number): ConcurrentContext {
  const own: Omit<ConcurrentContext, keyof TestContext> = {
    track: (value, name) => run.tracker.track(value, name),
    fanOut: (n, fn) => fanOut(run, n, fn),
    spawn: (fn) => spawn(run, fn),
    pause: () => pause(run),
    scheduled: (fn) => scheduled(run, fn),
    iteration,
    seed: run.seed,
    raceMode: run.recording,
  }
  return Object.assign(Object.create(vitest) as TestContext, own)
}
