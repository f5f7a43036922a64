/**
 * ThreadMutex: Go's sync.Mutex for worker threads, on Atomics.wait/notify. Unlock
 * happens-before the next lock.
 */
import { A, lockWord, unlockWord } from './atomics-originals.js'
import { Ev, Wait, type PrimitiveKind } from './protocol.js'
import { currentThread } from './current-thread.js'
import { ThreadPrimitive } from './thread-primitive.js'

/** The word that names the thread holding the lock. */
export const HOLDER = 1

/**
 * A mutual exclusion lock shared by threads; build it in `shared` and use it in every thread.
 *
 * @example
 * shared: () => ({ balance: Int32Array.of(100), mu: new ThreadMutex() })
 * // in the worker module
 * shared.mu.lock()
 * try { shared.balance[0] -= 1 } finally { shared.mu.unlock() }
 */
export class ThreadMutex extends ThreadPrimitive {
  /** @internal */
  static readonly KIND: PrimitiveKind = 'mutex'

  /** Words: the futex word (0 free, 1 held, 2 held with waiters) and the holder (thread index + 1, 0 unknown). */
  constructor() {
    super('mutex', 2)
  }

  /** Blocks the thread until the lock is free, then takes it. */
  lock(): void {
    lockWord(this.words, 0, () => this.blocked(Wait.LOCK))
    this.acquired()
  }

  /** Takes the lock if it is free; true when taken. */
  tryLock(): boolean {
    if (A.compareExchange(this.words, 0, 0, 1) !== 0) return false
    this.acquired()
    return true
  }

  /** Releases the lock; throws if it is not held (Go: "unlock of unlocked mutex"). */
  unlock(): void {
    if (A.load(this.words, 0) === 0) throw new Error('vitest-race: ThreadMutex.unlock of an unlocked mutex')
    this.log()?.sync(Ev.RELEASE, this.id)
    A.store(this.words, HOLDER, 0)
    unlockWord(this.words, 0)
  }

  private acquired(): void {
    // The deadlock watch tells a thread that holds the lock from one that waits for it.
    A.store(this.words, HOLDER, (currentThread()?.index ?? -1) + 1)
    this.log()?.sync(Ev.ACQUIRE, this.id)
  }
}
