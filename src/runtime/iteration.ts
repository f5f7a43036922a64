/**
 * One iteration of a concurrentTest body: its detector (race mode), scheduler, tracker and
 * workers, assembled in one place and handed explicitly to what needs them.
 */
import { Detector, MAIN_WORKER, type ClockSnapshot, type DetectorOptions } from '../detector/detector.js'
import type { TaskContext, TaskOrigin } from './tasks.js'
import { clockOf } from '../detector/vector-clock.js'
import type { Location } from '../detector/shadow.js'
import type { RaceSettings } from '../options.js'
import { currentContext } from './context.js'
import { Scheduler, type Strategy } from './scheduler.js'
import { captureStack, OWN_DIRS } from './stacks.js'
import { frameLocation, userFrames } from '../report/frames.js'
import { Tracker, type AccessSink } from './track.js'
import { currentTurn, retainTurns } from './async-hooks.js'
import { ObjectShadows } from './object-shadow.js'
import { siteFrame, type RuntimeSite } from './site-table.js'
import { resolve as resolvePath } from 'node:path'

/** Thrown from the access that found the first race under halt_on_error: it ends the iteration. */
export class RaceHalted extends Error {
  constructor() {
    super('vitest-race: halt_on_error: the iteration stopped at its first race')
    this.name = 'RaceHalted'
  }
}

/** Which accesses capture a stack: those of locations with these labels, or all. */
export type CapturePlan = { readonly labels: ReadonlySet<string> } | 'all'

/** What is known about a worker, for reports. */
export interface WorkerInfo {
  readonly id: number
  /** The stack of the fanOut or spawn call, captured in race mode. */
  readonly createdAt: string | undefined
  readonly fanOut: { readonly index: number; readonly size: number } | undefined
  state: 'running' | 'finished' | 'failed' | 'cancelled'
  /** What it threw, when it failed. */
  error: unknown
  /** Whether anything consumed its outcome (a fanOut, an await of its spawn handle). */
  observed: boolean
  /** A task without fanOut (DESIGN §4b): where and how it started. */
  readonly task?: TaskOrigin
  /** A task on a reused id: its accesses are numbered after this (the earlier tasks' up to it). */
  readonly startSeq?: number
}

/** A finished task whose id a later task may take. */
interface FreeTask {
  readonly id: number
  readonly end: ClockSnapshot
  readonly ctx: TaskContext
}

/** How many finished tasks' ids are looked at before a new id is made. */
const REUSE_SCAN = 16

/** A site's global id (its index in the site table), kept on the record for dependence. */
function siteId(site: RuntimeSite): number {
  return site.id
}

export class IterationRun implements AccessSink {
  readonly detector: Detector | undefined
  readonly scheduler: Scheduler
  readonly tracker: Tracker
  readonly workers = new Map<number, WorkerInfo>()
  /** Completion of every worker started, for the end of the iteration. */
  readonly settled: Promise<unknown>[] = []
  readonly recording: boolean
  private nextWorker = MAIN_WORKER + 1
  /** halt_on_error: a race was just found; the access that found it throws. */
  private halting = false

  /** By id: the tasks that had a reused id before its current one, oldest first. */
  private readonly earlierTasks = new Map<number, WorkerInfo[]>()

  /** The worker or task that made access number `seq` of `worker` (ids of finished tasks are reused). */
  workerAt(worker: number, seq: number): WorkerInfo | undefined {
    const info = this.workers.get(worker)
    if (info === undefined || (info.startSeq ?? 0) < seq) return info
    const earlier = this.earlierTasks.get(worker) ?? []
    for (let i = earlier.length - 1; i >= 0; i--) if ((earlier[i]!.startSeq ?? 0) < seq) return earlier[i]
    return info
  }

  /** Finished tasks, most recent last. */
  private readonly freeTasks: FreeTask[] = []
  /** Tasks given an id so far (reused ids counted again). */
  tasksStarted = 0

  constructor(
    readonly settings: RaceSettings,
    readonly seed: number,
    strategy: Strategy,
    readonly capture: CapturePlan | undefined,
    detectorOptions: Omit<DetectorOptions, 'historySize'> = {},
    /**
     * A plain test checked in race mode (DESIGN §4b): it runs once, as written, with no
     * scheduling points; calls left in flight, timers and async listeners become tasks, and
     * instrumented accesses carry their code site as their stack.
     */
    readonly plain = false,
  ) {
    this.detector = settings.race
      ? new Detector({
          ...detectorOptions,
          historySize: settings.historySize,
          semantics: settings.semantics,
          ...(settings.halt ? { maxRaces: 1, onRace: () => (this.halting = true) } : {}),
        })
      : undefined
    this.recording = this.detector !== undefined
    this.scheduler = new Scheduler({
      strategy,
      stack: captureStack,
      describe: (stack) => {
        const frame = stack === undefined ? undefined : userFrames(stack, OWN_DIRS)[0]
        return frame === undefined ? 'an unknown place' : frameLocation(frame, settings.root)
      },
    })
    this.tracker = new Tracker(this)
    this.workers.set(MAIN_WORKER, { id: MAIN_WORKER, createdAt: undefined, fanOut: undefined, state: 'running', error: undefined, observed: true })
  }

