/** Exploring schedules: the first runs, random search with shrinking and replay, PCT, the exhaustive search. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS, RaceOptionError, type RaceSettings } from '../../src/options.js'
import { exploreRuns } from '../../src/runtime/exploration.js'
import type { ConcurrentContext } from '../../src/runtime/test-context.js'

const settings = (over: Partial<RaceSettings> = {}): RaceSettings => ({ ...DEFAULT_SETTINGS, seed: 0x5eed, iterations: 50, ...over })
const vitest = { expect } as never

/**
 * Two workers each check a flag, pause, then claim: a check-then-act. It fails when both
 * checked before either claimed, which the run with no context switch never does.
 */
function checkThenAct(): (ctx: ConcurrentContext) => Promise<void> {
  return async ({ fanOut, pause }) => {
    const state = { taken: false, claims: 0 }
    await fanOut(2, async () => {
      if (!state.taken) {
        await pause()
        state.taken = true
        state.claims++
      }
    })
    if (state.claims !== 1) throw new Error(`claimed ${state.claims} times`)
  }
}

describe('the first runs', () => {
  it('stress mode starts with the run with no context switch: each worker runs to its end in turn', async () => {
    const orders: string[][] = []
    const body = async ({ fanOut, pause, iteration }: ConcurrentContext): Promise<void> => {
      const log: string[] = []
      await fanOut(2, async (i) => {
        log.push(`${i}a`)
        await pause()
        log.push(`${i}b`)
      })
      if (iteration === 0) orders.push(log)
    }
    const r = await exploreRuns({ settings: settings({ iterations: 3 }), body, vitest })
    expect(r).toMatchObject({ failure: undefined, runs: 4 })
    expect(orders).toEqual([['0a', '0b', '1a', '1b']])
  })

  it('a check-then-act passes the run with no switch, and random exploration finds it', async () => {
    const r = await exploreRuns({ settings: settings(), body: checkThenAct(), vitest })
    expect(r.failure).toBeDefined()
    expect(r.failure!.failedRun).toBeGreaterThan(1)
    expect((r.failure!.outcome.error as Error).message).toBe('claimed 2 times')
    expect(r.failure!.schedule.kind).toBe('decisions')
  })

  it("race mode plays a plain Promise.all's schedule first: the check-then-act fails on run 1", async () => {
    const r = await exploreRuns({ settings: settings({ race: true }), body: checkThenAct(), vitest })
    expect(r.failure).toMatchObject({ failedRun: 1, schedule: { kind: 'roundRobin' }, path: undefined, shrinks: 0 })
    expect(r.runs).toBe(1)
  })
})

describe('random exploration', () => {
  it('shrinks a failing schedule to few context switches', async () => {
    const r = await exploreRuns({ settings: settings(), body: checkThenAct(), vitest })
    const schedule = r.failure!.schedule
    expect(schedule.kind).toBe('decisions')
    const decisions = schedule.kind === 'decisions' ? schedule.decisions : []
    // The smallest failing schedules switch once or twice; every decision after is 0 or cut.
    expect(decisions.filter((d) => d !== 0).length).toBeLessThanOrEqual(2)
    expect(decisions.every((d) => d <= 1)).toBe(true)
  })

  it('finds the same failure from the same seed, and replays it exactly from seed and path', async () => {
    const a = await exploreRuns({ settings: settings(), body: checkThenAct(), vitest })
    const b = await exploreRuns({ settings: settings(), body: checkThenAct(), vitest })
    expect(b.failure!.path).toBe(a.failure!.path)
    expect(b.failure!.schedule).toEqual(a.failure!.schedule)
    const replay = await exploreRuns({ settings: settings({ path: a.failure!.path! }), body: checkThenAct(), vitest })
    expect(replay.failure!.schedule).toEqual(a.failure!.schedule)
    expect(replay.failure!.outcome.steps).toEqual(a.failure!.outcome.steps)
  })

  it('reports no failure, and every run, for a body that cannot fail', async () => {
    const body = async ({ fanOut, pause }: ConcurrentContext): Promise<void> => {
      await fanOut(3, () => pause())
    }
    expect(await exploreRuns({ settings: settings({ iterations: 20 }), body, vitest })).toMatchObject({ failure: undefined, runs: 21, stoppedByBudget: false })
  })

  it('draws property inputs with the schedule and shrinks them too (concurrentTest.prop)', async () => {
    // Not on the first run: a failure there is reported with the first inputs drawn, unshrunk.
    const body = (n: unknown) => async ({ fanOut, pause, iteration }: ConcurrentContext): Promise<void> => {
      await fanOut(2, () => pause())
      if (iteration > 0 && (n as number) >= 10) throw new Error(`n = ${String(n)}`)
    }
    const r = await exploreRuns({ settings: settings(), body: body(0), inputs: { arbitrary: fc.integer({ min: 0, max: 1_000 }), body }, vitest })
    expect(r.failure!.inputs).toBe(10)
  })
})

