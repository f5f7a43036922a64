/** The scheduling strategies as pure functions of a schedule: which waiting worker each step picks. */
import { describe, expect, it } from 'vitest'
import { DecisionStrategy, PctStrategy, randomSchedule, RoundRobinStrategy, strategyFor } from '../../src/runtime/strategies.js'
import type { Strategy } from '../../src/runtime/scheduler.js'

/** Picks made by `strategy` over the same pending set, the picked one counted as `last` next time. */
function picks(strategy: { pick(pending: readonly number[], last: number | undefined): number }, pending: readonly number[], steps: number, first?: number): number[] {
  const out: number[] = []
  let last = first
  for (let i = 0; i < steps; i++) {
    last = strategy.pick(pending, last)
    out.push(last)
  }
  return out
}

describe('DecisionStrategy', () => {
  it('decision 0 continues the worker that ran last: no context switch', () => {
    expect(picks(new DecisionStrategy([0, 0, 0]), [1, 2, 3], 3, 2)).toEqual([2, 2, 2])
  })

  it('decision 0 with no last worker takes the lowest id', () => {
    expect(new DecisionStrategy([0]).pick([2, 5, 9], undefined)).toBe(2)
  })

  it('decision k picks the k-th of [last, the others by id], modulo their count', () => {
    const pending = [1, 2, 3, 4]
    // last = 3: candidates [3, 1, 2, 4]
    expect([0, 1, 2, 3, 4, 5].map((d) => new DecisionStrategy([d]).pick(pending, 3))).toEqual([3, 1, 2, 4, 3, 1])
    // no last: candidates are the pending ids
    expect([0, 1, 2, 3, 4].map((d) => new DecisionStrategy([d]).pick(pending, undefined))).toEqual([1, 2, 3, 4, 1])
  })

  it('continues the last worker once the decisions run out (a cut schedule)', () => {
    expect(picks(new DecisionStrategy([2]), [1, 2, 3], 4, 1)).toEqual([3, 3, 3, 3])
  })

  it('records how many workers it could choose from at each step (for the exhaustive search)', () => {
    const s = new DecisionStrategy([])
    s.pick([1, 2, 3], undefined)
    s.pick([1, 3], 1)
    s.pick([7], undefined)
    expect(s.widths).toEqual([3, 2, 1])
  })

  it('stays O(1) per step with 10,000 waiting workers and picks the same as the plain definition', () => {
    const pending = Array.from({ length: 10_000 }, (_, i) => i + 1)
    const decisions = [0, 1, 4_999, 5_000, 9_999, 12_345]
    for (const d of decisions) {
      const last = 5_000
      const candidates = [last, ...pending.filter((w) => w !== last)]
      expect(new DecisionStrategy([d]).pick(pending, last), `decision ${d}`).toBe(candidates[d % candidates.length])
    }
  })
})

/**
 * Plays a strategy as the scheduler does: each call of `pickFrom(set)` makes `set` the pending
 * workers (announcing those that start waiting, taking out the others as a cancellation does,
 * unannounced), then picks; the picked worker runs, no longer pending, until a later set
 * names it again.
 */
function driven(strategy: Strategy): { pickFrom(set: readonly number[]): number } {
  let pending: number[] = []
  return {
    pickFrom(set) {
      for (const w of set) if (!pending.includes(w)) strategy.becamePending?.(w)
      pending = [...set].sort((a, b) => a - b)
      const w = strategy.pick(pending, undefined)
      pending = pending.filter((x) => x !== w)
      return w
    },
  }
}

function pctPicks(s: PctStrategy, set: readonly number[], steps: number): number[] {
  const d = driven(s)
  return Array.from({ length: steps }, () => d.pickFrom(set))
}

describe('PctStrategy', () => {
  it('lets the highest-priority waiting worker go (priorities by creation order)', () => {
    const s = new PctStrategy([5, 9, 1], [])
    const d = driven(s)
    expect([d.pickFrom([1, 2, 3]), d.pickFrom([1, 2, 3]), d.pickFrom([1, 2, 3])]).toEqual([2, 2, 2])
    expect(d.pickFrom([1, 3])).toBe(1)
  })

  it('at a change point, the worker that went drops below every other', () => {
    const s = new PctStrategy([5, 9, 1], [1])
    const d = driven(s)
    // step 0: 2 goes; step 1 (a change point): 2 goes, then drops to the bottom.
    expect([1, 2, 3, 4].map(() => d.pickFrom([1, 2, 3]))).toEqual([2, 2, 1, 1])
    expect(d.pickFrom([2, 3])).toBe(3)
  })

  it('later change points rank above earlier ones (both below every initial priority)', () => {
    const d = driven(new PctStrategy([5, 9, 1], [0, 1]))
    expect(d.pickFrom([1, 2, 3])).toBe(2) // change 0: 2 → priority 0
    expect(d.pickFrom([1, 2, 3])).toBe(1) // change 1: 1 → priority 1
    expect(d.pickFrom([1, 2, 3])).toBe(3)
    expect(d.pickFrom([1, 2])).toBe(1) // 1 (changed later) above 2
  })

  it('gives workers beyond the priorities drawn the lowest initial priority', () => {
    expect(driven(new PctStrategy([3], [])).pickFrom([1, 2, 3])).toBe(1)
    expect(driven(new PctStrategy([0], [])).pickFrom([2, 3])).toBe(2)
  })

  it('lets the lowest id go among equal priorities', () => {
    expect(pctPicks(new PctStrategy([7, 7, 7], []), [3, 2, 1], 2)).toEqual([1, 1])
  })

  it('says so, rather than pick wrong, when a pending worker was never announced', () => {
    expect(() => new PctStrategy([1], []).pick([1])).toThrow(/never announced/)
  })
})

describe('RoundRobinStrategy', () => {
  it('lets each waiting worker go in turn, as a plain Promise.all does, wrapping around', () => {
    expect(picks(new RoundRobinStrategy(), [1, 2, 3], 7)).toEqual([1, 2, 3, 1, 2, 3, 1])
  })

  it('skips workers that are not waiting', () => {
    const s = new RoundRobinStrategy()
    expect(s.pick([1, 2, 3])).toBe(1)
    expect(s.pick([3])).toBe(3)
    expect(s.pick([1, 2])).toBe(1)
    expect(s.pick([2, 4])).toBe(2)
  })
})

describe('strategyFor and randomSchedule', () => {
  it('plays each kind of schedule with its strategy', () => {
    expect(strategyFor({ kind: 'roundRobin' })).toBeInstanceOf(RoundRobinStrategy)
    expect(strategyFor({ kind: 'pct', priorities: [1], changes: [] })).toBeInstanceOf(PctStrategy)
    expect(strategyFor({ kind: 'decisions', decisions: [1] })).toBeInstanceOf(DecisionStrategy)
  })

  it('draws the same decisions from the same seed, and others from another', () => {
    const a = randomSchedule(7, 64)
    expect(a).toEqual(randomSchedule(7, 64))
    expect(a).not.toEqual(randomSchedule(8, 64))
    expect(a.kind === 'decisions' && a.decisions.length).toBe(64)
    expect(a.kind === 'decisions' && a.decisions.every((d) => Number.isInteger(d) && d >= 0 && d < 0x10000)).toBe(true)
  })
})
