/**
 * The detector runtime: wires vector clocks, shadow state and rules together. A pure
 * function of the events it is fed (fork, join, acquire, release, point, read, write);
 * it imports nothing from Node or Vitest, so the thread trace merge can reuse it.
 */
import { clockOf, copyOf, covers, EMPTY_CLOCK, joinClocks, joinInto, withComponent, type VectorClock } from './vector-clock.js'
import { Access, dropRead, entryOf, Location, putEntry, putRead, readAt, type AccessRecord, type PointRecord, type SpanRecord } from './shadow.js'
import { historyCapacity, isEvicted } from './history.js'
import { atomicityViolations, strictConflicts, type AtomicityViolation } from './rules.js'

const NO_VIOLATIONS: readonly AtomicityViolation[] = []
import type { RaceRecord } from './race-record.js'

/** Settings of one detector instance (one iteration). */
export interface DetectorOptions {
  /** GORACE history_size, 0..7. */
  readonly historySize: number
  /** Distinct races are kept once per key; the default key is the location's label. */
  readonly raceKey?: (race: RaceRecord) => string
  /** Called for each new distinct race (after it is stored). */
  readonly onRace?: (race: RaceRecord) => void
  /** At most this many distinct races are kept. */
  readonly maxRaces?: number
  /** The rule: `atomicity` (default) or Go's `strict`. */
  readonly semantics?: 'atomicity' | 'strict'
}

/** A synchronisation object's clock (a mutex, a channel slot, …). */
export class SyncClock {
  vc: VectorClock = EMPTY_CLOCK
}

class WorkerState {
  /** Own clock component; bumped after every release. */
  clock = 1
  /** Accesses numbered up to this one belong to an earlier task that had this id (a reused id). */
  startSeq = 0
  /**
   * A snapshot published the current clock: bump it before the next access. Lazy, so that a
   * run of promise resolutions with no access in between (an await loop) shares one clock
   * value and one snapshot.
   */
  published: ClockSnapshot | undefined = undefined
  /** Accesses so far. */
  seq = 0
  pointSeq = 0
  lastPoint: PointRecord | undefined = undefined
  private current: VectorClock
  /**
   * Copy on write: true while `current` is a private array that nothing else has seen, so a
   * join may raise it in place. Reading `vc` (an access record or a snapshot keeps it) shares
   * it, and the next join copies first. A fanOut's parent joining n children in a row thus
   * copies its clock once, not n times.
   */
  private owned = false
  /**
   * The clock the last child forked got, and this worker's state then: while this worker does
   * nothing in between (a fanOut's loop), the next child may share that array. It knows this
   * worker up to an earlier component value, but this worker made no access, release or
   * snapshot at the later values, so the two clocks order exactly the same events.
   */
  private lastFork: { readonly vc: VectorClock; readonly clock: number; readonly seq: number; readonly base: VectorClock; readonly published: ClockSnapshot | undefined } | undefined
  constructor(
    readonly id: number,
    vc: VectorClock,
  ) {
    this.current = vc
  }

  /** The clock as an immutable snapshot (whoever reads it may keep it). */
  get vc(): VectorClock {
    this.owned = false
    return this.current
  }

  set vc(value: VectorClock) {
    this.current = value
    this.owned = false
  }

  /** The clock of a child forked now (the caller bumps `clock` after). */
  forkClock(): VectorClock {
    const f = this.lastFork
    if (f !== undefined && f.clock === this.clock - 1 && f.seq === this.seq && f.base === this.current && f.published === this.published) {
      this.lastFork = { ...f, clock: this.clock }
      return f.vc
    }
    const vc = withComponent(this.vc, this.id, this.clock)
    this.lastFork = { vc, clock: this.clock, seq: this.seq, base: this.current, published: this.published }
    return vc
  }

  /** Raise this worker's clock to include `b` and component `w` at `value` (`w` < 0: none). */
  join(b: VectorClock, w: number, value: number): void {
    if (this.owned) {
      joinInto(this.current as number[], b, w, value)
      return
    }
    if (covers(this.current, b, w, value)) return
    const out = copyOf(this.current)
    joinInto(out, b, w, value)
    this.current = out
    this.owned = true
  }
}

