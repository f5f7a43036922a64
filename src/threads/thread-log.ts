/**
 * The writing side of a thread's event log (DESIGN §6a: a compact per-thread trace, merged
 * later): accesses and synchronising events go into a bounded ring in shared memory that the
 * test's thread reads while the threads run. A full ring makes the thread wait for room, so
 * nothing is lost and memory stays bounded.
 */
import { A, lockWord, unlockWord } from './atomics-originals.js'
import { captureStack } from '../runtime/stacks.js'
import { Control, Ev, EVENT_WORDS, Log, locationKey } from './protocol.js'

/** Where accesses to instrumented shared views go: the log in race mode, pauses in stress mode. */
export interface ViewSink {
  read(arrayId: number, index: number): void
  write(arrayId: number, index: number): void
  /** Runs `op` (an `Atomics.*` call on the raw array) and records it as the event `kindOf` names. */
  atomic<R>(arrayId: number, index: number, op: () => R, kindOf: (result: R) => number): R
  /** An `Atomics.wait` on the element returned: recorded after the fact. */
  waited(arrayId: number, index: number): void
}

/** Thrown in a thread whose iteration the test abandoned (another thread failed). */
export class IterationAbandoned extends Error {
  constructor() {
    super('vitest-race: the iteration was abandoned because another thread failed')
    this.name = 'IterationAbandoned'
  }
}

/** Checks the abort word; throws IterationAbandoned when set. */
export function abortCheck(control: Int32Array): () => void {
  return () => {
    if (A.load(control, Control.ABORT) !== 0) throw new IterationAbandoned()
  }
}

/** Ring capacity in events when the test does not say: 64 Ki events, 1 MiB per thread. */
export const DEFAULT_LOG_EVENTS = 1 << 16

/** The shared buffer of one ring holding `events` events (a power of two). */
export function newLogBuffer(events: number): SharedArrayBuffer {
  return new SharedArrayBuffer((Log.HEADER + events * EVENT_WORDS) * 4)
}

/** Events a ring buffer holds. */
export function logCapacity(ring: Int32Array): number {
  return (ring.length - Log.HEADER) / EVENT_WORDS
}

/** One thread's log writer. */
export class ThreadLog implements ViewSink {
  private pos = 0
  private readSeen = 0
  private closed = false
  private readonly capacity: number
  private readonly mask: number
  private readonly abort: () => void
  /** Stacks captured in this iteration; events refer to them by index. */
  readonly stacks: string[] = []

  constructor(
    private readonly ring: Int32Array,
    /** The iteration's control words. */
    readonly control: Int32Array,
    private readonly capture: ReadonlySet<number>,
  ) {
    this.capacity = logCapacity(ring)
    this.mask = this.capacity - 1
    this.abort = abortCheck(control)
  }

  read(arrayId: number, index: number): void {
    this.put(Ev.READ, arrayId, index, -1, this.stackFor(arrayId, index))
  }

  write(arrayId: number, index: number): void {
    this.put(Ev.WRITE, arrayId, index, -1, this.stackFor(arrayId, index))
  }

  atomic<R>(arrayId: number, index: number, op: () => R, kindOf: (result: R) => number): R {
    const stack = this.stackFor(arrayId, index)
    // Under the lock, ticket order is the order in which the operations took effect.
    lockWord(this.control, Control.ATOMICS_LOCK, () => ({ tick: this.abort, end() {} }))
    const ticket = A.add(this.control, Control.TICKET, 1)
    let result: R
    try {
      result = op()
    } catch (e) {
      // The operation threw (a float array, an index out of range) and did nothing; the ticket
      // is spent all the same, and the merge must not wait for it.
      unlockWord(this.control, Control.ATOMICS_LOCK)
      this.put(Ev.SKIP, arrayId, index, ticket, -1)
      throw e
    }
    unlockWord(this.control, Control.ATOMICS_LOCK)
    this.put(kindOf(result), arrayId, index, ticket, stack)
    return result
  }

  waited(arrayId: number, index: number): void {
    // A waitAsync the worker left pending may settle after its task ended: nothing to log then.
    if (this.closed) return
    this.sync(Ev.ATOMIC_WAIT, arrayId, index)
  }

  /** The task ended: its iteration's log takes no more events. */
  close(): void {
    this.closed = true
    this.wake()
  }

  /** A synchronising event of a primitive or an element: takes the next ticket and logs. */
  sync(kind: number, target: number, index = 0): void {
    const ticket = A.add(this.control, Control.TICKET, 1)
    this.put(kind, target, index, ticket, -1)
  }

  private stackFor(arrayId: number, index: number): number {
    if (this.capture.size === 0 || !this.capture.has(locationKey(arrayId, index))) return -1
    this.stacks.push(captureStack(this.stackFor))
    return this.stacks.length - 1
  }

  private put(kind: number, target: number, index: number, ticket: number, stack: number): void {
    const pos = this.pos
    if (pos - this.readSeen >= this.capacity) this.waitForRoom(pos)
    const o = Log.HEADER + (pos & this.mask) * EVENT_WORDS
    const ring = this.ring
    ring[o] = kind | (target << 4)
    ring[o + 1] = index
    ring[o + 2] = ticket
    ring[o + 3] = stack
    this.pos = pos + 1
    A.store(ring, Log.WRITE_POS, pos + 1)
    if (pos - this.readSeen === this.capacity >> 1) this.wake()
  }

  private waitForRoom(pos: number): void {
    for (;;) {
      this.readSeen = A.load(this.ring, Log.READ_POS)
      if (pos - this.readSeen < this.capacity) return
      this.wake()
      A.wait(this.ring, Log.READ_POS, this.readSeen, 20)
      this.abort()
    }
  }

  /** Asks the test's thread to read the logs now. */
  wake(): void {
    A.add(this.control, Control.WAKE, 1)
    A.notify(this.control, Control.WAKE)
  }
}
