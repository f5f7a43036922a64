/** The time budget, on a fake clock: exploring stops before the timeout, never loses a failure. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS, type RaceSettings } from '../../src/options.js'
import { exploreRuns } from '../../src/runtime/exploration.js'
import { budgetNote } from '../../src/runtime/budget-note.js'
import { BudgetMeter, EXPLORE_SHARE, SHRINK_SHARE, timeBudget } from '../../src/runtime/time-budget.js'
import type { ConcurrentContext } from '../../src/runtime/test-context.js'

/** A clock that moves only when told. */
function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000
  return { now: () => t, advance: (ms) => (t += ms) }
}

const settings = (over: Partial<RaceSettings> = {}): RaceSettings => ({ ...DEFAULT_SETTINGS, seed: 1, iterations: 50, ...over })
const vitest = { expect } as never

describe('timeBudget', () => {
  it('explores until 60 % and shrinks until 80 % of the timeout', () => {
    const b = timeBudget(5_000)!
    expect(b).toMatchObject({ timeoutMs: 5_000, exploreMs: 5_000 * EXPLORE_SHARE, shrinkMs: 5_000 * SHRINK_SHARE })
    expect(b.exploreMs).toBe(3_000)
    expect(b.shrinkMs).toBe(4_000)
  })

  it.each([0, -1, Number.POSITIVE_INFINITY, Number.NaN])('makes no budget for a timeout of %s (none)', (t) => {
    expect(timeBudget(t)).toBeUndefined()
  })
})

describe('BudgetMeter', () => {
  it('lets a run start only if, at the mean run time so far, it ends within the phase', () => {
    const clock = fakeClock()
    const meter = new BudgetMeter(timeBudget(1_000, clock.now)!)
    expect(meter.allows('explore')).toBe(true)
    meter.started()
    clock.advance(250)
    meter.ended()
    // 250 elapsed + 250 expected ≤ 600
    expect(meter.allows('explore')).toBe(true)
    meter.started()
    clock.advance(150)
    meter.ended()
    // 400 elapsed + 200 mean = 600 ≤ 600; one more ms is too many
    expect(meter.allows('explore')).toBe(true)
    clock.advance(1)
    expect(meter.allows('explore')).toBe(false)
    // shrinking may go on until 800
    expect(meter.allows('shrink')).toBe(true)
    clock.advance(200)
    expect(meter.allows('shrink')).toBe(false)
    expect(meter.elapsed()).toBe(601)
  })
})

describe('exploreRuns under a budget', () => {
  it('stops exploring at the budget, passes, and counts the runs', async () => {
    const clock = fakeClock()
    let bodies = 0
    const body = (): void => {
      bodies++
      clock.advance(100)
    }
    const r = await exploreRuns({ settings: settings(), body, vitest, budget: timeBudget(1_000, clock.now)! })
    // 100 ms a run against 600 ms: the first run, then 5 more (each ends by 600).
    expect(r).toMatchObject({ failure: undefined, runs: 6, stoppedByBudget: true, elapsedMs: 600 })
    expect(bodies).toBe(6)
  })

  it('runs everything when it fits, and says it was not stopped', async () => {
    const clock = fakeClock()
    const body = (): void => clock.advance(1)
    const r = await exploreRuns({ settings: settings({ iterations: 10 }), body, vitest, budget: timeBudget(1_000, clock.now)! })
    expect(r).toMatchObject({ failure: undefined, runs: 11, stoppedByBudget: false })
  })

  it('keeps a failure found before the budget ran out, even when shrinking is cut short', async () => {
    const clock = fakeClock()
    // Fails from the 4th run on for an odd n: shrinking n tries dozens of values, most of them even.
    const body = (n: unknown) => (ctx: ConcurrentContext): void => {
      clock.advance(100)
      if (ctx.iteration >= 3 && (n as number) % 2 === 1) throw new Error(`failed with ${String(n)}`)
    }
    const inputs = { arbitrary: fc.integer({ min: 0, max: 2 ** 30 }), body }
    const r = await exploreRuns({ settings: settings(), body: body(-1), inputs, vitest, budget: timeBudget(1_000, clock.now)! })
    expect(r.failure).toBeDefined()
    expect((r.failure!.outcome.error as Error).message).toMatch(/^failed with \d+$/)
    expect((r.failure!.inputs as number) % 2).toBe(1)
    // Found at 400 ms; shrinking went on until 800 ms and no further.
    expect(r.elapsedMs).toBe(800)
  })

  it('never cuts the exhaustive search short: it promises every interleaving', async () => {
    const clock = fakeClock()
    const body = async ({ fanOut, pause }: ConcurrentContext): Promise<void> => {
      clock.advance(100)
      await fanOut(2, async () => {
        await pause()
        await pause()
      })
    }
    const r = await exploreRuns({ settings: settings({ strategy: 'exhaustive' }), body, vitest, budget: timeBudget(1_000, clock.now)! })
    // Every interleaving of 2 workers, at 100 ms each: past the 600 ms the budget would allow.
    expect(r).toMatchObject({ failure: undefined, stoppedByBudget: false })
    expect(r.runs).toBeGreaterThan(6)
    expect(r.elapsedMs).toBe(100 * (r.runs + 1)) // the interleavings and the first run
  })

  it('without a budget runs every iteration however long they take', async () => {
    const clock = fakeClock()
    const r = await exploreRuns({ settings: settings({ iterations: 20 }), body: () => clock.advance(10_000), vitest })
    expect(r).toMatchObject({ runs: 21, stoppedByBudget: false, elapsedMs: 0 })
  })
})

describe('budgetNote', () => {
  it('says how many runs of how many, the time, and what to change', () => {
    expect(budgetNote('a.test.ts > t', settings(), 23, 3_012, 5_000)).toBe(
      'vitest-race: a.test.ts > t: the time budget ended exploring after 23 of 51 runs, with no failure (3.0 s of the 5.0 s timeout). ' +
        "Pass a larger timeout in the test's options to run them all.",
    )
  })
})
