/**
 * The time budget of one concurrentTest (like fast-check's `interruptAfterTimeLimit`): when
 * the test has no explicit `timeout`, exploring stops before Vitest's timeout would fire, so
 * that a loaded machine makes the test explore less rather than fail. The clock is injected,
 * so the budget is tested without waiting.
 */
import { safeDateNow } from './builtins.js'

/** Share of the test's timeout after which no new schedule is explored. */
export const EXPLORE_SHARE = 0.6
/**
 * Share after which no new shrink step starts: what is left (20 %) is for the replay that
 * builds a race report (one or two more runs) and for Vitest's own work.
 */
export const SHRINK_SHARE = 0.8

/**
 * How long a concurrentTest may explore, on a clock.
 *
 * @example
 * // Vitest's 5 s default timeout: explore until 3 s, shrink until 4 s.
 * const budget = timeBudget(5_000)
 */
export interface TimeBudget {
  /** The clock, in ms (`Date.now` captured at load; a fake one in tests). */
  readonly now: () => number
  /** The test's effective timeout the budget was made from, in ms. */
  readonly timeoutMs: number
  /** No new exploring run starts if it would end after this many ms. */
  readonly exploreMs: number
  /** No new shrinking run starts if it would end after this many ms. */
  readonly shrinkMs: number
}

/** The budget for a test whose effective timeout is `timeoutMs`; undefined when there is no timeout (0 or not finite). */
export function timeBudget(timeoutMs: number, now: () => number = safeDateNow): TimeBudget | undefined {
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) return undefined
  return { now, timeoutMs, exploreMs: timeoutMs * EXPLORE_SHARE, shrinkMs: timeoutMs * SHRINK_SHARE }
}

/** What exploring is doing when it asks for time. */
export type Phase = 'explore' | 'shrink'

/**
 * Measures the runs of one test against its budget: a run starts only if, at the mean
 * duration of the runs so far, it would end within the phase's share of the timeout.
 */
export class BudgetMeter {
  private readonly start: number
  private runs = 0
  private total = 0
  private runStart = 0

  constructor(private readonly budget: TimeBudget) {
    this.start = budget.now()
  }

  /** Whether a run of `phase` may start now. */
  allows(phase: Phase): boolean {
    const elapsed = this.budget.now() - this.start
    const mean = this.runs === 0 ? 0 : this.total / this.runs
    return elapsed + mean <= (phase === 'explore' ? this.budget.exploreMs : this.budget.shrinkMs)
  }

  /** Call when a run starts, then `ended()` when it ends. */
  started(): void {
    this.runStart = this.budget.now()
  }

  ended(): void {
    this.runs++
    this.total += this.budget.now() - this.runStart
  }

  /** Milliseconds since the meter was made. */
  elapsed(): number {
    return this.budget.now() - this.start
  }
}
