/**
 * A reader/writer lock shaped after Go's sync.RWMutex. Edges: a writer's unlock → every
 * later rLock and lock; every reader's rUnlock → the next lock. Readers do not order each
 * other. A waiting writer keeps new readers out, as in Go.
 */
import { neverTracked } from '../runtime/track.js'
import { Edge } from '../runtime/edge.js'
import { WaitQueue } from './wait-queue.js'

/**
 * A reader/writer mutex for async workers.
 *
 * @example
 * const rw = new RWMutex()
 * await rw.rLock(); try { read(config) } finally { rw.rUnlock() }
 * await rw.lock(); try { await reload(config) } finally { rw.unlock() }
 */
export class RWMutex {
  static {
    neverTracked(this)
  }

  private readers = 0
  private writer = false
  private writersWaiting = 0
  private readonly readQueue = new WaitQueue()
  private readonly writeQueue = new WaitQueue()
  private readonly writerEdge = new Edge()
  private readonly readerEdge = new Edge()

  /** Hold the lock for reading, with other readers. */
  async rLock(): Promise<void> {
    while (this.writer || this.writersWaiting > 0) await this.readQueue.wait('RWMutex.rLock()', () => this.readQueue.wakeOne())
    this.readers++
    this.writerEdge.acquire()
  }

  /** Release a read hold. */
  rUnlock(): void {
    if (this.readers === 0) throw new Error('vitest-race: RWMutex.rUnlock() called without a matching rLock()')
    this.readerEdge.release()
    if (--this.readers === 0) this.writeQueue.wakeOne()
  }

  /** Hold the lock alone. */
  async lock(): Promise<void> {
    this.writersWaiting++
    try {
      while (this.writer || this.readers > 0) await this.writeQueue.wait('RWMutex.lock()', () => this.writeQueue.wakeOne())
    } catch (e) {
      // A cancelled writer no longer keeps readers out.
      this.writersWaiting--
      this.readQueue.wakeAll()
      throw e
    }
    this.writersWaiting--
    this.writer = true
    this.writerEdge.acquire()
    this.readerEdge.acquire()
  }

  /** Release the write hold. */
  unlock(): void {
    if (!this.writer) throw new Error('vitest-race: RWMutex.unlock() called on an RWMutex that is not write-locked')
    this.writerEdge.release()
    this.writer = false
    this.readQueue.wakeAll()
    this.writeQueue.wakeOne()
  }
}
