/**
 * The `Atomics` functions as they were before vitest-race patched them (STYLE: built-ins
 * captured at load). The library's own locks, tickets and logs use these, so they are never
 * recorded as the user's atomic accesses.
 */

/** Where a patched `Atomics` function keeps the original it replaced. */
export const ORIGINAL = Symbol.for('vitest-race.atomics-original')

type AtomicsFunction = (...args: never[]) => unknown

function original(name: string): AtomicsFunction {
  const fn = (Atomics as unknown as Record<string, AtomicsFunction>)[name]!
  return (fn as unknown as Record<symbol, AtomicsFunction | undefined>)[ORIGINAL] ?? fn
}

/** The result of `Atomics.waitAsync`. */
export interface WaitAsyncResult {
  readonly async: boolean
  readonly value: 'not-equal' | 'timed-out' | Promise<'ok' | 'timed-out'>
}

/**
 * The original functions, whether or not the patch is already installed. Typed for the
 * library's own Int32Array words; at run time they take any integer typed array (the patch
 * passes the user's).
 */
export interface OriginalAtomics {
  load(a: Int32Array, i: number): number
  store(a: Int32Array, i: number, v: number): number
  add(a: Int32Array, i: number, v: number): number
  sub(a: Int32Array, i: number, v: number): number
  and(a: Int32Array, i: number, v: number): number
  or(a: Int32Array, i: number, v: number): number
  xor(a: Int32Array, i: number, v: number): number
  exchange(a: Int32Array, i: number, v: number): number
  compareExchange(a: Int32Array, i: number, expected: number, replacement: number): number
  wait(a: Int32Array, i: number, v: number, timeout?: number): 'ok' | 'not-equal' | 'timed-out'
  waitAsync(a: Int32Array, i: number, v: number, timeout?: number): WaitAsyncResult
  notify(a: Int32Array, i: number, count?: number): number
}

const NAMES = ['load', 'store', 'add', 'sub', 'and', 'or', 'xor', 'exchange', 'compareExchange', 'wait', 'waitAsync', 'notify'] as const

/** The original `Atomics` functions, captured when this module loads. */
export const A = Object.freeze(Object.fromEntries(NAMES.map((n) => [n, original(n)]))) as unknown as OriginalAtomics

/** A wait the caller marks: `tick` after each 50 ms slice spent waiting, `end` once it is over. */
export interface WaitHooks {
  tick(): void
  end(): void
}

/**
 * A futex-style lock on one word of shared memory (Drepper's "Futexes are tricky", mutex 2):
 * 0 free, 1 held, 2 held with waiters. `onBlock` is called when the lock is not free at once.
 */
export function lockWord(words: Int32Array, at: number, onBlock?: () => WaitHooks): void {
  let c = A.compareExchange(words, at, 0, 1)
  if (c === 0) return
  const hooks = onBlock?.()
  try {
    if (c !== 2) c = A.exchange(words, at, 2)
    while (c !== 0) {
      if (A.wait(words, at, 2, 50) === 'timed-out') hooks?.tick()
      c = A.exchange(words, at, 2)
    }
  } finally {
    hooks?.end()
  }
}

/** Releases a lock taken with `lockWord`. */
export function unlockWord(words: Int32Array, at: number): void {
  if (A.sub(words, at, 1) !== 1) {
    A.store(words, at, 0)
    A.notify(words, at, 1)
  }
}
