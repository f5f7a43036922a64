/**
 * Tasks without fanOut (DESIGN §4b), driven through the hooks the transform calls: a call of
 * an async function that is not awaited at once is a task; its end is joined by whoever
 * awaits its promise; finished tasks give their ids to later ones, so clocks stay as wide
 * as the number of tasks alive at once.
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS, type RaceSettings } from '../../src/options.js'
import { runPlainTest } from '../../src/runtime/plain-test.js'
import type { IterationRun } from '../../src/runtime/iteration.js'
import type { Hooks } from '../../src/runtime/access-hooks.js'

const H = (globalThis as unknown as { __vitestRace: Hooks }).__vitestRace

/** `body` run as a plain test is (DESIGN §4b), with the aroundEach hook's own function. */
function inPlainTest(body: () => Promise<void>): Promise<IterationRun> {
  const settings: RaceSettings = { ...DEFAULT_SETTINGS, race: true, seed: 1 }
  return runPlainTest(settings, body)
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve))

describe('tasks without fanOut', () => {
  it('reports a lost update between two calls handed to Promise.all, and not the same calls awaited in turn', async () => {
    const state = { balance: 100 }
    const debit = async (n: number) => {
      H.r(state, 'balance', -1)
      const b = state.balance
      await tick()
      H.w(state, 'balance', -1)
      state.balance = b - n
    }
    const racy = await inPlainTest(async () => {
      await Promise.all([H.f(undefined, debit, -1, 30) as Promise<void>, H.f(undefined, debit, -1, 20) as Promise<void>])
    })
    expect(racy.detector!.races.map((r) => r.location.label)).toEqual(['object.balance'])
    const sequential = await inPlainTest(async () => {
      await debit(30)
      await debit(20)
    })
    expect(sequential.detector!.races).toEqual([])
  })

  it('a sync callee is no task, and its result comes back unchanged', async () => {
    let tasks = -1
    await inPlainTest(async () => {
      const o = { k: 1, twice(this: { k: number }, x: number) { return this.k * x * 2 } }
      expect(H.f(o, o.twice, -1, 21)).toBe(42)
      tasks = 0
    })
    expect(tasks).toBe(0)
  })

  it('keeps clocks as wide as the tasks alive at once: 10 batches of 1,000 calls', async () => {
    const shared = { hits: 0 }
    const work = async () => {
      H.r(shared, 'hits', -1)
      await tick()
    }
    const run = await inPlainTest(async () => {
      for (let batch = 0; batch < 10; batch++) await Promise.all(Array.from({ length: 1000 }, () => H.f(undefined, work, -1) as Promise<void>))
    })
    expect(run.tasksStarted).toBe(10_000)
    expect(run.clockWidth).toBeLessThanOrEqual(1_001 + 16)
    expect(run.detector!.races).toEqual([])
  })

  it('a call left in flight and awaited before the next one reuses one id', async () => {
    const shared = { n: 0 }
    const work = async () => {
      H.u(shared, 'n', -1)
      shared.n++
      await tick()
    }
    const run = await inPlainTest(async () => {
      for (let i = 0; i < 1000; i++) {
        const p = H.f(undefined, work, -1) as Promise<void>
        await p
      }
    })
    expect(run.tasksStarted).toBe(1000)
    expect(run.clockWidth).toBeLessThanOrEqual(3)
    expect(run.detector!.races).toEqual([])
  })

  it('a non-callable callee throws the TypeError a call would', () => {
    expect(() => H.f(undefined, 42, -1)).toThrow(TypeError)
  })
})

describe('a worker with two flows of its own', () => {
  it('two scheduling points of one worker in flight at once both go on (no hang)', async () => {
    const { inIteration } = await import('./in-iteration.js')
    const { spawn } = await import('../../src/runtime/workers.js')
    const { value } = await inIteration(async (run) => {
      const handle = spawn(run, async () => {
        const flow = async (k: number) => {
          await run.schedulingPoint(`a${k}`)
          await run.schedulingPoint(`b${k}`)
          return k
        }
        return Promise.all([flow(1), flow(2)])
      })
      return handle
    })
    expect(value).toEqual([1, 2])
  })
})