/** A worker's history at one moment, for an acquire later (a promise resolution). */
export interface ClockSnapshot {
  /** The detector that took it: a snapshot means nothing to another iteration's detector. */
  readonly detector: Detector
  readonly worker: number
  readonly clock: number
  readonly vc: VectorClock
}

/** The id of the worker that exists from the start: the test body. */
export const MAIN_WORKER = 0

/** A happens-before race detector over logical workers. */
export class Detector {
  private readonly workers: WorkerState[] = [new WorkerState(MAIN_WORKER, EMPTY_CLOCK)]
  private readonly found = new Map<string, RaceRecord>()
  private readonly capacity: number
  private readonly strict: boolean
  private nextLocation = 0

  constructor(private readonly options: DetectorOptions) {
    this.capacity = historyCapacity(options.historySize)
    this.strict = options.semantics === 'strict'
  }

  /** Distinct races found so far, in the order they were found. */
  get races(): RaceRecord[] {
    return [...this.found.values()]
  }

  /** Accesses of `worker` numbered up to this belong to an earlier task that had its id (0: none). */
  startSeqOf(worker: number): number {
    return this.workers[worker]?.startSeq ?? 0
  }

  /** Number of workers created so far, the test body included. */
  get workerCount(): number {
    return this.workers.length
  }

  /** A new location with a printed name; ids are sequential. */
  location(label: string): Location {
    return new Location(this.nextLocation++, label)
  }

  /** A new worker started by `parent`: everything `parent` did so far happens-before it. */
  fork(parent: number): number {
    const p = this.workers[parent]!
    const id = this.workers.length
    this.workers[id] = new WorkerState(id, p.forkClock())
    p.clock++
    return id
  }

  /**
   * A new task that starts from `origin` (its parent's snapshot at the fork: a call left in
   * flight, a timer's registration): everything the parent did before it happens-before the
   * task's first event. With `reuse`, an id whose earlier task finished and whose end `origin`
   * already knows continues with the new task (DESIGN §4b: joined tasks share an entry), so a
   * test that starts thousands of tasks one batch after another keeps its clocks short.
   */
  forkFrom(origin: ClockSnapshot, reuse?: () => number | undefined): number {
    const base = withComponent(origin.vc, origin.worker, origin.clock)
    const reused = reuse?.()
    if (reused !== undefined) {
      const old = this.workers[reused]!
      // The old task's end is known to the origin, so its component continues past it.
      const w = new WorkerState(reused, base)
      w.clock = Math.max(old.clock, clockOf(base, reused)) + 1
      w.seq = w.startSeq = old.seq
      this.workers[reused] = w
      return reused
    }
    const id = this.workers.length
    this.workers[id] = new WorkerState(id, base)
    return id
  }

  /** `parent` joined `child`: everything `child` did happens-before what `parent` does next. */
  join(parent: number, child: number): void {
    const c = this.workers[child]!
    this.workers[parent]!.join(c.vc, child, c.clock)
    c.clock++
  }

  /** `worker` releases `sync`: what it did so far happens-before a later acquire. */
  release(worker: number, sync: SyncClock): void {
    const w = this.workers[worker]!
    sync.vc = joinClocks(sync.vc, withComponent(w.vc, worker, w.clock))
    w.clock++
  }

  /** `worker` acquires `sync`: every earlier release of it happens-before what follows. */
  acquire(worker: number, sync: SyncClock): void {
    this.workers[worker]!.join(sync.vc, -1, 0)
  }

  /** `worker` releases without an object: what it did so far happens-before a later `acquireSnapshot`. */
  snapshot(worker: number): ClockSnapshot {
    const w = this.workers[worker]!
    const last = w.published
    if (last !== undefined && last.clock === w.clock && last.vc === w.vc) return last
    return (w.published = { detector: this, worker, clock: w.clock, vc: w.vc })
  }

  /** `worker` acquires a snapshot taken by another worker. */
  acquireSnapshot(worker: number, s: ClockSnapshot): void {
    if (s.worker === worker) return
    this.workers[worker]!.join(s.vc, s.worker, s.clock)
  }

  /** `worker` passed a scheduling point (no ordering; remembered for reports). */
  point(worker: number, label: string, stack?: string): void {
    const w = this.workers[worker]!
    w.lastPoint = { seq: ++w.pointSeq, stack, label }
  }

