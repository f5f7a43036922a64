/**
 * `throw undefined` (or null, 0, '') from a worker or the body is a failure, not a pass
 * (issue 12): the iteration outcome says `failed` explicitly and keeps the value unchanged.
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS, type RaceSettings } from '../../src/options.js'
import { explore } from '../../src/runtime/exploration.js'
import { runIteration } from '../../src/runtime/iteration-runner.js'
import { randomSchedule } from '../../src/runtime/strategies.js'
import type { ConcurrentContext } from '../../src/runtime/test-context.js'

const FALSY: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['0', 0],
  ["''", ''],
]

const settings = (over: Partial<RaceSettings> = {}): RaceSettings => ({ ...DEFAULT_SETTINGS, race: true, seed: 1, iterations: 30, ...over })
const vitest = { expect } as never

describe('a falsy thrown value fails the iteration', () => {
  it.each(FALSY)('a worker throws %s: failed, with the value unchanged and the worker noted', async (_, value) => {
    const outcome = await runIteration({
      settings: settings(),
      seed: 1,
      iteration: 0,
      schedule: randomSchedule(1),
      vitest,
      body: async ({ fanOut }: ConcurrentContext) => {
        await fanOut(2, (i) => {
          if (i === 1) throw value
        })
      },
    })
    expect(outcome.failed).toBe(true)
    expect(Object.is(outcome.error, value)).toBe(true)
    expect(outcome.notes).toEqual(['thrown by worker 2 (fanOut index 1 of 2)'])
  })

  it('a body that ends normally has not failed', async () => {
    const outcome = await runIteration({ settings: settings(), seed: 1, iteration: 0, schedule: randomSchedule(1), vitest, body: async () => {} })
    expect(outcome.failed).toBe(false)
  })

  it.each(FALSY)('exploring finds a schedule on which the body throws %s, and keeps the value', async (_, value) => {
    // Fails only when fanOut index 1 finishes first: the run with no context switch passes
    // (index 0 runs to its end first), so the search has to find it.
    const body = async ({ fanOut, pause }: ConcurrentContext) => {
      const order: number[] = []
      await fanOut(2, async (i) => {
        await pause()
        order.push(i)
      })
      if (order[0] === 1) throw value
    }
    const failure = await explore({ settings: settings({ race: false }), body, vitest })
    expect(failure).toBeDefined()
    expect(failure!.failedRun).toBeGreaterThan(1)
    expect(failure!.outcome.failed).toBe(true)
    expect(Object.is(failure!.outcome.error, value)).toBe(true)
  })
})
