/**
 * A race failure in the test worker: the keys that keep each pair of code locations once, and
 * the error of an iteration's outcome (report/iteration-outcome.ts makes it from the plain
 * data alone, for async workers and threads alike), with the reports left for the run summary.
 */
import type { TestContext } from 'vitest'
import type { RaceRecord } from '../detector/race-record.js'
import { META_KEY, type RaceMeta } from '../provided.js'
import type { DataRaceError } from '../report/data-race-error.js'
import { frameLocation, shownFrames, type Frame } from '../report/frames.js'
import { outcomeError, type RacesOutcome } from '../report/iteration-outcome.js'
import { RaceHalted } from './iteration.js'
import { OWN_DIRS } from './stacks.js'
import { withNote } from './error-notes.js'

function top(stack: string | undefined): Frame | null {
  return shownFrames(stack, OWN_DIRS)?.[0] ?? null
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

/**
 * The error for the races of one iteration's outcome. `also` holds the iteration's own
 * failure, if any (boxed: a thrown `undefined` is a failure too); halt_on_error's own stop is none.
 */
export function dataRaceError(outcome: RacesOutcome, replay: string, stripPathPrefix: string, also: { readonly error: unknown } | undefined): DataRaceError {
  const noted = also === undefined || also.error instanceof RaceHalted ? undefined : also
  return outcomeError(outcome, { replay, stripPathPrefix, ownDirs: OWN_DIRS, ...(noted === undefined ? {} : { also: noted }) })
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
