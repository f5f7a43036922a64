/**
 * What the thread primitives share: their state is words in a SharedArrayBuffer, so a
 * primitive built in a test's `shared()` crosses to every thread; there it is rebuilt around
 * the same buffer with the id its events carry in the thread's log.
 */
import type { PrimitiveKind } from './protocol.js'
import { beginWait, currentThread, type WaitMark } from './current-thread.js'
import type { ThreadLog } from './thread-log.js'

/** The key of a thread primitive's shared state (a registered symbol: any copy of the package sees it). */
export const PRIMITIVE_STATE = Symbol.for('vitest-race.thread-primitive')

/** A thread primitive's shared state. */
export interface PrimitiveState {
  readonly kind: PrimitiveKind
  readonly buffer: SharedArrayBuffer
}

/** Whether `value` is a ThreadMutex, ThreadWaitGroup or ThreadOnce (of any copy of the package). */
export function primitiveState(value: unknown): PrimitiveState | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const get = (value as { [PRIMITIVE_STATE]?: () => PrimitiveState })[PRIMITIVE_STATE]
  return typeof get === 'function' ? get.call(value) : undefined
}

/** The base of the thread primitives: words of shared memory and, inside a thread, an id. */
export abstract class ThreadPrimitive {
  protected readonly words: Int32Array
  /** The id its events carry; −1 outside a concurrentTest.threads thread (nothing is logged). */
  protected id = -1

  protected constructor(
    /** Which primitive it is, as it crosses to threads. */
    readonly kind: PrimitiveKind,
    words: number,
  ) {
    this.words = new Int32Array(new SharedArrayBuffer(words * 4))
  }

  /** @internal The state that crosses to threads. */
  [PRIMITIVE_STATE](): PrimitiveState {
    return { kind: this.kind, buffer: this.words.buffer as SharedArrayBuffer }
  }

  /** The log to record in, when inside a thread of a concurrentTest.threads in race mode. */
  protected log(): ThreadLog | undefined {
    return this.id < 0 ? undefined : currentThread()?.log
  }

  /** Marks the thread blocked on this primitive (for deadlock diagnosis) until `end`. */
  protected blocked(kind: number): WaitMark {
    return beginWait(kind, this.id)
  }
}

/** Rebuilds a primitive of class `cls` around shared state, inside a thread. */
export function attach(cls: { readonly prototype: ThreadPrimitive; readonly KIND: PrimitiveKind }, buffer: SharedArrayBuffer, id: number): ThreadPrimitive {
  const p = Object.create(cls.prototype) as ThreadPrimitive
  const fields = p as unknown as { words: Int32Array; id: number; kind: PrimitiveKind }
  fields.words = new Int32Array(buffer)
  fields.id = id
  fields.kind = cls.KIND
  return p
}