  /**
   * `worker` read `loc` in `turn`; `atomic` for an `Atomics.*` access (strict semantics only);
   * `site` is the instrumented code site that read it (-1 where no transform saw the code).
   */
  read(worker: number, loc: Location, turn: number, stack?: string, atomic = false, site = -1): void {
    const w = this.workers[worker]!
    if (w.published !== undefined && w.published.clock === w.clock) w.clock++
    const seq = ++w.seq
    if (this.strict) site = -1
    const prev = readAt(loc.reads, worker, site)
    // A read of the earlier task that had this id never stands in for this one's.
    if (prev !== undefined && prev.seq <= w.startSeq) prev.live = false
    // Fast path: a live read in the same turn with the same knowledge; the new one changes nothing
    // (no other worker can run inside a turn).
    if (prev !== undefined && prev.live && prev.turn === turn && prev.vc === w.vc && prev.clock === w.clock && prev.atomic === atomic && (stack === undefined || stack === prev.stack)) return
    if (this.strict) {
      const rec = this.record(w, 'read', seq, turn, stack, atomic)
      for (const other of strictConflicts(loc.writes, rec)) this.report('strict', loc, rec, other, undefined)
      putRead(loc.reads, rec)
      return
    }
    if (prev === undefined) loc.reads.push(this.record(w, 'read', seq, turn, stack, false, site))
    // Records in the read list are never pinned in atomicity mode (a span takes its read out of the list): reuse.
    // Without a site, the latest read stands in for what a write depends on (DESIGN §2). With
    // one, a live read keeps its place: the first read at that site since the worker's last
    // write is the one a later write may depend on.
    else if (site === -1 || !prev.live) this.refill(prev, w, seq, turn, stack)
  }

  /**
   * `worker` read `loc` and has seen the value of its latest writes: the read that ends a wait
   * loop (`while (!ready) await …`) observed the writer's store, so the writer's history up
   * to that write happens-before what the reader does next, as a channel receive does.
   */
  readAcquire(worker: number, loc: Location, turn: number, stack?: string, site = -1): void {
    this.read(worker, loc, turn, stack, false, site)
    const w = this.workers[worker]!
    const writes = loc.writes
    for (let i = 0; i < writes.length; i++) {
      const rec = writes[i]!
      if (rec.worker === worker) continue
      w.join(rec.vc, rec.worker, rec.clock)
      // What the writer does from now on is not covered by this edge.
      const writer = this.workers[rec.worker]!
      if (writer.clock === rec.clock) writer.clock++
    }
  }

  /**
   * `worker` wrote `loc` in `turn`; `atomic` for an `Atomics.*` access (strict semantics only).
   * `dependsOn` says which earlier reads of `loc` by this worker the written value or the branch
   * that writes depends on (DESIGN §4, Dependence): the read sites the transform found, `null`
   * for a blind write that depends on no read, or undefined where no transform saw the code
   * (the worker's last read of `loc` since its own previous write stands in).
   */
  write(worker: number, loc: Location, turn: number, stack?: string, atomic = false, dependsOn?: ReadonlySet<number> | null): void {
    const w = this.workers[worker]!
    if (w.published !== undefined && w.published.clock === w.clock) w.clock++
    const seq = ++w.seq
    const read = dependsOn === null ? undefined : this.spanRead(loc, worker, dependsOn)
    const stale = read !== undefined && read.turn !== turn
    // Fast path: this worker wrote last, in this turn, knowing the same, and closes no span:
    // every check would give the answer it gave then.
    if (!stale && loc.lastWriter === worker) {
      const last = entryOf(loc.writes, worker)!
      if (!last.pinned && last.turn === turn && last.vc === w.vc && last.clock === w.clock && last.atomic === atomic && (stack === undefined || stack === last.stack)) {
        last.seq = seq
        this.endReads(loc, worker)
        return
      }
    }
    const rec = this.record(w, 'write', seq, turn, stack, atomic)
    if (this.strict) {
      for (const other of strictConflicts(loc.writes, rec)) this.report('strict', loc, rec, other, undefined)
      for (const other of strictConflicts(loc.reads, rec)) this.report('strict', loc, rec, other, undefined)
      putEntry(loc.writes, rec)
      loc.lastWriter = worker
      return
    }
    let span: SpanRecord | undefined
    if (stale) {
      const point = w.lastPoint !== undefined && w.lastPoint.seq > read.pointSeq ? w.lastPoint : undefined
      read.pinned = rec.pinned = true
      span = { worker, read, write: rec, point }
      dropRead(loc.reads, read)
    }
    this.endReads(loc, worker)
    // A location keeps one race under the default key: once it has raced, n racing workers
    // would only make n² records that are thrown away.
    const violations = this.options.raceKey === undefined && loc.raced ? NO_VIOLATIONS : atomicityViolations(loc, rec, span)
    for (const v of violations) this.report('atomicity', loc, rec, v.other, v.span)
    putEntry(loc.writes, rec)
    loc.lastWriter = worker
    if (span !== undefined) putEntry(loc.spans, span)
  }

