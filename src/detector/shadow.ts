/**
 * Shadow state: what the detector remembers about one location (an object's property,
 * an array index, a Map entry, a collection's shape). Only the latest access of each kind
 * per worker is kept, which is enough because program order makes earlier ones redundant
 * (if a worker's latest write is ordered before some event, so are all its earlier writes).
 */
import type { VectorClock } from './vector-clock.js'

/** A scheduling point a worker passed: used to say where it awaited between read and write. */
export interface PointRecord {
  /** The worker's running count of scheduling points. */
  readonly seq: number
  /** The captured stack, when stacks were being captured. */
  readonly stack: string | undefined
  /** What the point was, for example `scheduled audit()`. */
  readonly label: string
}

/**
 * One recorded access. The detector reuses records on its fast path (a repeated access in
 * the same turn with the same clock), so its fields are mutable inside `detector/`; a record
 * that a span or a race refers to is `pinned` and never changed again.
 */
export class Access {
  /** In a location's read list: false once its worker has written since (the read no longer counts). */
  live = true
  /** Referred to by a span or a race: never reused. */
  pinned = false

  constructor(
    readonly worker: number,
    readonly kind: 'read' | 'write',
    /** The worker's access counter at this access (for history eviction and replay). */
    public seq: number,
    /** The turn (synchronous segment) the access ran in. */
    public turn: number,
    /** The worker's own clock component at the access. */
    public clock: number,
    /** The worker's vector clock snapshot at the access (own component may be stale). */
    public vc: VectorClock,
    /** The worker's scheduling-point count at the access. */
    public pointSeq: number,
    public stack: string | undefined,
    /** An atomic access (`Atomics.*` on shared memory): two atomic accesses never race. */
    readonly atomic = false,
    /**
     * The instrumented code site that made the access (a read's site decides whether a later
     * write depends on it), or -1 where no transform saw the code (track(), threads).
     */
    readonly site = -1,
  ) {}
}

/** One recorded access, as the rest of the code sees it. */
export type AccessRecord = Readonly<Access>

/** A read-then-write of one location by one worker across turns: the span another write may break. */
export interface SpanRecord {
  /** The worker that read and wrote. */
  readonly worker: number
  readonly read: AccessRecord
  readonly write: AccessRecord
  /** The last scheduling point the worker passed between the read and the write, if any. */
  readonly point: PointRecord | undefined
}

/**
 * A location's list of per-worker records (reads, writes, spans): an array, in the order the
 * detector put the records in, that also knows where each worker's records are once it is
 * long. Without that, a location that n workers read costs O(n) per access and O(n²) per
 * iteration (a shared key read by 10,000 workers). Change it only through `push` and this
 * module's functions, which keep the index; readers may index and iterate it as any array.
 */
export class WorkerList<T extends { readonly worker: number }> extends Array<T> {
  /** `map`, `filter` and `slice` of a WorkerList give plain arrays. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array
  }

  /**
   * Per worker: the positions of its records in this list; undefined while the list is short
   * (a scan is cheaper than an index there). A sparse array, not a Map: the detector runs
   * inside the user's test, where `Map.prototype` may be spied on.
   */
  #at: number[][] | undefined = undefined

  /** An empty list. Explicit: the implicit one spreads its arguments through the array iterator, which a test may patch. */
  constructor() {
    super()
  }

  /** Adds records at the end, as `Array.prototype.push` does. */
  override push(...items: T[]): number {
    for (let k = 0; k < items.length; k++) {
      const i = this.length
      this[i] = items[k]!
      if (this.#at !== undefined) this.#add(items[k]!.worker, i)
      else if (i + 1 >= INDEX_FROM) this.#build()
    }
    return this.length
  }

  /** The positions of `worker`'s records, or undefined when the list keeps no index (scan it). */
  positionsOf(worker: number): readonly number[] | undefined {
    return this.#at === undefined ? undefined : (this.#at[worker] ?? NO_POSITIONS)
  }

  /** Puts `record` at position `i`, in place of a record of the same worker. */
  replaceAt(i: number, record: T): void {
    this[i] = record
  }

  /** Removes the record at position `i`: the last record takes its place. */
  removeAt(i: number): void {
    const last = this.length - 1
    const removed = this[i]!
    const moved = this[last]!
    if (this.#at !== undefined) {
      this.#forget(removed.worker, i)
      if (i !== last) this.#move(moved.worker, last, i)
    }
    this[i] = moved
    this.length = last
  }

  #build(): void {
    this.#at = []
    for (let i = 0; i < this.length; i++) this.#add(this[i]!.worker, i)
  }

