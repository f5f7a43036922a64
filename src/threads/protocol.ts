/**
 * What the test's thread and the worker threads agree on: the layout of the control words,
 * of each thread's event log, and of the task a thread receives. Plain data and numbers, no
 * Node or Vitest: both sides import it.
 */

/** Words of the control buffer shared by the test and every thread of one iteration. */
export const Control = {
  /** The next ticket: every synchronising event takes one, so the merge can order them. */
  TICKET: 0,
  /** A lock held around each `Atomics.*` call on a shared view, so that tickets follow their real order. */
  ATOMICS_LOCK: 1,
  /** How many threads reached the start line. */
  ARRIVED: 2,
  /** Bumped (and notified) when a thread wants the test's thread to read its log. */
  WAKE: 3,
  /** Always 0: the injected pauses of stress mode wait on it with a timeout. */
  PAUSE: 4,
  /** Set by the test's thread when the iteration is abandoned (a thread failed): others stop at their next wait. */
  ABORT: 5,
} as const

/** Where each thread's wait words start: THREAD_WORDS per thread, in thread order. */
export const THREAD_WAITS = 8

/**
 * A thread's wait words: which primitive wait it is blocked in (0: none), and a count bumped
 * at every change.
 */
export const WaitWord = { KIND: 0, EPOCH: 1 } as const

/** Words per thread in the control buffer. */
export const THREAD_WORDS = 2

/** What a thread is blocked in: the low 4 bits of its KIND word; the rest is the primitive id. */
export const Wait = {
  LOCK: 1,
  WAIT_GROUP: 2,
  ONCE: 3,
} as const

/** At most this many threads. */
export const MAX_THREADS = 128

/** Words in the control buffer. */
export const CONTROL_WORDS = THREAD_WAITS + THREAD_WORDS * MAX_THREADS

/** Bytes per thread for the place where it started waiting (`file:line:col`, UTF-8). */
export const WHERE_BYTES = 512

/**
 * One thread's event log: a single-producer, single-consumer ring in a SharedArrayBuffer.
 * Positions count events since the start and only grow; the slot is `pos % capacity`.
 */
export const Log = {
  /** Events written so far (the thread stores it after writing each event). */
  WRITE_POS: 0,
  /** Events consumed so far (the test's thread stores it; the thread waits on it when full). */
  READ_POS: 16,
  /** The first event's first word (the header is padded so the two positions sit apart). */
  HEADER: 32,
} as const

/** Words per event: `kind | target << 4`, element index, ticket, stack id (−1 when none). */
export const EVENT_WORDS = 4

/** What an event records; `target` is an array id for accesses and a primitive id for sync events. */
export const Ev = {
  READ: 1,
  WRITE: 2,
  /** `Atomics.load`, a failed `compareExchange`: an atomic read and an acquire of the element. */
  ATOMIC_LOAD: 3,
  /** `Atomics.store`: an atomic write and a release of the element. */
  ATOMIC_STORE: 4,
  /** `add`, `sub`, `and`, `or`, `xor`, `exchange`, a successful `compareExchange`: acquire, atomic write, release. */
  ATOMIC_RMW: 5,
  /** `Atomics.wait` returned: an atomic read and an acquire of the element. */
  ATOMIC_WAIT: 6,
  /** `Atomics.notify`: a release of the element (it reads no memory). */
  ATOMIC_NOTIFY: 7,
  /** A thread primitive was acquired (lock taken, wait returned, once done). */
  ACQUIRE: 8,
  /** A thread primitive was released (unlock, done, once's function returned). */
  RELEASE: 9,
  /** A ticket spent on nothing (an `Atomics.*` call that threw): keeps the tickets dense. */
  SKIP: 10,
} as const

/** The kinds that carry a ticket: every kind but plain reads and writes. */
export function isTicketed(kind: number): boolean {
  return kind >= Ev.ATOMIC_LOAD
}

/** Location keys: array id and element index in one safe integer. */
export function locationKey(arrayId: number, index: number): number {
  return arrayId * 0x1_0000_0000 + index
}

/** The typed array constructors a `shared` object may hold, by name. */
export const TYPED_ARRAYS = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const

/** The name of a typed array constructor `shared` may hold. */
export type TypedArrayName = keyof typeof TYPED_ARRAYS

/** An integer or float typed array, over any buffer. */
export type SharedTypedArray =
  | Int8Array<ArrayBufferLike>
  | Uint8Array<ArrayBufferLike>
  | Uint8ClampedArray<ArrayBufferLike>
  | Int16Array<ArrayBufferLike>
  | Uint16Array<ArrayBufferLike>
  | Int32Array<ArrayBufferLike>
  | Uint32Array<ArrayBufferLike>
  | Float32Array<ArrayBufferLike>
  | Float64Array<ArrayBufferLike>
  | BigInt64Array<ArrayBufferLike>
  | BigUint64Array<ArrayBufferLike>

/** The kind of a thread primitive, as it crosses to a thread. */
export type PrimitiveKind = 'mutex' | 'wait-group' | 'once'

/** One entry of `shared`, as it crosses to a thread (structured clone shares the buffers). */
export type SharedEntry =
  | { readonly key: string; readonly kind: 'array'; readonly type: TypedArrayName; readonly buffer: SharedArrayBuffer; readonly id: number }
  | { readonly key: string; readonly kind: PrimitiveKind; readonly buffer: SharedArrayBuffer; readonly id: number }

/** What each thread receives for one iteration. */
export interface ThreadTask {
  /** The worker module's file URL. */
  readonly module: string
  readonly index: number
  readonly threads: number
  readonly shared: readonly SharedEntry[]
  readonly control: SharedArrayBuffer
  /** WHERE_BYTES per thread: where each blocked thread started waiting. */
  readonly waits: SharedArrayBuffer
  /** This thread's event log; absent in stress mode (no detector). */
  readonly log: SharedArrayBuffer | undefined
  /** Stress mode: seeds this thread's injected pauses. */
  readonly seed: number
  /** Location keys whose accesses capture a stack (a replay for a report). */
  readonly capture: readonly number[]
}

/** What a thread sends back: the stacks it captured, by stack id. */
export interface ThreadResult {
  readonly stacks: readonly string[]
}

/**
 * How a thread's error says the worker module could not be loaded: errors cross threads as
 * structured clones, which keep the message and the stack, not the class.
 */
export const WORKER_MODULE_PROBLEM = 'the worker module '
