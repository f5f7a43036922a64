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


/**
 * PCT: the highest-priority waiting worker goes (the lowest id among equals); at each change
 * point the one that went drops. O(log n) per step with n waiting workers: the scheduler
 * announces each worker that starts waiting (`becamePending`), and the strategy keeps them in a heap
 * ordered by priority. An entry is checked only when it reaches the top: one whose worker is
 * no longer pending (cancelled, or let go by the scheduler's starvation guard) or that a newer
 * announcement replaced is dropped there (lazy invalidation). A worker's priority changes only
 * when it is picked, which takes its entry out, so the entries left always hold current priorities.
 */
export class PctStrategy implements Strategy {
  private step = 0
  /** By worker id: its current priority, set when first announced. A plain array, not a Map: a test may spy on `Map.prototype.get`. */
  private readonly priority: number[] = []
  /** By step: the change point's rank, for the steps that are change points (the first wins). */
  private readonly changeAt: number[] = []
  /** By worker id: the number of its newest announcement; entries with an older one are stale. */
  private readonly announced: number[] = []
  private readonly heap = new PriorityHeap()

  constructor(
    private readonly priorities: readonly number[],
    changes: readonly number[],
  ) {
    for (let i = changes.length - 1; i >= 0; i--) this.changeAt[changes[i]!] = i
  }

  becamePending(worker: number): void {
    const n = (this.announced[worker] ?? 0) + 1
    this.announced[worker] = n
    this.heap.push(this.priorityOf(worker), worker, n)
  }

  pick(pending: readonly number[]): number {
    const heap = this.heap
    let best: number
    for (;;) {
      if (heap.size === 0) throw new Error('vitest-race: PctStrategy.pick: a pending worker was never announced through becamePending()')
      best = heap.topWorker()
      const current = heap.topStamp() === this.announced[best] && pending[lowerBound(pending, best)] === best
      heap.pop()
      if (current) break
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

/**
 * A binary max-heap of (priority, worker, stamp) entries in three parallel arrays: the
 * highest priority on top, the lowest worker id first among equal priorities.
 */
class PriorityHeap {
  private readonly priority: number[] = []
  private readonly worker: number[] = []
  private readonly stamp: number[] = []
  /** Entries in use (the arrays keep their length: slots past `size` are free). */
  size = 0

  topWorker(): number {
    return this.worker[0]!
  }

  topStamp(): number {
    return this.stamp[0]!
  }

  push(priority: number, worker: number, stamp: number): void {
    let i = this.size++
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(priority, worker, this.priority[parent]!, this.worker[parent]!)) break
      this.move(parent, i)
      i = parent
    }
    this.set(i, priority, worker, stamp)
  }

  /** Take the top entry out. */
  pop(): void {
    const last = --this.size
    if (last === 0) return
    const priority = this.priority[last]!
    const worker = this.worker[last]!
    let i = 0
    for (;;) {
      let child = 2 * i + 1
      if (child >= last) break
      const right = child + 1
      if (right < last && before(this.priority[right]!, this.worker[right]!, this.priority[child]!, this.worker[child]!)) child = right
      if (!before(this.priority[child]!, this.worker[child]!, priority, worker)) break
      this.move(child, i)
      i = child
    }
    this.set(i, priority, worker, this.stamp[last]!)
  }

  private move(from: number, to: number): void {
    this.priority[to] = this.priority[from]!
    this.worker[to] = this.worker[from]!
    this.stamp[to] = this.stamp[from]!
  }

  private set(i: number, priority: number, worker: number, stamp: number): void {
    this.priority[i] = priority
    this.worker[i] = worker
    this.stamp[i] = stamp
  }
}

/** Whether worker `w` at priority `p` goes before worker `v` at priority `q`: a higher priority, or the lower id at equal ones. */
function before(p: number, w: number, q: number, v: number): boolean {
  return p > q || (p === q && w < v)
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
