/**
 * From detector records and captured stacks to the error that fails the test: report data
 * first (RaceReport), text by the pure formatter, then a DataRaceError whose stack is the
 * current access and whose cause is the previous one.
 */
import type { RaceRecord } from '../detector/race-record.js'
import { DataRaceError, PreviousAccess } from '../report/data-race-error.js'
import { formatRaces } from '../report/format.js'
import { frameLocation, userFrames, userStackLines, type Frame } from '../report/frames.js'
import type { RaceReport, ReportWorker } from '../report/race-report.js'
import { RaceHalted, type IterationRun } from './iteration.js'
import { OWN_DIRS } from './stacks.js'
import { describeThrown } from './error-notes.js'
import { statementOfStack } from '../sql/statement-stack.js'

/** The user's frames of a captured stack, innermost first; null when none (or no stack). */
export function frames(stack: string | undefined): Frame[] | null {
  if (stack === undefined) return null
  const f = userFrames(stack, OWN_DIRS)
  return f.length === 0 ? null : f
}

function top(stack: string | undefined): Frame | null {
  return frames(stack)?.[0] ?? null
}

/**
 * V8 names a method called on a Proxy `Proxy.debit`; name it after the tracked class that
 * has the method (`BalanceService.debit`) when exactly one does.
 */
function namedAfterClasses(stack: string | undefined, run: IterationRun): string | undefined {
  if (stack === undefined) return undefined
  return stack.replace(/\bProxy\.([\w$]+)/g, (whole, method: string) => {
    const owner = run.tracker.methodOwners.get(method)
    return typeof owner === 'string' ? `${owner}.${method}` : whole
  })
}

/**
 * The key that keeps each pair of code locations once: the two accesses' innermost user
 * frames, unordered; the location's label where no stack was captured.
 */
export function codeLocationKey(race: RaceRecord): string {
  return codePairKey(race.current.stack, race.previous.stack) ?? `label:${race.location.label}`
}

/** The two stacks' innermost user frames, unordered, as one key; undefined when either has none. */
export function codePairKey(a: string | undefined, b: string | undefined): string | undefined {
  const fa = top(a)
  const fb = top(b)
  if (fa === null || fb === null) return undefined
  return [frameLocation(fa, ''), frameLocation(fb, '')].sort().join(' ~ ')
}

function workerReport(run: IterationRun, worker: number): ReportWorker {
  const info = run.workers.get(worker)
  return {
    worker,
    state: info?.state ?? 'running',
    createdAt: frames(info?.createdAt),
    fanOut: info?.fanOut,
  }
}

/** The report data of one race found in `run`. */
export function raceReport(race: RaceRecord, run: IterationRun, replay: string): RaceReport {
  const stack = (s: string | undefined) => namedAfterClasses(s, run)
  const workers = [...new Set([race.current.worker, race.previous.worker])].filter((w) => w !== 0)
  const current = statementOfStack(race.current.stack)
  const previous = race.previousEvicted ? undefined : statementOfStack(race.previous.stack)
  const read = race.span === undefined || race.readEvicted ? undefined : statementOfStack(race.span.read.stack)
  return {
    location: race.location.label,
    current: { kind: race.current.kind, worker: race.current.worker, frames: frames(stack(race.current.stack)), ...(current === undefined ? {} : { statement: current }) },
    previous: {
      kind: race.previous.kind,
      worker: race.previous.worker,
      frames: race.previousEvicted ? null : frames(stack(race.previous.stack)),
      ...(previous === undefined ? {} : { statement: previous }),
    },
    span:
      race.span === undefined
        ? null
        : {
            worker: race.span.worker,
            readAt: race.readEvicted ? null : top(race.span.read.stack),
            awaitedAt: top(race.span.point?.stack),
            awaited: race.span.point?.label,
            ...(read === undefined ? {} : { readStatement: read }),
          },
    workers: workers.map((w) => workerReport(run, w)),
    replay,
  }
}

/** The error for the races of one iteration. `also` is the iteration's own failure, if any. */
export function dataRaceError(races: readonly RaceRecord[], run: IterationRun, replay: string, stripPathPrefix: string, also: unknown): DataRaceError {
  const reports = races.map((r) => raceReport(r, run, replay))
  let message = formatRaces(reports, { stripPathPrefix })
  if (also !== undefined && !(also instanceof RaceHalted)) {
    message += `\nThe same iteration also failed: ${describeThrown(also).split('\n')[0]}`
  }
  const first = races[0]!
  const currentStack = namedAfterClasses(first.current.stack, run)
  const current = currentStack === undefined ? [] : userStackLines(currentStack, OWN_DIRS)
  const previousStack = first.previousEvicted ? undefined : namedAfterClasses(first.previous.stack, run)
  const cause =
    previousStack === undefined
      ? undefined
      : new PreviousAccess(
          `Previous ${first.previous.kind} at ${first.location.label} by ${first.previous.worker === 0 ? 'the test body' : `worker ${first.previous.worker}`}`,
          userStackLines(previousStack, OWN_DIRS),
        )
  return new DataRaceError(message, reports, current, cause)
}