  #add(worker: number, i: number): void {
    const at = this.#at!
    const positions = at[worker]
    if (positions === undefined) at[worker] = [i]
    else positions[positions.length] = i
  }

  #forget(worker: number, i: number): void {
    const positions = this.#at![worker]!
    const k = indexIn(positions, i)
    positions[k] = positions[positions.length - 1]!
    positions.length--
  }

  #move(worker: number, from: number, to: number): void {
    const positions = this.#at![worker]!
    positions[indexIn(positions, from)] = to
  }
}

/** Lists at least this long keep an index by worker. */
const INDEX_FROM = 8
const NO_POSITIONS: readonly number[] = Object.freeze([])

function indexIn(positions: readonly number[], i: number): number {
  for (let k = 0; k < positions.length; k++) if (positions[k] === i) return k
  return -1
}

/** The shadow cell of one location. */
export class Location {
  /**
   * Per worker and read site: its last read there (`live` while no write of its worker
   * followed). Accesses without a site (-1) keep one entry per worker.
   */
  reads = new WorkerList<Access>()
  /** Per worker: its last write. */
  writes = new WorkerList<Access>()
  /** The worker of the latest write, or -1. */
  lastWriter = -1
  /** A race at this location has been reported. */
  raced = false
  /** Per worker: its last read-await-write span. */
  spans = new WorkerList<SpanRecord>()
  /**
   * A collection's shape (size, key set, length). Built-in mutators change it in one atomic
   * step: their writes here depend only on the reads that decided whether they run (DESIGN §4).
   */
  shape = false

  /**
   * @param id  sequential number, stable across replays of a deterministic iteration
   * @param label  the printed name, for example `svc.balances.get("merchant-1")`
   */
  constructor(
    readonly id: number,
    readonly label: string,
  ) {}
}

/** The position of `worker`'s entry in a per-worker list (one entry per worker), or -1. */
function positionOf<T extends { readonly worker: number }>(list: WorkerList<T>, worker: number): number {
  const positions = list.positionsOf(worker)
  if (positions !== undefined) return positions.length === 0 ? -1 : positions[0]!
  for (let i = 0; i < list.length; i++) if (list[i]!.worker === worker) return i
  return -1
}

/** The entry of `worker` in a per-worker list, or undefined. */
export function entryOf<T extends { readonly worker: number }>(list: WorkerList<T>, worker: number): T | undefined {
  const i = positionOf(list, worker)
  return i < 0 ? undefined : list[i]
}

/** Replace or add the entry of `record.worker`. */
export function putEntry<T extends { readonly worker: number }>(list: WorkerList<T>, record: T): void {
  const i = positionOf(list, record.worker)
  if (i < 0) list.push(record)
  else list.replaceAt(i, record)
}

/** Remove the entry of `worker`, if any. */
export function dropEntry<T extends { readonly worker: number }>(list: WorkerList<T>, worker: number): void {
  const i = positionOf(list, worker)
  if (i >= 0) list.removeAt(i)
}

/** The position of `worker`'s entry at read site `site` in a read list, or -1. */
function readPosition(list: WorkerList<Access>, worker: number, site: number): number {
  const positions = list.positionsOf(worker)
  if (positions !== undefined) {
    for (let k = 0; k < positions.length; k++) if (list[positions[k]!]!.site === site) return positions[k]!
    return -1
  }
  for (let i = 0; i < list.length; i++) {
    const r = list[i]!
    if (r.worker === worker && r.site === site) return i
  }
  return -1
}

/** The entry of `worker` at read site `site` in a read list, or undefined. */
export function readAt(list: WorkerList<Access>, worker: number, site: number): Access | undefined {
  const i = readPosition(list, worker, site)
  return i < 0 ? undefined : list[i]
}

/** Replace or add the entry of `record.worker` at `record.site`. */
export function putRead(list: WorkerList<Access>, record: Access): void {
  const i = readPosition(list, record.worker, record.site)
  if (i < 0) list.push(record)
  else list.replaceAt(i, record)
}

/** Remove `record` from a read list. */
export function dropRead(list: WorkerList<Access>, record: Access): void {
  const positions = list.positionsOf(record.worker)
  if (positions !== undefined) {
    for (let k = 0; k < positions.length; k++) {
      if (list[positions[k]!] === record) {
        list.removeAt(positions[k]!)
        return
      }
    }
    return
  }
  for (let i = 0; i < list.length; i++) {
    if (list[i] === record) {
      list.removeAt(i)
      return
    }
  }
}
