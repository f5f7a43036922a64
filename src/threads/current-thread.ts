/**
 * The thread a task runs on, as the thread primitives and the Atomics patch see it: its
 * index, the control words (to say when it blocks, and to hear that the iteration was
 * abandoned) and, in race mode, its log. Undefined outside a concurrentTest.threads thread.
 */
import { userFrames } from '../report/frames.js'
import { captureStack, OWN_DIRS } from '../runtime/stacks.js'
import { A, type WaitHooks } from './atomics-originals.js'
import { THREAD_WAITS, THREAD_WORDS, WaitWord, WHERE_BYTES } from './protocol.js'
import { abortCheck, type ThreadLog } from './thread-log.js'

/** A wait in progress: `tick` after each timed-out slice of waiting, `end` when it is over. */
export type WaitMark = WaitHooks

const NO_MARK: WaitMark = { tick() {}, end() {} }

/** The thread running the current task. */
export class CurrentThread {
  private readonly base: number
  private readonly abort: () => void
  private readonly where: Uint8Array

  constructor(
    readonly index: number,
    readonly control: Int32Array,
    waits: SharedArrayBuffer,
    readonly log: ThreadLog | undefined,
  ) {
    this.base = THREAD_WAITS + THREAD_WORDS * index
    this.abort = abortCheck(control)
    this.where = new Uint8Array(waits, WHERE_BYTES * index, WHERE_BYTES)
  }

  /**
   * The thread blocks in `kind` (a Wait) on the primitive `target`: the test's thread may then
   * find every thread blocked for good and end the iteration as a deadlock.
   */
  beginWait(kind: number, target: number): WaitMark {
    const c = this.control
    const base = this.base
    A.store(c, base + WaitWord.KIND, kind | (target << 4))
    A.add(c, base + WaitWord.EPOCH, 1)
    let placed = false
    return {
      tick: () => {
        this.abort()
        if (placed) return
        // Waiting longer than a slice: say where, once (a stack costs microseconds).
        placed = true
        this.noteWhere()
      },
      end: () => {
        A.store(c, base + WaitWord.KIND, 0)
        A.add(c, base + WaitWord.EPOCH, 1)
      },
    }
  }

  private noteWhere(): void {
    const frame = userFrames(captureStack(), OWN_DIRS)[0]
    const text = frame === undefined ? '' : `${frame.file}:${frame.line}:${frame.column}`
    const bytes = new TextEncoder().encode(text).subarray(0, WHERE_BYTES - 1)
    this.where.fill(0)
    this.where.set(bytes)
  }
}

let current: CurrentThread | undefined

/** The thread of the running task, if any. */
export function currentThread(): CurrentThread | undefined {
  return current
}

/** Set by the thread entry around the user's function. */
export function setCurrentThread(thread: CurrentThread | undefined): void {
  current = thread
}

/**
 * A mark for a wait of the current thread on the primitive `target`; one that does nothing
 * outside a threads test, or for a primitive the thread made itself (`target` < 0).
 */
export function beginWait(kind: number, target: number): WaitMark {
  return target < 0 ? NO_MARK : (current?.beginWait(kind, target) ?? NO_MARK)
}
