/**
 * Vitest's `sequence.seed` as vitest-race's seed (main process): `--sequence.seed=N` makes a
 * whole run repeatable, concurrentTests included. Vitest resolves a seed for every run (the
 * time, when none is given), so a run without a race seed is seeded by it.
 */
import type { RaceSettings } from './options.js'

/**
 * The settings a project's tests get: its race seed when one was given (plugin options,
 * `VITEST_RACE`, `--race-seed`), else Vitest's resolved `sequence.seed` (as an unsigned
 * 32-bit integer).
 *
 * @example
 * withVitestSeed(settings, project.config.sequence.seed)
 */
export function withVitestSeed(settings: RaceSettings, sequenceSeed: number | undefined): RaceSettings {
  if (settings.seed !== undefined || sequenceSeed === undefined || !Number.isFinite(sequenceSeed)) return settings
  return Object.freeze({ ...settings, seed: Math.abs(Math.trunc(sequenceSeed)) % 0x100000000 })
}
