/**
 * From an async iteration's detector records and captured stacks to report data (RaceReport);
 * report/race-error.ts turns the data into the error, as it does for threads.
 */
import type { TestContext } from 'vitest'
import type { RaceRecord } from '../detector/race-record.js'
import { META_KEY, type RaceMeta } from '../provided.js'
import type { DataRaceError } from '../report/data-race-error.js'
import { frameLocation, userFrames, type Frame } from '../report/frames.js'
import { raceError } from '../report/race-error.js'
import type { RaceReport, ReportWorker } from '../report/race-report.js'
import { RaceHalted, type IterationRun } from './iteration.js'
import { OWN_DIRS } from './stacks.js'
import { withNote } from './error-notes.js'
import { resolve as resolvePath } from 'node:path'
import { siteFrame } from './site-table.js'
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
  const task = info?.task
  if (task !== undefined) {
    // A task's origin: the instrumented call that forked it, or the stack captured at a timer's registration.
    const site = task.site
    const origin = site !== undefined ? siteFrame(site, resolvePath(run.settings.root, site.file)) : task.holder?.stack
    return { worker, state: info!.state, createdAt: frames(origin), fanOut: undefined, task: task.how }
  }
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

/**
 * The error for the races of one iteration. `also` holds the iteration's own failure, if any
 * (boxed: a thrown `undefined` is a failure too).
 */
export function dataRaceError(races: readonly RaceRecord[], run: IterationRun, replay: string, stripPathPrefix: string, also: { readonly error: unknown } | undefined): DataRaceError {
  const first = races[0]!
  const stacks = {
    current: namedAfterClasses(first.current.stack, run),
    previous: first.previousEvicted ? undefined : namedAfterClasses(first.previous.stack, run),
  }
  const noted = also === undefined || also.error instanceof RaceHalted ? undefined : also
  return raceError(races.map((r) => raceReport(r, run, replay)), stacks, { stripPathPrefix, ownDirs: OWN_DIRS, ...(noted === undefined ? {} : { also: noted }) })
}

/**
 * The value a race failure throws, for async workers and threads alike: the reports left in
 * the task meta for the run summary in Vitest's main process (reporter.ts), and the error with
 * `note` (where it was found, how to replay it) after its message.
 */
export function failWithRaces(vitest: TestContext, error: DataRaceError, note: string): Error {
  const meta: RaceMeta = { races: error.races }
  ;(vitest.task.meta as Record<string, unknown>)[META_KEY] = meta
  return withNote(error, note)
}
