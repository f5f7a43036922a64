/**
 * Happens-before edges for the library's primitives, seen from the running worker. A
 * primitive may outlive an iteration (a module-level Mutex), so its clock belongs to one
 * detector and starts afresh under the next.
 */
import { SyncClock, type Detector } from '../detector/detector.js'
import { currentContext } from './context.js'

/** Where releases accumulate and acquires read: a mutex, a WaitGroup, one channel slot. */
export class Edge {
  private clock: SyncClock | undefined
  private owner: Detector | undefined

  /** The running worker's history so far happens-before a later `acquire` (merged with earlier releases). */
  release(): void {
    const ctx = currentContext()
    const d = ctx?.run.detector
    if (d !== undefined) d.release(ctx!.worker, this.clockFor(d))
  }

  /** Like `release`, but replaces what earlier releases left (an atomic store). */
  releaseOnly(): void {
    const ctx = currentContext()
    const d = ctx?.run.detector
    if (d === undefined) return
    const c = this.clockFor(d)
    c.vc = []
    d.release(ctx!.worker, c)
  }

  /** Every release so far happens-before what the running worker does next. */
  acquire(): void {
    const ctx = currentContext()
    const d = ctx?.run.detector
    if (d !== undefined && this.owner === d && this.clock !== undefined) d.acquire(ctx!.worker, this.clock)
  }

  private clockFor(d: Detector): SyncClock {
    if (this.owner !== d || this.clock === undefined) {
      this.clock = new SyncClock()
      this.owner = d
    }
    return this.clock
  }
}

/** A new edge already released by the running worker (one channel message). */
export function releasedEdge(): Edge {
  const e = new Edge()
  e.release()
  return e
}
