/**
 * Stress mode in threads (no detector): before some accesses to shared views the thread
 * sleeps a few tens of microseconds, so that a read-modify-write that is not atomic is often
 * cut in half by another thread and a race shows up as a wrong result. Which accesses pause,
 * and for how long, follows the seed; what the other threads do meanwhile is up to the OS.
 */
import { Random } from '../runtime/random.js'
import { A } from './atomics-originals.js'
import { Control } from './protocol.js'
import type { ViewSink } from './thread-log.js'

/** One access in PAUSE_ONE_IN pauses. */
export const PAUSE_ONE_IN = 8

/** The pause decisions of one thread in one iteration: unsigned 32-bit numbers from the seed. */
export function pauseDecisions(seed: number): () => number {
  const random = new Random(seed)
  return () => random.uint32()
}

/** A sink that records nothing and pauses now and then. */
export class StressPauses implements ViewSink {
  private readonly next: () => number
  /** Pauses taken so far (tests read it). */
  pauses = 0

  constructor(
    seed: number,
    private readonly control: Int32Array,
  ) {
    this.next = pauseDecisions(seed)
  }

  read(): void {
    this.maybePause()
  }

  write(): void {
    this.maybePause()
  }

  atomic<R>(_arrayId: number, _index: number, op: () => R): R {
    this.maybePause()
    return op()
  }

  waited(): void {}

  private maybePause(): void {
    const r = this.next()
    if (r % PAUSE_ONE_IN !== 0) return
    this.pauses++
    // 10 to 73 µs: long enough for another thread to run, short enough for thousands of pauses.
    A.wait(this.control, Control.PAUSE, 0, 0.01 + ((r >>> 8) & 63) / 1000)
  }
}
