/**
 * The options object of a concurrentTest holds two kinds of options: the race options
 * (RaceOptions, resolved by options.ts and kept by vitest-race) and Vitest's own test
 * options (`retry`, `repeats`), handed to Vitest unchanged. `timeout` is both: a race option
 * that vitest-race passes on to Vitest. Any other key is an error that names it.
 */
import type { TestOptions } from 'vitest'
import { failOption, integerInRange, TEST_OPTIONS, type OptionSource, type PluginOnlyOption, type RaceOptions } from '../options.js'

/** Vitest's own test options that a concurrentTest accepts beside the race options. */
export type VitestTestOptions = Pick<TestOptions, 'retry' | 'repeats'>

/**
 * Per-test options: the race options (they win over every other layer) and Vitest's
 * `retry` and `repeats`; `timeout` is Vitest's timeout for the whole test (every iteration).
 *
 * @example
 * concurrentTest('debits', body, { iterations: 100, seed: 0x5eed, timeout: 20_000, retry: 2 })
 */
export type ConcurrentTestOptions = TestRaceOptions & VitestTestOptions

/** The race options a test may set: all but the plugin's own `instrument` and `suppressions`. */
export type TestRaceOptions = Omit<RaceOptions, PluginOnlyOption>

/** The race options a test may set (the descriptor table's, less the plugin's own). */
const RACE_KEYS: Readonly<Record<string, true>> = Object.fromEntries(TEST_OPTIONS.map((k) => [k, true]))
const VITEST_KEYS: Record<keyof VitestTestOptions, true> = { retry: true, repeats: true }

/** The options object split: what vitest-race resolves, and what goes to Vitest's `test()`. */
export interface SplitOptions {
  readonly race: RaceOptions | undefined
  /** `timeout` included when given (Vitest enforces it). */
  readonly vitest: TestOptions
}

/** Split and check a concurrentTest's options object. */
export function splitOptions(options: unknown, source: OptionSource = 'concurrentTest options'): SplitOptions {
  if (options === undefined) return { race: undefined, vitest: {} }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    failOption(source, 'options', options, 'expected an object of race options and Vitest test options')
  }
  const race: Record<string, unknown> = {}
  const vitest: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(options)) {
    if (key in RACE_KEYS) race[key] = value
    else if (key in VITEST_KEYS) vitest[key] = value
    else failOption(source, key, value, `unknown option; race options are ${Object.keys(RACE_KEYS).join(', ')}; Vitest test options are ${Object.keys(VITEST_KEYS).join(', ')}`)
  }
  if (vitest.repeats !== undefined) integerInRange(source, 'repeats', vitest.repeats, 0, Number.MAX_SAFE_INTEGER)
  const retry = vitest.retry
  if (retry !== undefined && (typeof retry !== 'object' || retry === null)) integerInRange(source, 'retry', retry, 0, Number.MAX_SAFE_INTEGER)
  return { race: race as RaceOptions, vitest: vitest as TestOptions }
}