  /**
   * The read a write of `worker` may complete a read-await-write with: without dependence
   * information, its latest live read; with it, its earliest live read at a site the write
   * depends on (the widest span that the written value really comes from).
   */
  private spanRead(loc: Location, worker: number, dependsOn: ReadonlySet<number> | undefined): Access | undefined {
    let found: Access | undefined
    const reads = loc.reads
    const startSeq = this.workers[worker]!.startSeq
    // Only this worker's reads: through the list's index by worker once it has one.
    const mine = reads.positionsOf(worker)
    const count = mine === undefined ? reads.length : mine.length
    for (let k = 0; k < count; k++) {
      const r = reads[mine === undefined ? k : mine[k]!]!
      if (r.worker !== worker || !r.live || r.seq <= startSeq) continue
      if (dependsOn === undefined) {
        if (found === undefined || r.seq > found.seq) found = r
      } else if (dependsOn.has(r.site) && (found === undefined || r.seq < found.seq)) found = r
    }
    return found
  }

  /** A write of `worker` ends its reads of `loc`: they no longer count for a later write. */
  private endReads(loc: Location, worker: number): void {
    const reads = loc.reads
    const mine = reads.positionsOf(worker)
    if (mine !== undefined) {
      for (let k = 0; k < mine.length; k++) reads[mine[k]!]!.live = false
      return
    }
    for (let i = 0; i < reads.length; i++) if (reads[i]!.worker === worker) reads[i]!.live = false
  }

  /**
   * `loc` held a value written before `snapshot` was taken, by the snapshot's worker: for a
   * location first seen late, such as an element of a thread's shared buffer that the test
   * filled before starting the threads. Call it before any other access to `loc`.
   */
  initialWrite(loc: Location, snapshot: ClockSnapshot): void {
    const w = this.workers[snapshot.worker]!
    putEntry(loc.writes, new Access(w.id, 'write', w.seq, 0, snapshot.clock, snapshot.vc, 0, undefined))
    loc.lastWriter = w.id
  }

  private record(w: WorkerState, kind: 'read' | 'write', seq: number, turn: number, stack: string | undefined, atomic = false, site = -1): Access {
    return new Access(w.id, kind, seq, turn, w.clock, w.vc, w.pointSeq, stack, atomic, site)
  }

  private refill(r: Access, w: WorkerState, seq: number, turn: number, stack: string | undefined): void {
    r.seq = seq
    r.turn = turn
    r.clock = w.clock
    r.vc = w.vc
    r.pointSeq = w.pointSeq
    r.stack = stack
    r.live = true
  }

  private report(rule: RaceRecord['rule'], location: Location, current: Access, previous: AccessRecord, span: SpanRecord | undefined): void {
    current.pinned = true
    ;(previous as Access).pinned = true
    const race: RaceRecord = {
      rule,
      location,
      current,
      previous,
      span,
      previousEvicted: this.evicted(previous),
      readEvicted: span !== undefined && this.evicted(span.read),
    }
    location.raced = true
    const key = this.options.raceKey?.(race) ?? location.label
    if (this.found.has(key) || this.found.size >= (this.options.maxRaces ?? 1000)) return
    this.found.set(key, race)
    this.options.onRace?.(race)
  }

  private evicted(access: AccessRecord): boolean {
    return isEvicted(this.workers[access.worker]!.seq, access.seq, this.capacity)
  }
}
