/**
 * What one iteration left, as plain data: strings, numbers, booleans, arrays and objects, no
 * runtime object (it survives `structuredClone` and JSON). The runtime records it when an
 * iteration ends (runtime/run-outcome.ts), a threads iteration records its races the same way
 * (threads/thread-failure.ts), and the reports are made from it alone, here. Pure.
 */
import type { DataRaceError } from './data-race-error.js'
import { shownFrames, type Frame } from './frames.js'
import type { RaceReport, ReportAccess, ReportWorker } from './race-report.js'
import { raceError, type RaceErrorOptions } from './race-error.js'
import type { StepData } from './schedule-steps.js'

/** One of a race's two accesses. */
export interface OutcomeAccess {
  readonly kind: 'read' | 'write'
  /** An `Atomics.*` access (threads); absent for async workers. */
  readonly atomic?: boolean
  /** 0 is the test body. */
  readonly worker: number
  /**
   * The captured stack, V8 text, a method called on a tracked object named after its class
   * (`BalanceService.debit`, not `Proxy.debit`); undefined when none was captured or the
   * access has left its worker's history.
   */
  readonly stack: string | undefined
  /** A database statement's access: the statement, normalised, with its parameters. */
  readonly statement?: string
}

/** The read-await-write span a race broke (atomicity races only). */
export interface OutcomeSpan {
  /** The worker that read, awaited and wrote. */
  readonly worker: number
  /** The read's captured stack, as the worker captured it. */
  readonly readStack: string | undefined
  /** The read has left its worker's history: a report cannot say where it was (suppressions still look at its stack). */
  readonly readEvicted: boolean
  /** The statement that read, when the read was a database statement's (and not evicted). */
  readonly readStatement?: string
  /** What the worker awaited between its read and its write (`scheduled audit()`); undefined when no scheduling point was seen. */
  readonly awaited: string | undefined
  /** Where it awaited, when stacks were captured. */
  readonly awaitedStack: string | undefined
}

/** One race, as the detector found it. */
export interface OutcomeRace {
  /** The printed name of the location, for example `svc.balances.get("merchant-1")`. */
  readonly location: string
  /** The later access in the run (the one that revealed the race). */
  readonly current: OutcomeAccess
  readonly previous: OutcomeAccess
  readonly span: OutcomeSpan | undefined
}

/** A worker or a task that a race names, and where it came from. */
export interface OutcomeWorker {
  readonly worker: number
  /** `running`, `finished`, `failed`, `cancelled`. */
  readonly state: string
  /**
   * Where it started, as a stack: the fanOut or spawn call; for a task, the instrumented
   * call that forked it or the place a timer or listener was registered. Undefined when unknown.
   */
  readonly origin: string | undefined
  /** Its index within its fanOut, and the fanOut's size. */
  readonly fanOut: { readonly index: number; readonly size: number } | undefined
  /** A task without fanOut (DESIGN §4b), and how it started: `Promise.all element 2`, `setTimeout callback`. */
  readonly task?: string
}

/** The part of an outcome a race report is made from. */
export interface RacesOutcome {
  /** The races to report, in the order they were found. */
  readonly races: readonly OutcomeRace[]
  /** The workers the races name (the test body, worker 0, never); a worker not listed gets no line. */
  readonly workers: readonly OutcomeWorker[]
  /** The workers are threads of a concurrentTest.threads: worker k + 1 is `thread k`, worker 0 the test. */
  readonly threads?: boolean
}

/**
 * Everything an iteration's end says, for the failure and the run summary.
 *
 * @example
 * const outcome: IterationOutcome = {
 *   races: [{ location: 'o.n', current: { kind: 'write', worker: 2, stack }, previous: { kind: 'write', worker: 1, stack: undefined }, span: undefined }],
 *   workers: [{ worker: 1, state: 'finished', origin: undefined, fanOut: { index: 0, size: 2 } }, …],
 *   steps: [{ worker: 1, after: 'start', forced: false }, …], notes: [], suppressed: 0, workersStarted: 2,
 * }
 * formatRaces(raceReports(outcome, 'npx vitest run', ownDirs), { stripPathPrefix: '/p' })
 */
export interface IterationOutcome extends RacesOutcome {
  /** The schedule it ran: which worker went on at each step, after waiting where. */
  readonly steps: readonly StepData[]
  /** What to say beside the iteration's own error (which worker threw it, that nothing awaited it). */
  readonly notes: readonly string[]
  /** Races a suppression silenced: counted, not in `races`. */
  readonly suppressed: number
  /** Workers and tasks the iteration started (the test body not counted). */
  readonly workersStarted: number
}

function top(stack: string | undefined, ownDirs: readonly string[]): Frame | null {
  return shownFrames(stack, ownDirs)?.[0] ?? null
}

function reportAccess(a: OutcomeAccess, ownDirs: readonly string[]): ReportAccess {
  return {
    kind: a.kind,
    ...(a.atomic === undefined ? {} : { atomic: a.atomic }),
    worker: a.worker,
    frames: shownFrames(a.stack, ownDirs),
    ...(a.statement === undefined ? {} : { statement: a.statement }),
  }
}

function reportWorker(w: OutcomeWorker, ownDirs: readonly string[]): ReportWorker {
  const createdAt = shownFrames(w.origin, ownDirs)
  if (w.task !== undefined) return { worker: w.worker, state: w.state, createdAt, fanOut: undefined, task: w.task }
  return { worker: w.worker, state: w.state, createdAt, fanOut: w.fanOut }
}

function raceReport(race: OutcomeRace, outcome: RacesOutcome, replay: string, ownDirs: readonly string[]): RaceReport {
  const span = race.span
  const named = [...new Set([race.current.worker, race.previous.worker])].filter((w) => w !== 0)
  const workers: ReportWorker[] = []
  for (const id of named) {
    const w = outcome.workers.find((x) => x.worker === id)
    if (w !== undefined) workers.push(reportWorker(w, ownDirs))
  }
  return {
    location: race.location,
    current: reportAccess(race.current, ownDirs),
    previous: reportAccess(race.previous, ownDirs),
    span:
      span === undefined
        ? null
        : {
            worker: span.worker,
            readAt: span.readEvicted ? null : top(span.readStack, ownDirs),
            awaitedAt: top(span.awaitedStack, ownDirs),
            awaited: span.awaited,
            ...(span.readStatement === undefined ? {} : { readStatement: span.readStatement }),
          },
    workers,
    replay,
    ...(outcome.threads === true ? { threads: true } : {}),
  }
}

/** The reports of an outcome's races; `ownDirs` are the folders whose frames are the library's, left out. */
export function raceReports(outcome: RacesOutcome, replay: string, ownDirs: readonly string[]): RaceReport[] {
  return outcome.races.map((r) => raceReport(r, outcome, replay, ownDirs))
}

/** How the error of an outcome is written: as `raceError`'s options, and the replay command of every report. */
export interface OutcomeErrorOptions extends RaceErrorOptions {
  readonly replay: string
}

/** The DataRaceError of an outcome with at least one race: its reports, the first race's stacks as its stack and cause. */
export function outcomeError(outcome: RacesOutcome, o: OutcomeErrorOptions): DataRaceError {
  const first = outcome.races[0]!
  return raceError(raceReports(outcome, o.replay, o.ownDirs), { current: first.current.stack, previous: first.previous.stack }, o)
}
