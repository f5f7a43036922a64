/**
 * Go's channels for async workers. Edges, as in the Go memory model: a send happens-before
 * the receive that gets its value; the k-th receive happens-before the (k+C)-th send
 * completes (C the capacity; C = 0 is a rendezvous); a close happens-before a receive that
 * sees the channel closed.
 */
import { neverTracked } from '../runtime/track.js'
import { Edge, releasedEdge } from '../runtime/edge.js'
import { WaitQueue } from './wait-queue.js'

interface Item<T> {
  readonly value: T
  readonly index: number
  readonly sent: Edge
}

/**
 * A channel of capacity `capacity` (0: unbuffered, every send waits for its receive).
 *
 * @example
 * const results = new Channel<number>(10)
 * await fanOut(10, async (i) => results.send(await work(i)))
 * results.close()
 * for await (const r of results) total += r
 */
export class Channel<T> {
  static {
    neverTracked(this)
  }

  private readonly items: Item<T>[] = []
  private readonly receivedAt: Edge[] = []
  private sent = 0
  private received = 0
  private closed = false
  private readonly closedAt = new Edge()
  private readonly receivers = new WaitQueue()
  private readonly senders = new WaitQueue()

  constructor(readonly capacity = 0) {
    if (typeof capacity !== 'number' || !Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(`vitest-race: new Channel(capacity): capacity = ${String(capacity)} is not valid: expected an integer ≥ 0`)
    }
  }

  /** Whether `close()` was called. */
  get isClosed(): boolean {
    return this.closed
  }

  /** Values sent and not yet received. */
  get length(): number {
    return this.items.length
  }

  /** Send `value`; resolves when the send completes (a buffer slot, or its receiver for capacity 0). */
  async send(value: T): Promise<void> {
    if (this.closed) throw new Error('vitest-race: send on a closed Channel')
    const item: Item<T> = { value, index: this.sent++, sent: releasedEdge() }
    this.items.push(item)
    this.receivers.wakeOne()
    while (this.received <= item.index - this.capacity) {
      if (this.closed) {
        this.items.splice(this.items.indexOf(item), 1)
        throw new Error('vitest-race: Channel closed while a send was waiting')
      }
      await this.senders.wait('Channel.send()', () => this.senders.wakeOne())
    }
    if (item.index >= this.capacity) this.receivedAt[item.index - this.capacity]!.acquire()
  }

  /** Receive the next value; resolves to `undefined` once the channel is closed and drained. */
  async receive(): Promise<T | undefined> {
    const r = await this.receiveResult()
    return r.value
  }

  /** Receive the next value with Go's `ok`: false once the channel is closed and drained. */
  async receiveResult(): Promise<{ value: T; ok: true } | { value: undefined; ok: false }> {
    while (this.items.length === 0) {
      if (this.closed) {
        this.closedAt.acquire()
        return { value: undefined, ok: false }
      }
      await this.receivers.wait('Channel.receive()', () => this.receivers.wakeOne())
    }
    const item = this.items.shift()!
    item.sent.acquire()
    this.receivedAt[item.index] = releasedEdge()
    this.received++
    this.senders.wakeAll()
    if (this.items.length > 0) this.receivers.wakeOne()
    return { value: item.value, ok: true }
  }

  /** Close the channel: receivers drain what is buffered, then see it closed. */
  close(): void {
    if (this.closed) throw new Error('vitest-race: close of a closed Channel')
    this.closedAt.release()
    this.closed = true
    this.receivers.wakeAll()
    this.senders.wakeAll()
  }

  /** `for await (const v of ch)`: receives until the channel is closed and drained. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const r = await this.receiveResult()
      if (!r.ok) return
      yield r.value
    }
  }
}
