/**
 * From a threads iteration's detector records to the error that fails the test: stacks are
 * resolved from what the threads sent back, each pair of code lines is reported once, and
 * the races become an outcome's plain data, which report/iteration-outcome.ts turns into the
 * error, as it does for async workers (naming threads).
 */
import type { RaceRecord } from '../detector/race-record.js'
import type { DataRaceError } from '../report/data-race-error.js'
import { userStackLines } from '../report/frames.js'
import { outcomeError, type OutcomeRace } from '../report/iteration-outcome.js'
import { codePairKey } from '../runtime/race-failure.js'
import { OWN_DIRS } from '../runtime/stacks.js'
import { WORKER_MODULE_PROBLEM } from './protocol.js'
import { resolveStack } from './trace-merge.js'

/** A thread that threw, or could not start: the message names the thread, the stack is the thread's. */
export class ThreadError extends Error {
  /** The thread's index (0-based, as its `index`). */
  readonly thread: number

  constructor(thread: number, error: unknown) {
    const original = error instanceof Error ? error : new Error(String(error))
    const starting = original.message.startsWith(WORKER_MODULE_PROBLEM)
    super(`thread ${thread} ${starting ? 'could not start' : 'threw'}: ${original.message}`)
    // A thread's error arrives as a structured clone: a built-in name (TypeError) survives, others read Error.
    this.name = original.name === 'Error' ? 'ThreadError' : original.name
    this.thread = thread
    // The worker module's frames only, so Vitest shows its line.
    this.stack = `${this.name}: ${this.message}\n${userStackLines(original.stack ?? '', OWN_DIRS).join('\n')}`
  }
}

interface Resolved {
  readonly race: RaceRecord
  readonly current: string | undefined
  readonly previous: string | undefined
}

/**
 * The races as reports, each pair of code lines once (Go's rule: one report per pair of
 * program counters), the first of each pair kept.
 */
function distinct(races: readonly RaceRecord[], stacks: readonly (readonly string[])[]): Resolved[] {
  const seen = new Set<string>()
  const out: Resolved[] = []
  for (const race of races) {
    const current = resolveStack(race.current.stack, stacks)
    const previous = race.previousEvicted ? undefined : resolveStack(race.previous.stack, stacks)
    const key = codePairKey(current, previous) ?? `array:${race.location.label.replace(/\[\d+\]$/, '')}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push({ race, current, previous })
  }
  return out
}

/** The error for the races of one threads iteration; `also` holds the iteration's own failure, if any (boxed: `check` may throw `undefined`). */
export function threadRaceError(
  races: readonly RaceRecord[],
  stacks: readonly (readonly string[])[],
  replay: string,
  stripPathPrefix: string,
  also: { readonly error: unknown } | undefined,
): DataRaceError {
  const outcome: OutcomeRace[] = distinct(races, stacks).map(({ race, current, previous }) => ({
    location: race.location.label,
    current: { kind: race.current.kind, atomic: race.current.atomic, worker: race.current.worker, stack: current },
    previous: { kind: race.previous.kind, atomic: race.previous.atomic, worker: race.previous.worker, stack: previous },
    span: undefined,
  }))
  return outcomeError({ races: outcome, workers: [], threads: true }, { replay, stripPathPrefix, ownDirs: OWN_DIRS, ...(also === undefined ? {} : { also }) })
}
