/** Runs a function as the test body of one race-mode iteration, without Vitest's plugin. */
import { DEFAULT_SETTINGS, type RaceSettings } from '../../src/options.js'
import { runAs } from '../../src/runtime/context.js'
import { IterationRun, type CapturePlan } from '../../src/runtime/iteration.js'
import { randomSchedule, strategyFor } from '../../src/runtime/strategies.js'
import { releaseTurns, retainTurns } from '../../src/runtime/async-hooks.js'
import type { RaceRecord } from '../../src/detector/race-record.js'

export interface IterationResult<T> {
  readonly run: IterationRun
  readonly value: T
  readonly races: RaceRecord[]
  /** Labels of the racing locations, sorted. */
  readonly labels: string[]
}

export async function inIteration<T>(
  body: (run: IterationRun) => Promise<T> | T,
  options: Partial<RaceSettings> & { seed?: number; capture?: CapturePlan } = {},
): Promise<IterationResult<T>> {
  const settings: RaceSettings = { ...DEFAULT_SETTINGS, race: true, ...options, seed: undefined }
  const seed = options.seed ?? 1
  const run = new IterationRun(settings, seed, strategyFor(randomSchedule(seed)), options.capture)
  if (settings.race) retainTurns()
  try {
    const value = await runAs({ run, worker: 0 }, async () => body(run))
    await Promise.all(run.settled)
    const races = run.detector?.races ?? []
    return { run, value, races, labels: races.map((r) => r.location.label).sort() }
  } finally {
    if (settings.race) releaseTurns()
  }
}
