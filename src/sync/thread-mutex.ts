/**
 * ThreadMutex: Go's sync.Mutex for worker threads, on Atomics.wait/notify. Unlock
 * happens-before the next lock.
 */
import { A, lockWord, unlockWord } from '../threads/atomics-originals.js'
import { Ev, Wait, type PrimitiveKind } from '../threads/protocol.js'
import { ThreadPrimitive } from './thread-primitive.js'

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

  constructor() {
    super('mutex', 1)
  }

  /** Blocks the thread until the lock is free, then takes it. */
  lock(): void {
    lockWord(this.words, 0, () => this.blocked(Wait.LOCK))
    this.log()?.sync(Ev.ACQUIRE, this.id)
  }

  /** Takes the lock if it is free; true when taken. */
  tryLock(): boolean {
    if (A.compareExchange(this.words, 0, 0, 1) !== 0) return false
    this.log()?.sync(Ev.ACQUIRE, this.id)
    return true
  }

  /** Releases the lock; throws if it is not held (Go: "unlock of unlocked mutex"). */
  unlock(): void {
    if (A.load(this.words, 0) === 0) throw new Error('vitest-race: ThreadMutex.unlock of an unlocked mutex')
    this.log()?.sync(Ev.RELEASE, this.id)
    unlockWord(this.words, 0)
  }
}
