/**
 * Go's "all goroutines are asleep - deadlock!" for threads: the test's thread watches the
 * wait words. When every thread that has not finished is blocked in a library wait, no
 * thread's wait changed for a while, and no wait can end (the mutex is held, the counter is
 * not zero, the once function still runs), nothing can wake them: the iteration ends at once
 * with each thread's wait instead of at the test's timeout.
 */
import { frameLocation } from '../report/frames.js'
import { A } from './atomics-originals.js'
import { HOLDER } from './thread-mutex.js'
import { THREAD_WAITS, THREAD_WORDS, Wait, WaitWord, WHERE_BYTES, type SharedEntry } from './protocol.js'

/** A thread in a deadlock. */
export interface BlockedThread {
  readonly thread: number
  /** `ThreadMutex.lock() on shared.mu (held)`. */
  readonly waitsIn: string
  /** `file:line:col` where it started waiting, when it has said so. */
  readonly since: string | undefined
}

/** How long every wait must stay unchanged before a deadlock is declared. */
const STEADY_MS = 100
/** How long to wait, at most, for every blocked thread to say where it waits. */
const PLACES_MS = 1000

interface Primitive {
  readonly key: string
  readonly words: Int32Array
}

/** Watches one iteration's threads. */
export class DeadlockWatch {
  private steady: { readonly epochs: number[]; readonly since: number } | undefined
  private readonly primitives = new Map<number, Primitive>()
  private readonly waits: Uint8Array

  constructor(
    private readonly control: Int32Array,
    waits: SharedArrayBuffer,
    private readonly threads: number,
    shared: readonly SharedEntry[],
  ) {
    this.waits = new Uint8Array(waits)
    for (const e of shared) if (e.kind !== 'array') this.primitives.set(e.id, { key: `shared.${e.key}`, words: new Int32Array(e.buffer) })
  }

  /** Each blocked thread when they are deadlocked; undefined while one may still go on. */
  check(now: number, finished: (thread: number) => boolean): BlockedThread[] | undefined {
    const epochs: number[] = []
    const blocked: number[] = []
    for (let k = 0; k < this.threads; k++) {
      if (finished(k)) continue
      const base = THREAD_WAITS + THREAD_WORDS * k
      if (A.load(this.control, base + WaitWord.KIND) === 0) {
        this.steady = undefined
        return undefined
      }
      blocked.push(k)
      epochs.push(A.load(this.control, base + WaitWord.EPOCH))
    }
    if (blocked.length === 0) return undefined
    const s = this.steady
    if (s === undefined || s.epochs.length !== epochs.length || s.epochs.some((e, i) => e !== epochs[i])) {
      this.steady = { epochs, since: now }
      return undefined
    }
    if (now - s.since < STEADY_MS) return undefined
    const waits = blocked.map((k) => this.wait(k))
    // A wait whose condition holds again is a thread woken but not yet running.
    if (waits.some((w) => w === undefined)) return undefined
    // Give a busy machine time to let each thread say where it waits (after its first 50 ms).
    if (waits.some((w) => w!.since === undefined) && now - s.since < PLACES_MS) return undefined
    return waits as BlockedThread[]
  }

  /** The blocked thread's wait, or undefined if it can end. */
  private wait(thread: number): BlockedThread | undefined {
    const word = A.load(this.control, THREAD_WAITS + THREAD_WORDS * thread + WaitWord.KIND)
    const p = this.primitives.get(word >>> 4)
    if (p === undefined) return undefined
    const state = A.load(p.words, 0)
    let waitsIn: string
    switch (word & 15) {
      case Wait.LOCK: {
        // Free, or between a release and the next holder naming itself (a waiter that has just
        // taken it is still marked until then): the wait can end, or has. A holder that is the
        // waiting thread itself is a lock taken twice.
        const holder = A.load(p.words, HOLDER)
        if (state === 0 || holder === 0) return undefined
        waitsIn = `ThreadMutex.lock() on ${p.key} (held by thread ${holder - 1})`
        break
      }
      case Wait.WAIT_GROUP:
        if (state === 0) return undefined
        waitsIn = `ThreadWaitGroup.wait() on ${p.key} (counter ${state})`
        break
      case Wait.ONCE:
        if (state === 2) return undefined
        waitsIn = `ThreadOnce.do() on ${p.key} (its function has not returned)`
        break
      default:
        return undefined
    }
    const bytes = this.waits.subarray(WHERE_BYTES * thread, WHERE_BYTES * (thread + 1))
    const end = bytes.indexOf(0)
    const since = new TextDecoder().decode(bytes.slice(0, end < 0 ? bytes.length : end))
    return { thread, waitsIn, since: since === '' ? undefined : since }
  }
}

/** The iteration's threads are deadlocked. */
export class ThreadsDeadlockError extends Error {
  constructor(
    readonly blocked: readonly BlockedThread[],
    stripPathPrefix: string,
  ) {
    const where = (since: string | undefined) => {
      if (since === undefined) return ''
      const m = /^(.*):(\d+):(\d+)$/.exec(since)
      return ` since ${m === null ? since : frameLocation({ file: m[1]!, line: Number(m[2]), column: Number(m[3]), fn: undefined }, stripPathPrefix)}`
    }
    super(['vitest-race: all threads are asleep - deadlock!', ...blocked.map((b) => `  thread ${b.thread} waits in ${b.waitsIn}${where(b.since)}`)].join('\n'))
    this.name = 'DeadlockError'
    // The first wait's line as the only frame, so Vitest shows its code.
    const first = blocked.find((b) => b.since !== undefined)?.since
    this.stack = `${this.name}: ${this.message}${first === undefined ? '' : `\n    at ${first}`}`
  }
}
