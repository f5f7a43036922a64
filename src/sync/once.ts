/** Go's sync.Once: the function's end happens-before every `do` returning. */
import { neverTracked } from '../runtime/track.js'
import { Edge } from '../runtime/edge.js'
import { WaitQueue } from './wait-queue.js'

/**
 * Runs a function once; concurrent callers wait for that one run and share its result.
 *
 * @example
 * const once = new Once<Db>()
 * const db = await once.do(() => connect())
 */
export class Once<T = unknown> {
  static {
    neverTracked(this)
  }

  private state: 'new' | 'running' | 'done' = 'new'
  private result: { ok: true; value: T } | { ok: false; error: unknown } | undefined
  private readonly queue = new WaitQueue()
  private readonly edge = new Edge()

  /** Whether the function has finished. */
  get done(): boolean {
    return this.state === 'done'
  }

  /** Run `fn` if no call has yet; otherwise wait for that run. Resolves to its result (or its error, for every caller). */
  async do(fn: () => T | Promise<T>): Promise<T> {
    if (typeof fn !== 'function') throw new TypeError(`vitest-race: Once.do(fn): fn must be a function, got ${typeof fn}`)
    if (this.state === 'new') {
      this.state = 'running'
      try {
        this.result = { ok: true, value: await fn() }
      } catch (error) {
        this.result = { ok: false, error }
      }
      this.edge.release()
      this.state = 'done'
      this.queue.wakeAll()
    }
    while (this.state === 'running') await this.queue.wait('Once.do()')
    this.edge.acquire()
    const r = this.result!
    if (!r.ok) throw r.error
    return r.value
  }
}