describe('pct', () => {
  it('finds an order violation (depth 1) and names its schedule', async () => {
    const body = async ({ fanOut, pause }: ConcurrentContext): Promise<void> => {
      const log: number[] = []
      await fanOut(2, async (i) => {
        await pause()
        log.push(i)
      })
      if (log[0] !== 0) throw new Error('worker 1 went first')
    }
    const r = await exploreRuns({ settings: settings({ strategy: 'pct', depth: 1 }), body, vitest })
    expect(r.failure?.schedule.kind).toBe('pct')
    expect((r.failure!.outcome.error as Error).message).toBe('worker 1 went first')
  })
})

describe('the exhaustive search', () => {
  it('visits every interleaving of two workers once, from the one with no switch', async () => {
    const orders: string[] = []
    const body = async ({ fanOut, pause }: ConcurrentContext): Promise<void> => {
      const log: string[] = []
      await fanOut(2, async (i) => {
        log.push(`${i}a`)
        await pause()
        log.push(`${i}b`)
      })
      orders.push(log.join(' '))
    }
    const r = await exploreRuns({ settings: settings({ strategy: 'exhaustive' }), body, vitest })
    expect(r.failure).toBeUndefined()
    // The first entry is the first run's (no switch); then one per interleaving the search made.
    expect(orders[0]).toBe('0a 0b 1a 1b')
    const searched = orders.slice(1)
    expect(searched).toHaveLength(r.runs)
    expect(new Set(searched)).toEqual(new Set(['0a 0b 1a 1b', '0a 1a 0b 1b', '0a 1a 1b 0b', '1a 0a 0b 1b', '1a 0a 1b 0b', '1a 1b 0a 0b']))
  })

  it('finds the check-then-act, deterministically, without a seed', async () => {
    const a = await exploreRuns({ settings: settings({ strategy: 'exhaustive', seed: 1 }), body: checkThenAct(), vitest })
    const b = await exploreRuns({ settings: settings({ strategy: 'exhaustive', seed: 2 }), body: checkThenAct(), vitest })
    expect(a.failure?.schedule).toEqual(b.failure?.schedule)
    expect(a.failure!.failedRun).toBe(b.failure!.failedRun)
  })

  it('fails clearly beyond maxInterleavings', async () => {
    const body = async ({ fanOut, pause }: ConcurrentContext): Promise<void> => {
      await fanOut(3, async () => {
        await pause()
        await pause()
      })
    }
    const run = exploreRuns({ settings: settings({ strategy: 'exhaustive', maxInterleavings: 5 }), body, vitest })
    await expect(run).rejects.toThrow(RaceOptionError)
    await expect(exploreRuns({ settings: settings({ strategy: 'exhaustive', maxInterleavings: 5 }), body, vitest })).rejects.toThrow(
      'vitest-race: the exhaustive strategy found more than maxInterleavings = 5 interleavings; raise maxInterleavings, make the test smaller, or use strategy',
    )
  })

  it('refuses a path (it replays by itself) and property inputs (it cannot draw them)', async () => {
    await expect(exploreRuns({ settings: settings({ strategy: 'exhaustive', path: '1:0' }), body: () => {}, vitest })).rejects.toThrow(
      'vitest-race: path replays a random or pct schedule; the exhaustive strategy replays by itself (it is deterministic)',
    )
    const inputs = { arbitrary: fc.nat(), body: () => () => {} }
    await expect(exploreRuns({ settings: settings({ strategy: 'exhaustive' }), body: () => {}, inputs, vitest })).rejects.toThrow("use strategy 'random' or 'pct', not 'exhaustive'")
  })
})
