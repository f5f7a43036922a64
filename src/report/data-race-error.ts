/**
 * The error a race fails its test with (DESIGN §8): its message is the full report, its
 * `stack` the current access's frames, and its `cause` an error carrying the previous
 * access's stack, so Vitest prints both with code frames.
 */
import type { RaceReport } from './race-report.js'

/** The error that fails a test with a data race. `races` holds the reports as data. */
export class DataRaceError extends Error {
  /** The reports, in the order they were found. */
  readonly races: readonly RaceReport[]

  constructor(message: string, races: readonly RaceReport[], stackLines: readonly string[], cause: Error | undefined) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = 'DataRaceError'
    this.races = races
    this.stack = `${this.name}: ${message}\n${stackLines.join('\n')}`
  }
}

/** The `cause` of a DataRaceError: the previous access, with its own stack. */
export class PreviousAccess extends Error {
  constructor(message: string, stackLines: readonly string[]) {
    super(message)
    this.name = 'PreviousAccess'
    this.stack = `${this.name}: ${message}\n${stackLines.join('\n')}`
  }
}
