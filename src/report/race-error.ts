/**
 * The one way a race failure becomes an error, whatever found it (async workers, threads):
 * the reports as data, their text by the pure formatter, the iteration's own failure noted,
 * and a DataRaceError whose stack is the first report's current access and whose cause, a
 * PreviousAccess, carries the previous one (DESIGN §8). A producer builds RaceReports and
 * hands over the raw stacks of the first race; it adds no text of its own.
 */
import { DataRaceError, PreviousAccess } from './data-race-error.js'
import { describeThrown } from './describe-value.js'
import { formatRaces, workerName } from './format.js'
import { userStackLines } from './frames.js'
import type { RaceReport } from './race-report.js'

/** The raw stacks of the first report's two accesses (undefined: not captured, or evicted). */
export interface FirstRaceStacks {
  readonly current: string | undefined
  readonly previous: string | undefined
}

/** How the error is written. */
export interface RaceErrorOptions {
  /** Removed from every path in the text (GORACE strip_path_prefix, or the project root). */
  readonly stripPathPrefix: string
  /** Folders whose frames are the library's own, left out of the stacks. */
  readonly ownDirs: readonly string[]
  /** The iteration's own failure beside the races, if any (boxed: a thrown `undefined` is a failure too): its first line is noted. */
  readonly also?: { readonly error: unknown }
}

/** `Previous write at o.n by worker 1`, `Previous atomic read at a[0] by thread 2`: the title of the cause. */
export function previousAccessTitle(r: RaceReport): string {
  const p = r.previous
  const task = r.workers.some((w) => w.worker === p.worker && w.task !== undefined)
  return `Previous ${p.atomic === true ? 'atomic ' : ''}${p.kind} at ${r.location} by ${workerName(p.worker, r.threads === true, task)}`
}

/** The error that fails a test with `reports` (at least one). */
export function raceError(reports: readonly RaceReport[], first: FirstRaceStacks, o: RaceErrorOptions): DataRaceError {
  let message = formatRaces(reports, { stripPathPrefix: o.stripPathPrefix })
  if (o.also !== undefined) message += `\nThe same iteration also failed: ${describeThrown(o.also.error).split('\n')[0]}`
  const current = first.current === undefined ? [] : userStackLines(first.current, o.ownDirs)
  const cause = first.previous === undefined ? undefined : new PreviousAccess(previousAccessTitle(reports[0]!), userStackLines(first.previous, o.ownDirs))
  return new DataRaceError(message, reports, current, cause)
}
