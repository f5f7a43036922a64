/**
 * Scheduling strategies (DESIGN §5). Each turns a schedule, as data drawn by fast-check or
 * forced by the exhaustive search, into picks; the scheduler calls `pick` once per step.
 */
import { Random } from './random.js'
import { lowerBound, type Strategy } from './scheduler.js'

/**
 * A schedule as data. `decisions`: one number per step; 0 continues the worker that ran
 * last (no context switch) or, if it is not waiting, takes the lowest id; k picks the k-th
 * (mod the count) of [that worker, the others by id]. All zeros is the run with the fewest
 * context switches, which is what shrinking heads for. `pct`: Burckhardt et al.'s
 * probabilistic concurrency testing: a priority per worker (in creation order) and the
 * steps at which the running worker's priority drops below every other (depth − 1 of them).
 */
export type Schedule =
  | { readonly kind: 'decisions'; readonly decisions: readonly number[] }
  | { readonly kind: 'roundRobin' }
  | { readonly kind: 'pct'; readonly priorities: readonly number[]; readonly changes: readonly number[] }

/** Plays `decisions`; records how many workers it could choose from at each step. */
export class DecisionStrategy implements Strategy {
  private step = 0
  /** The number of candidates at each step so far (for the exhaustive search). */
  readonly widths: number[] = []

  constructor(private readonly decisions: readonly number[]) {}

  pick(pending: readonly number[], last: number | undefined): number {
    // candidates = [last, ...pending without last], indexed without building it (O(1) per step with 10,000 workers).
    const d = this.decisions[this.step++] ?? 0
    this.widths[this.widths.length] = pending.length
    const k = d % pending.length
    if (last === undefined) return pending[k]!
    return k === 0 ? last : pending[k - 1 < lowerBound(pending, last) ? k - 1 : k]!
  }
}


/** PCT: the highest-priority waiting worker goes; at each change point the one that went drops. */
export class PctStrategy implements Strategy {
  private step = 0
  /**
   * By worker id: its current priority, 0 until first seen. A plain array, not a Map: the pick
   * reads it for every pending worker, and a test may spy on `Map.prototype.get`.
   */
  private readonly priority: number[] = []
  /** By step: the change point's rank, for the steps that are change points (the first wins). */
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
    // Below every initial priority (those are ≥ INITIAL); later change points rank higher.
    if (change !== undefined) this.priority[best] = change
    return best
  }

  private priorityOf(worker: number): number {
    const p = this.priority[worker]
    if (p !== undefined) return p
    return (this.priority[worker] = INITIAL + (this.priorities[worker - 1] ?? 0))
  }
}

const INITIAL = 1_000_000

/**
 * The schedule a plain `Promise.all` gives: every waiting worker goes on to its next
 * scheduling point in turn (the next id after the one that went last, wrapping around). Run
 * first in race mode, it makes each worker read before any writes, which is what a
 * check-then-act needs to show (DESIGN §5).
 */
export class RoundRobinStrategy implements Strategy {
  private last = 0

  pick(pending: readonly number[]): number {
    const next = pending.find((w) => w > this.last) ?? pending[0]!
    this.last = next
    return next
  }
}

/** The strategy that plays `schedule`. */
export function strategyFor(schedule: Schedule): Strategy {
  if (schedule.kind === 'roundRobin') return new RoundRobinStrategy()
  return schedule.kind === 'pct' ? new PctStrategy(schedule.priorities, schedule.changes) : new DecisionStrategy(schedule.decisions)
}

/** Uniformly random decisions from a seed (tests and benchmarks outside fast-check). */
export function randomSchedule(seed: number, steps = 4096): Schedule {
  const random = new Random(seed)
  return { kind: 'decisions', decisions: Array.from({ length: steps }, () => random.int(0x10000)) }
}
