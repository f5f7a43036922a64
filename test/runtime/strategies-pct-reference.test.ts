/**
 * PctStrategy keeps the pending workers in a heap (O(log n) a step); it must pick exactly the
 * worker the linear definition picks, for every schedule: checked against that definition,
 * kept here as the reference model, over thousands of seeded runs of a simulated scheduler
 * and over real iterations through the Scheduler.
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS } from '../../src/options.js'
import { runIteration } from '../../src/runtime/iteration-runner.js'
import { Random } from '../../src/runtime/random.js'
import type { Strategy } from '../../src/runtime/scheduler.js'
import { PctStrategy, type Schedule } from '../../src/runtime/strategies.js'
import { Mutex } from '../../src/sync/mutex.js'

/** PctStrategy as it was before the heap: a scan of every pending worker at each step. */
class LinearPct implements Strategy {
  private step = 0
  private readonly priority: number[] = []
  private readonly changeAt: number[] = []

  constructor(
    private readonly priorities: readonly number[],
    changes: readonly number[],
  ) {
    for (let i = changes.length - 1; i >= 0; i--) this.changeAt[changes[i]!] = i
  }

  pick(pending: readonly number[]): number {
    let best = pending[0]!
    let top = this.priorityOf(best)
    for (let i = 1; i < pending.length; i++) {
      const p = this.priorityOf(pending[i]!)
      if (p > top) {
        top = p
        best = pending[i]!
      }
    }
    const change = this.changeAt[this.step++]
    if (change !== undefined) this.priority[best] = change
    return best
  }

  private priorityOf(worker: number): number {
    const p = this.priority[worker]
    if (p !== undefined) return p
    return (this.priority[worker] = 1_000_000 + (this.priorities[worker - 1] ?? 0))
  }
}

/** A PCT schedule drawn from `random`: narrow priorities make ties (the lowest id must win them). */
function pctSchedule(random: Random, workers: number, steps: number): { priorities: number[]; changes: number[] } {
  const range = random.int(2) === 0 ? 4 : 0x10000
  const priorities = Array.from({ length: random.int(workers * 2 + 1) }, () => random.int(range))
  const changes = Array.from({ length: random.int(5) }, () => random.int(steps))
  return { priorities, changes }
}

type State = 'running' | 'pending' | 'blocked' | 'done'

/**
 * One seeded run of a simulated scheduler: workers start, wait, block and wake, finish (their
 * ids reused, as finished tasks' are), get cancelled while pending, and are let go by the
 * starvation guard without a pick; at each pick both strategies see the same pending list.
 * The picks that differ, as `step: heap ≠ linear`.
 */
function simulate(seed: number, ops: number, make: (priorities: number[], changes: number[]) => Strategy = (p, c) => new PctStrategy(p, c)): string[] {
  const random = new Random(seed)
  const { priorities, changes } = pctSchedule(random, 12, ops)
  const heap = make(priorities, changes)
  const linear = new LinearPct(priorities, changes)
  const state: State[] = []
  const pending: number[] = []
  const set = (w: number, s: State) => {
    if (state[w] === 'pending') pending.splice(pending.indexOf(w), 1)
    if (s === 'pending') {
      pending.push(w)
      pending.sort((a, b) => a - b)
      heap.becamePending?.(w)
    }
    state[w] = s
  }
  const some = (s: State) => {
    const ids = state.flatMap((x, w) => (x === s ? [w] : []))
    return ids.length === 0 ? undefined : ids[random.int(ids.length)]
  }
  const differ: string[] = []
  for (let op = 0; op < ops; op++) {
    const r = random.int(100)
    if (r < 8 && state.length < 40) set(state.length === 0 ? 1 : state.length, 'running')
    else if (r < 35) {
      const w = some('running')
      if (w !== undefined) set(w, random.int(4) === 0 ? 'blocked' : 'pending')
    } else if (r < 42) {
      const w = some('blocked')
      if (w !== undefined) set(w, 'pending')
    } else if (r < 47) {
      const w = some('running')
      if (w !== undefined) set(w, 'done')
    } else if (r < 50) {
      const w = some('done')
      if (w !== undefined) set(w, 'running') // a finished task's id taken by a new task
    } else if (r < 53) {
      const w = some('pending')
      if (w !== undefined) set(w, 'running') // cancelled, or let go by the starvation guard
    } else if (pending.length > 0) {
      const list = [...pending]
      const a = heap.pick(list, undefined)
      const b = linear.pick(list)
      if (a !== b) differ.push(`${op}: ${a} ≠ ${b}`)
      set(b, 'running')
    }
  }
  return differ
}

describe('PctStrategy against the linear definition', () => {
  it('picks the same worker at every step of 3,000 seeded scheduler runs', () => {
    const failures: string[] = []
    let picks = 0
    for (let seed = 1; seed <= 3000; seed++) {
      const differ = simulate(seed, 300)
      if (differ.length > 0) failures.push(`seed ${seed}: ${differ.slice(0, 3).join(', ')}`)
      picks++
    }
    expect(picks).toBe(3000)
    expect(failures).toEqual([])
  })

  it('the comparison can fail: a linear pick that lets the highest id win ties differs', () => {
    class HighestIdOnTies extends LinearPct {
      override pick(pending: readonly number[]): number {
        return super.pick([...pending].reverse())
      }
    }
    const failing = Array.from({ length: 50 }, (_, i) => simulate(i + 1, 300, (p, c) => new HighestIdOnTies(p, c))).filter((d) => d.length > 0)
    expect(failing.length).toBeGreaterThan(10)
  })

  /** The steps of one race-mode iteration under `strategy`: workers that pause, lock, spin, join and fail. */
  async function steps(strategy: Strategy, schedule: Schedule, fail: boolean): Promise<string[]> {
    const outcome = await runIteration({
      settings: { ...DEFAULT_SETTINGS, race: true },
      seed: 1,
      iteration: 1,
      schedule,
      strategy,
      vitest: expect.getState() as never,
      body: async ({ fanOut, pause, spawn }) => {
        const mu = new Mutex()
        const state = { done: 0 }
        const helper = spawn(async () => {
          await pause()
          await pause()
        })
        await fanOut(12, async (i) => {
          // Worker 1 spins until the last one finishes: the starvation guard lets the others go.
          if (i === 0) while (state.done < 11) await pause()
          for (let k = 0; k < 3; k++) await pause()
          if (i % 3 === 1) {
            await mu.lock()
            await pause()
            mu.unlock()
          }
          if (fail && i === 7) throw new Error('fails: the others are cancelled')
          state.done++
        })
        await helper
      },
    })
    return outcome.steps.map((s) => `${s.worker}${s.forced ? '!' : ''} after ${s.after}`)
  }

  it('plays the same schedule as the linear definition through the real scheduler', async () => {
    const lengths: number[] = []
    for (let seed = 1; seed <= 40; seed++) {
      const { priorities, changes } = pctSchedule(new Random(seed), 14, 120)
      const schedule: Schedule = { kind: 'pct', priorities, changes }
      const fail = seed % 4 === 0
      const linear = await steps(new LinearPct(priorities, changes), schedule, fail)
      expect(await steps(new PctStrategy(priorities, changes), schedule, fail), `seed ${seed}`).toEqual(linear)
      lengths.push(linear.length)
    }
    // Every run took steps, and some spun long enough for the starvation guard to let others go.
    expect(Math.min(...lengths)).toBeGreaterThan(20)
    expect(lengths.filter((n) => n > 1000).length).toBeGreaterThan(3)
  })
})