  location(label: string): Location {
    return this.detector!.location(label)
  }

  read(loc: Location): void {
    const ctx = currentContext()
    if (ctx === undefined || ctx.run !== this) return
    this.detector!.read(ctx.worker, loc, currentTurn(), this.stackFor(loc))
    if (this.halting) this.halt()
  }

  write(loc: Location): void {
    const ctx = currentContext()
    if (ctx === undefined || ctx.run !== this) return
    this.detector!.write(ctx.worker, loc, currentTurn(), this.stackFor(loc))
    if (this.halting) this.halt()
  }

  private objectShadows: ObjectShadows | undefined

  /** The shadows of real objects that instrumented code touches (race mode). */
  get shadows(): ObjectShadows {
    return (this.objectShadows ??= new ObjectShadows((label) => this.location(label)))
  }

  /**
   * The stack of an instrumented access, its frame in the instrumented file placed at the
   * access itself: the hook call sits where the transform inserted it (after the value, for a
   * write), which the source map attributes to a neighbouring position.
   */
  private siteStack(loc: Location | undefined, site: RuntimeSite | undefined): string | undefined {
    // A plain test runs once: its reports name each access by its code site, made once per site.
    if (this.plain && site !== undefined) return siteFrame(site, resolvePath(this.settings.root, site.file))
    const stack = loc === undefined ? undefined : this.stackFor(loc)
    if (stack === undefined || site === undefined) return stack
    const file = resolvePath(this.settings.root, site.file)
    const lines = stack.split('\n')
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!
      const at = l.lastIndexOf(`${file}:`)
      if (at < 0 || !/:\d+:\d+\)?$/.test(l)) continue
      lines[i] = `${l.slice(0, at)}${file}:${site.line}:${site.col}${l.endsWith(')') ? ')' : ''}`
      return lines.join('\n')
    }
    return stack
  }

  /** An instrumented read by `worker` (the running worker of this iteration) at `site`. */
  accessRead(worker: number, loc: Location, site: RuntimeSite | undefined): void {
    this.detector!.read(worker, loc, currentTurn(), this.siteStack(loc, site), false, site === undefined ? -1 : siteId(site))
    if (this.halting) this.halt()
  }

  /** An instrumented read that ends a wait loop: it also orders the writer's store before what follows. */
  accessReadAcquire(worker: number, loc: Location, site: RuntimeSite): void {
    this.detector!.readAcquire(worker, loc, currentTurn(), this.siteStack(loc, site), siteId(site))
    if (this.halting) this.halt()
  }

  /** An instrumented write; `dependsOn` as Detector.write takes it. */
  accessWrite(worker: number, loc: Location, dependsOn: ReadonlySet<number> | null | undefined, site?: RuntimeSite): void {
    this.detector!.write(worker, loc, currentTurn(), this.siteStack(loc, site), false, dependsOn)
    if (this.halting) this.halt()
  }

  /**
   * An instrumented `await` in a worker: once the awaited value has settled (real I/O
   * included), the continuation waits at a scheduling point until the strategy lets it go,
   * so exploration and replay cover it (DESIGN §5). The settled value or error is passed on.
   */
  async awaitPoint(worker: number, value: unknown, label: string): Promise<unknown> {
    let result: unknown
    let failed = false
    try {
      result = await value
    } catch (e) {
      failed = true
      result = e
    }
    await this.point(worker, label)
    if (failed) throw result
    return result
  }

  /** An instrumented `await` of a plain test (no scheduling point): remembered for the read-await-write line. */
  awaitSeen(worker: number, site: RuntimeSite | undefined): void {
    this.detector!.point(worker, site?.text ?? 'await', site === undefined ? undefined : this.siteStack(undefined, site))
  }

  /** GORACE halt_on_error: the first race ends the iteration at once, from the access that found it. */
  private halt(): never {
    this.halting = false
    throw new RaceHalted()
  }

  private stackFor(loc: Location): string | undefined {
    const c = this.capture
    if (c === undefined || (c !== 'all' && !c.labels.has(loc.label))) return undefined
    return captureStack()
  }

  /** The running worker of this iteration reaches a scheduling point (none for others). */
  schedulingPoint(label: string): Promise<void> {
    const ctx = currentContext()
    if (ctx === undefined || ctx.run !== this) return Promise.resolve()
    return this.point(ctx.worker, label)
  }

  /** `worker` reaches a scheduling point. */
  point(worker: number, label: string): Promise<void> {
    this.detector?.point(worker, label, this.capture === undefined ? undefined : captureStack())
    return this.scheduler.point(worker, label)
  }

  /** A new worker started by `parent`; everything `parent` did so far happens-before it. */
  newWorker(parent: number, info: Pick<WorkerInfo, 'createdAt' | 'fanOut'>): number {
    const id = this.detector !== undefined ? this.detector.fork(parent) : this.nextWorker
    this.nextWorker = id + 1
    this.workers.set(id, { ...info, id, state: 'running', error: undefined, observed: false })
    this.scheduler.add(id)
    return id
  }

  /** A worker that failed while nothing awaited it: its error would otherwise be lost. */
  unobservedFailure(): WorkerInfo | undefined {
    for (const w of this.workers.values()) if (w.state === 'failed' && !w.observed) return w
    return undefined
  }

  /** `parent` joined `child`. */
  join(parent: number, child: number): void {
    this.detector?.join(parent, child)
  }

  /**
   * The id of a task at its first event (tasks.ts). In a plain test it reuses a finished
   * task's id where `origin` knows its end; in a concurrentTest iteration the task is also a
   * scheduled worker from now on (its awaits wait at scheduling points), and ids are not reused.
   */
  newTask(origin: ClockSnapshot | undefined, started: TaskOrigin, ctx: TaskContext): number {
    const d = this.detector
    let id: number
    if (d === undefined || origin === undefined) {
      id = this.nextWorker++
    } else {
      const free = this.freeTasks
      const reuse = (): number | undefined => {
        for (let i = free.length - 1, seen = 0; i >= 0 && seen < REUSE_SCAN; i--, seen++) {
          const f = free[i]!
          if (clockOf(origin.vc, f.id) < f.end.clock) continue
          free.splice(i, 1)
          f.ctx.retire(f.id, f.end)
          return f.id
        }
        return undefined
      }
      id = d.forkFrom(origin, this.plain ? reuse : undefined)
    }
    this.tasksStarted++
    const startSeq = d === undefined ? 0 : d.startSeqOf(id)
    const earlier = this.workers.get(id)
    // A reused id: the earlier task keeps its name for the races its accesses are in.
    if (earlier !== undefined && startSeq > 0) {
      const list = this.earlierTasks.get(id)
      if (list === undefined) this.earlierTasks.set(id, [earlier])
      else list.push(earlier)
    }
    this.workers.set(id, { id, createdAt: undefined, fanOut: undefined, state: 'running', error: undefined, observed: true, task: started, ...(startSeq > 0 ? { startSeq } : {}) })
    if (!this.plain) this.scheduler.add(id)
    return id
  }

  /** Whether this stress-mode iteration turned the promise hooks on to watch its tasks' promises. */
  promiseWatch = false

  /**
   * A task is about to start: make sure the promise hooks run, so that its promise is watched
   * without a handler (race mode has them on already; a stress-mode iteration turns them on
   * at its first task, and the runner turns them off at its end).
   */
  watchTaskPromises(): void {
    if (this.promiseWatch || this.detector !== undefined) return
    this.promiseWatch = true
    retainTurns()
  }

  /** A task's promise settled (or its callback returned): its id may go to a later task. */
  finishTask(ctx: TaskContext): void {
    if (!ctx.materialized) return
    const id = ctx.worker
    const info = this.workers.get(id)
    if (info !== undefined && info.task !== undefined) info.state = 'finished'
    if (!this.plain) {
      this.scheduler.finish(id)
      return
    }
    if (this.detector === undefined) return
    const end = this.detector.snapshot(id)
    ctx.ended = end
    this.freeTasks.push({ id, end, ctx })
  }

  /** The longest vector clock the detector made so far (for the bench). */
  get clockWidth(): number {
    return this.detector?.workerCount ?? 0
  }

  /**
   * A database statement's read or write of `loc` by `worker` (runtime/sql-statements.ts).
   * `stack` is where the statement was called, the statement on its first line; it is kept
   * where the capture plan asks for `loc`. `blind`: a write that no earlier read of this worker
   * can make stale (a compare-and-swap, a row it holds locked). `atomic`: a write standing for
   * many rows (`items[*]`), one step that other such writes do not conflict with under Go's rule.
   */
  statementAccess(worker: number, loc: Location, write: boolean, stack: string | undefined, blind: boolean, atomic: boolean): void {
    const c = this.capture
    const kept = c === undefined || (c !== 'all' && !c.labels.has(loc.label)) ? undefined : stack
    if (write) this.detector!.write(worker, loc, currentTurn(), kept, atomic, blind ? null : undefined)
    else this.detector!.read(worker, loc, currentTurn(), kept)
    if (this.halting) this.halt()
  }
}
