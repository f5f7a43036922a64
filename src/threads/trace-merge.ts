/**
 * The test's side of the thread logs: reads every thread's ring while the threads run and
 * feeds the events to the same pure detector as async mode, under Go's rule. Plain events
 * of one thread go in program order; synchronising events go in ticket order, which is the
 * order they took effect in, so every release is seen before the acquire that follows it.
 */
import { Detector, MAIN_WORKER, SyncClock, type ClockSnapshot } from '../detector/detector.js'
import type { Location } from '../detector/shadow.js'
import { A } from './atomics-originals.js'
import { Ev, EVENT_WORDS, isTicketed, Log, locationKey } from './protocol.js'
import { logCapacity } from './thread-log.js'

/** The detector worker id of thread `index`: 0 is the test itself. */
export function threadWorker(index: number): number {
  return index + 1
}

const STACK_TAG = '\u0000thread-stack:'

/** What an access's `stack` holds until the threads' stacks come back: thread and stack id. */
export function stackTag(thread: number, id: number): string {
  return `${STACK_TAG}${thread}:${id}`
}

/** The stack a tag stands for, given each thread's captured stacks. */
export function resolveStack(tag: string | undefined, stacks: readonly (readonly string[])[]): string | undefined {
  if (tag === undefined || !tag.startsWith(STACK_TAG)) return tag
  const [thread, id] = tag.slice(STACK_TAG.length).split(':').map(Number) as [number, number]
  return stacks[thread]?.[id]
}

/** Merges the logs of one iteration's threads into a detector. */
export class TraceMerge {
  private nextTicket = 0
  private readonly cursors: number[]
  private readonly masks: number[]
  private readonly locations = new Map<number, Location>()
  private readonly keys = new Map<Location, number>()
  private readonly elementClocks = new Map<number, SyncClock>()
  private readonly primitiveClocks = new Map<number, SyncClock>()
  /** Events merged so far. */
  events = 0

  /**
   * @param rings  each thread's log, in thread order
   * @param arrayNames  the printed name of each shared array, by array id (`shared.balance`)
   * @param initial  the test's clock before it started the threads: every element holds a value written then
   */
  constructor(
    readonly detector: Detector,
    private readonly rings: readonly Int32Array[],
    private readonly arrayNames: readonly string[],
    private readonly initial: ClockSnapshot,
  ) {
    this.cursors = rings.map(() => 0)
    this.masks = rings.map((r) => logCapacity(r) - 1)
  }

  /** The array id and index of a location, as one key (locationKey). */
  keyOf(loc: Location): number | undefined {
    return this.keys.get(loc)
  }

  /** Merges every event that can be merged now; the threads may still be running. */
  drain(): void {
    for (let progress = true; progress; ) {
      progress = false
      for (let k = 0; k < this.rings.length; k++) {
        const ring = this.rings[k]!
        const mask = this.masks[k]!
        const worker = threadWorker(k)
        const start = this.cursors[k]!
        const end = A.load(ring, Log.WRITE_POS)
        let pos = start
        while (pos < end) {
          const o = Log.HEADER + (pos & mask) * EVENT_WORDS
          const head = ring[o]!
          const kind = head & 15
          if (isTicketed(kind)) {
            // A later ticket waits until every earlier one (of any thread) is merged.
            if (ring[o + 2] !== this.nextTicket) break
            this.nextTicket++
          }
          const stack = ring[o + 3]!
          this.apply(worker, kind, head >>> 4, ring[o + 1]!, stack < 0 ? undefined : stackTag(k, stack))
          pos++
        }
        if (pos !== start) {
          this.cursors[k] = pos
          this.events += pos - start
          A.store(ring, Log.READ_POS, pos)
          A.notify(ring, Log.READ_POS)
          progress = true
        }
      }
    }
  }

  /** After every thread has finished: merges the rest, which must be everything. */
  finish(): void {
    this.drain()
    for (let k = 0; k < this.rings.length; k++) {
      if (this.cursors[k] !== A.load(this.rings[k]!, Log.WRITE_POS)) {
        throw new Error(`vitest-race: internal error: thread ${k}'s log could not be merged (waiting for ticket ${this.nextTicket})`)
      }
    }
  }

  /** One event of `worker`. */
  apply(worker: number, kind: number, target: number, index: number, stack: string | undefined): void {
    const d = this.detector
    switch (kind) {
      case Ev.READ:
        return d.read(worker, this.location(target, index), 0, stack)
      case Ev.WRITE:
        return d.write(worker, this.location(target, index), 0, stack)
      case Ev.ATOMIC_LOAD:
      case Ev.ATOMIC_WAIT:
        d.read(worker, this.location(target, index), 0, stack, true)
        return d.acquire(worker, this.elementClock(target, index))
      case Ev.ATOMIC_STORE:
        d.write(worker, this.location(target, index), 0, stack, true)
        return d.release(worker, this.elementClock(target, index))
      case Ev.ATOMIC_RMW: {
        const sync = this.elementClock(target, index)
        d.acquire(worker, sync)
        d.write(worker, this.location(target, index), 0, stack, true)
        return d.release(worker, sync)
      }
      case Ev.ATOMIC_NOTIFY:
        return d.release(worker, this.elementClock(target, index))
      case Ev.ACQUIRE:
        return d.acquire(worker, this.primitiveClock(target))
      case Ev.RELEASE:
        return d.release(worker, this.primitiveClock(target))
      case Ev.SKIP:
        return
      default:
        throw new Error(`vitest-race: internal error: unknown thread event kind ${kind}`)
    }
  }

  private location(arrayId: number, index: number): Location {
    const key = locationKey(arrayId, index)
    let loc = this.locations.get(key)
    if (loc === undefined) {
      loc = this.detector.location(`${this.arrayNames[arrayId] ?? `array ${arrayId}`}[${index}]`)
      this.detector.initialWrite(loc, this.initial)
      this.locations.set(key, loc)
      this.keys.set(loc, key)
    }
    return loc
  }

  private elementClock(arrayId: number, index: number): SyncClock {
    return clockIn(this.elementClocks, locationKey(arrayId, index))
  }

  private primitiveClock(id: number): SyncClock {
    return clockIn(this.primitiveClocks, id)
  }
}

function clockIn(map: Map<number, SyncClock>, key: number): SyncClock {
  let c = map.get(key)
  if (c === undefined) map.set(key, (c = new SyncClock()))
  return c
}

/** A detector for one threads iteration, the test as worker 0 and each thread forked from it. */
export function threadsDetector(threads: number, historySize: number): { detector: Detector; initial: ClockSnapshot } {
  const detector = new Detector({ historySize, semantics: 'strict', maxRaces: 1000 })
  const initial = detector.snapshot(MAIN_WORKER)
  for (let k = 0; k < threads; k++) detector.fork(MAIN_WORKER)
  return { detector, initial }
}
