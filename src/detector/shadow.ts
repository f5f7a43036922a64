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

/** The shadow cell of one location. */
export class Location {
  /**
   * Per worker and read site: its last read there (`live` while no write of its worker
   * followed). Accesses without a site (-1) keep one entry per worker.
   */
  reads: Access[] = []
  /** Per worker: its last write. */
  writes: Access[] = []
  /** The worker of the latest write, or -1. */
  lastWriter = -1
  /** Per worker: its last read-await-write span. */
  spans: SpanRecord[] = []
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

/** The entry of `worker` in a per-worker list, or undefined. */
export function entryOf<T extends { readonly worker: number }>(list: readonly T[], worker: number): T | undefined {
  for (let i = 0; i < list.length; i++) if (list[i]!.worker === worker) return list[i]
  return undefined
}

/** Replace or add the entry of `record.worker`. */
export function putEntry<T extends { readonly worker: number }>(list: T[], record: T): void {
  for (let i = 0; i < list.length; i++) {
    if (list[i]!.worker === record.worker) {
      list[i] = record
      return
    }
  }
  list.push(record)
}

/** Remove the entry of `worker`, if any. */
export function dropEntry<T extends { readonly worker: number }>(list: T[], worker: number): void {
  for (let i = 0; i < list.length; i++) {
    if (list[i]!.worker === worker) {
      list[i] = list[list.length - 1]!
      list.pop()
      return
    }
  }
}

/** The entry of `worker` at read site `site` in a read list, or undefined. */
export function readAt(list: readonly Access[], worker: number, site: number): Access | undefined {
  for (let i = 0; i < list.length; i++) {
    const r = list[i]!
    if (r.worker === worker && r.site === site) return r
  }
  return undefined
}

/** Replace or add the entry of `record.worker` at `record.site`. */
export function putRead(list: Access[], record: Access): void {
  for (let i = 0; i < list.length; i++) {
    const r = list[i]!
    if (r.worker === record.worker && r.site === record.site) {
      list[i] = record
      return
    }
  }
  list.push(record)
}

/** Remove `record` from a read list. */
export function dropRead(list: Access[], record: Access): void {
  const i = list.indexOf(record)
  if (i < 0) return
  list[i] = list[list.length - 1]!
  list.pop()
}
