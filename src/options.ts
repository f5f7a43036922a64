/**
 * The one place where user options become settings (STYLE: fast-check's
 * QualifiedParameters). Layers, later ones winning: defaults, plugin options,
 * `VITEST_RACE`, per-test options. Every bad field is one clear error naming the option,
 * the value, where it came from and what is allowed.
 */
import { HISTORY_SIZE_MAX, HISTORY_SIZE_MIN } from './detector/history.js'
import type { InstrumentOptions } from './instrument/instrument-options.js'

export type { InstrumentOptions } from './instrument/instrument-options.js'

/** Options a user passes to `race()` in vitest.config.ts or as the last argument of `concurrentTest`. */
export interface RaceOptions {
  /** How many times the body runs, each under a different schedule (default 50). */
  iterations?: number
  /** The seed of the first iteration; a failing iteration prints the seed that replays it. Number or `'0x5eed1'`. */
  seed?: number | string
  /** Vitest's timeout for the whole test (all iterations), in ms. */
  timeout?: number
  /** GORACE history_size, 0..7: each worker keeps the stacks of its last 2^n × 1024 accesses (default 1). */
  historySize?: number
  /**
   * Which unordered pairs are races between async workers. `'atomicity'` (default): a
   * read-await-write broken by another worker's write. `'strict'`: Go's rule, any two
   * unordered accesses to one location, at least one a write (order dependence too).
   */
  semantics?: Semantics
  /**
   * How the scheduler explores: `'random'` (default), `'pct'` (probabilistic concurrency
   * testing, see `depth`) or `'exhaustive'` (every interleaving, up to `maxInterleavings`).
   */
  strategy?: StrategyName
  /** PCT's bug depth d: d − 1 priority change points per run (default 3). */
  depth?: number
  /** The exhaustive strategy fails clearly beyond this many interleavings (default 1000). */
  maxInterleavings?: number
  /** With `seed`, replays one failing schedule exactly: the fast-check path a failure prints. */
  path?: string
  /** GORACE halt_on_error: the first race ends the iteration at once, with exactly one report. */
  halt?: boolean
  /** GORACE exitcode: the process exit status when any race was reported (default 66). */
  exitcode?: number
  /** GORACE log_path: reports are also written, plain, to `<logPath>.<pid>`. */
  logPath?: string
  /** GORACE strip_path_prefix: removed from every path in reports (default: the project root). */
  stripPathPrefix?: string
  /**
   * Plugin only. Which code race mode instruments (DESIGN §4): by default every module Vite
   * transforms outside node_modules; `deps` adds npm packages, `include`/`exclude` globs
   * (relative to the project root) refine it; `false` turns instrumentation off.
   *
   * @example
   * race({ instrument: { deps: ['p-memoize'], exclude: ['src/legacy/**'] } })
   */
  instrument?: false | InstrumentOptions
}

/** The race rule for async workers (DESIGN §2). */
export type Semantics = 'atomicity' | 'strict'

/** A scheduling strategy (DESIGN §5). */
export type StrategyName = 'random' | 'pct' | 'exhaustive'

/** Fully resolved settings; every field has a value. */
export interface RaceSettings {
  /** Race mode: the detector runs (VITEST_RACE=1). Otherwise stress mode: workers and perturbation only. */
  readonly race: boolean
  readonly iterations: number
  /** Undefined: a random seed per run. */
  readonly seed: number | undefined
  readonly timeout: number | undefined
  readonly historySize: number
  readonly semantics: Semantics
  readonly strategy: StrategyName
  readonly depth: number
  readonly maxInterleavings: number
  /** Undefined: explore; else replay this fast-check path (with `seed`). */
  readonly path: string | undefined
  readonly halt: boolean
  readonly exitcode: number
  readonly logPath: string | undefined
  /** Undefined: the project root. */
  readonly stripPathPrefix: string | undefined
  /** The project root: paths in reports are relative to it unless stripPathPrefix says otherwise. */
  readonly root: string
  /**
   * Where workers leave progress lines for the run summary reporter to show, in an
   * interactive terminal only (undefined in CI and when output is not a TTY).
   */
  readonly progressFile: string | undefined
  /** Folders of the dependencies race mode instruments (`instrument.deps`), resolved by the plugin. */
  readonly instrumentedDeps: readonly string[]
  /** Whether the plugin instruments code at all (`instrument: false` turns it off). */
  readonly instrument: boolean
}

/** Where an option value came from, for error messages. */
export type OptionSource = 'race() plugin options' | 'VITEST_RACE' | 'vitest-race flags' | 'concurrentTest options' | 'concurrentTest.threads options'

/** A bad option value. */
export class RaceOptionError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RaceOptionError'
  }
}

/** The defaults, with race mode off. */
export const DEFAULT_SETTINGS: RaceSettings = Object.freeze({
  race: false,
  iterations: 50,
  seed: undefined,
  timeout: undefined,
  historySize: 1,
  semantics: 'atomicity',
  strategy: 'random',
  depth: 3,
  maxInterleavings: 1000,
  path: undefined,
  halt: false,
  exitcode: 66,
  logPath: undefined,
  stripPathPrefix: undefined,
  root: '',
  progressFile: undefined,
  instrumentedDeps: [],
  instrument: true,
})

/** Throws the one-line RaceOptionError for a bad value. */
export function failOption(source: OptionSource, option: string, value: unknown, allowed: string): never {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value)
  throw new RaceOptionError(`vitest-race: ${option} = ${shown} (from ${source}) is not valid: ${allowed}.`)
}

/** `value` as an integer in [min, max], or the RaceOptionError. */
export function integerInRange(source: OptionSource, option: string, value: unknown, min: number, max: number): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    failOption(source, option, value, max === Number.MAX_SAFE_INTEGER ? `expected an integer ≥ ${min}` : `expected an integer from ${min} to ${max}`)
  }
  return n
}

function booleanValue(source: OptionSource, option: string, value: unknown): boolean {
  if (value === true || value === 'true' || value === '1') return true
  if (value === false || value === 'false' || value === '0') return false
  return failOption(source, option, value, 'expected true or false (1 or 0)')
}

function stringValue(source: OptionSource, option: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') failOption(source, option, value, 'expected a non-empty string')
  return value as string
}

/** Parse a seed: a non-negative 32-bit integer, decimal or 0x-hex. */
export function parseSeed(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 0xffffffff ? value : undefined
  if (typeof value !== 'string' || !/^(0x[0-9a-f]+|\d+)$/i.test(value.trim())) return undefined
  const n = Number(value.trim())
  return Number.isSafeInteger(n) && n <= 0xffffffff ? n : undefined
}

/** Every race option (checked complete by the compiler); `instrument` is the plugin's alone. */
export const KNOWN: Readonly<Record<keyof RaceOptions, true>> = {
  iterations: true,
  seed: true,
  timeout: true,
  historySize: true,
  semantics: true,
  strategy: true,
  depth: true,
  maxInterleavings: true,
  path: true,
  halt: true,
  exitcode: true,
  logPath: true,
  stripPathPrefix: true,
  instrument: true,
}

/**
 * Apply one layer of user options over `base`, validating each field. `names` gives the
 * name the user wrote for each option (`history_size`, `--race-seed`) for error messages.
 */
export function applyOptions(
  base: RaceSettings,
  options: RaceOptions | undefined,
  source: OptionSource,
  names: Partial<Record<keyof RaceOptions, string>> = {},
): RaceSettings {
  if (options === undefined) return base
  const fail = (_source: OptionSource, option: string, value: unknown, allowed: string): never =>
    failOption(source, names[option as keyof RaceOptions] ?? option, value, allowed)
  const integerIn = (_source: OptionSource, option: string, value: unknown, min: number, max: number) =>
    integerInRange(source, names[option as keyof RaceOptions] ?? option, value, min, max)
  const booleanOf = (_source: OptionSource, option: string, value: unknown) => booleanValue(source, names[option as keyof RaceOptions] ?? option, value)
  const nonEmptyString = (_source: OptionSource, option: string, value: unknown) => stringValue(source, names[option as keyof RaceOptions] ?? option, value)
  if (typeof options !== 'object' || options === null) fail(source, 'options', options, 'expected an object')
  const out: { -readonly [K in keyof RaceSettings]: RaceSettings[K] } = { ...base }
  const known = Object.keys(KNOWN).filter((k) => k !== 'instrument' || source === 'race() plugin options')
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) fail(source, key, (options as Record<string, unknown>)[key], `unknown option; known options are ${known.join(', ')}`)
  }
  if (options.iterations !== undefined) out.iterations = integerIn(source, 'iterations', options.iterations, 1, Number.MAX_SAFE_INTEGER)
  if (options.historySize !== undefined) out.historySize = integerIn(source, 'historySize', options.historySize, HISTORY_SIZE_MIN, HISTORY_SIZE_MAX)
  if (options.timeout !== undefined) out.timeout = integerIn(source, 'timeout', options.timeout, 1, Number.MAX_SAFE_INTEGER)
  if (options.semantics !== undefined) {
    if (options.semantics !== 'atomicity' && options.semantics !== 'strict') fail(source, 'semantics', options.semantics, "expected 'atomicity' or 'strict'")
    out.semantics = options.semantics
  }
  if (options.strategy !== undefined) {
    if (options.strategy !== 'random' && options.strategy !== 'pct' && options.strategy !== 'exhaustive') {
      fail(source, 'strategy', options.strategy, "expected 'random', 'pct' or 'exhaustive'")
    }
    out.strategy = options.strategy
  }
  if (options.depth !== undefined) out.depth = integerIn(source, 'depth', options.depth, 1, 100)
  if (options.maxInterleavings !== undefined) out.maxInterleavings = integerIn(source, 'maxInterleavings', options.maxInterleavings, 1, Number.MAX_SAFE_INTEGER)
  if (options.path !== undefined) {
    if (typeof options.path !== 'string' || !/^\d+(:\d+)*$/.test(options.path)) fail(source, 'path', options.path, 'expected a fast-check path such as "3:1:0"')
    out.path = options.path
  }
  if (options.halt !== undefined) out.halt = booleanOf(source, 'halt', options.halt)
  if (options.exitcode !== undefined) out.exitcode = integerIn(source, 'exitcode', options.exitcode, 0, 255)
  if (options.logPath !== undefined) out.logPath = nonEmptyString(source, 'logPath', options.logPath)
  if (options.stripPathPrefix !== undefined) out.stripPathPrefix = nonEmptyString(source, 'stripPathPrefix', options.stripPathPrefix)
  if (options.seed !== undefined) {
    const seed = parseSeed(options.seed)
    if (seed === undefined) fail(source, 'seed', options.seed, 'expected an integer from 0 to 0xffffffff, decimal or 0x-hex')
    out.seed = seed
  }
  return Object.freeze(out)
}

/** GORACE-style names in `VITEST_RACE`, mapped to option names. */
const ENV_KEYS: Record<string, keyof RaceOptions> = {
  history_size: 'historySize',
  halt_on_error: 'halt',
  exitcode: 'exitcode',
  log_path: 'logPath',
  strip_path_prefix: 'stripPathPrefix',
  seed: 'seed',
  path: 'path',
  iterations: 'iterations',
  semantics: 'semantics',
  strategy: 'strategy',
  depth: 'depth',
  max_interleavings: 'maxInterleavings',
}

/** The `vitest-race` command's flags (`--race-seed=…`), mapped to option names. */
const FLAG_KEYS: Record<string, keyof RaceOptions> = {
  '--race-seed': 'seed',
  '--race-path': 'path',
  '--race-history-size': 'historySize',
  '--race-halt': 'halt',
  '--race-exitcode': 'exitcode',
  '--race-log-path': 'logPath',
  '--race-strip-path-prefix': 'stripPathPrefix',
  '--race-iterations': 'iterations',
  '--race-strategy': 'strategy',
  '--race-semantics': 'semantics',
}

function namesOf(keys: Record<string, keyof RaceOptions>): Partial<Record<keyof RaceOptions, string>> {
  return Object.fromEntries(Object.entries(keys).map(([name, option]) => [option, name]))
}

/**
 * Read `VITEST_RACE`: unset, empty, `0` or `false` leave race mode off; `1` or `true` turn it
 * on; a GORACE-style string such as `"history_size=2 halt_on_error=1"` turns it on with options
 * (`race=0` passes options without turning it on: the replay of a stress-mode failure).
 */
export function applyRaceEnv(base: RaceSettings, env: string | undefined): RaceSettings {
  const text = (env ?? '').trim()
  if (text === '' || text === '0' || text === 'false') return base
  if (text === '1' || text === 'true') return Object.freeze({ ...base, race: true })
  const options: Record<string, string> = {}
  let race = true
  for (const part of text.split(/\s+/)) {
    const eq = part.indexOf('=')
    const name = eq < 0 ? part : part.slice(0, eq)
    const value = eq < 0 ? '' : part.slice(eq + 1)
    if (name === 'race' && eq > 0) {
      if (!['0', '1', 'true', 'false'].includes(value)) failOption('VITEST_RACE', 'race', value, 'expected 0, 1, true or false')
      race = value === '1' || value === 'true'
      continue
    }
    const option = ENV_KEYS[name]
    if (eq < 0 || option === undefined) {
      failOption('VITEST_RACE', name, eq < 0 ? part : value, `expected 1, or space-separated name=value pairs with names race, ${Object.keys(ENV_KEYS).join(', ')}`)
    }
    options[option] = value
  }
  return Object.freeze({ ...applyOptions(base, options as RaceOptions, 'VITEST_RACE', namesOf(ENV_KEYS)), race })
}

/** What `parseRaceFlags` found among command-line arguments. */
export interface RaceFlags {
  /** `--race` or any `--race-…` flag was given: race mode on. */
  readonly race: boolean
  /** The `--race-…` flags, as given (`--race-seed=0x7`, `--race-halt`). */
  readonly flags: readonly string[]
  /** Every other argument, untouched. */
  readonly rest: readonly string[]
}

/** Split the `--race` and `--race-…` flags from other command-line arguments. */
export function parseRaceFlags(args: readonly string[]): RaceFlags {
  const flags: string[] = []
  const rest: string[] = []
  let race = false
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === '--race') {
      race = true
    } else if (a.startsWith('--race-')) {
      race = true
      const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a
      // `--race-seed 0x7` as well as `--race-seed=0x7` (not for the boolean --race-halt).
      if (!a.includes('=') && name !== '--race-halt' && FLAG_KEYS[name] !== undefined && i + 1 < args.length && !args[i + 1]!.startsWith('-')) {
        flags.push(`${a}=${args[++i]}`)
      } else {
        flags.push(a)
      }
    } else {
      rest.push(a)
    }
  }
  return { race, flags, rest }
}

/** Apply `--race-…` flags (the layer after VITEST_RACE). */
export function applyRaceFlags(base: RaceSettings, flags: readonly string[]): RaceSettings {
  if (flags.length === 0) return base
  const options: Record<string, string> = {}
  for (const f of flags) {
    const eq = f.indexOf('=')
    const name = eq < 0 ? f : f.slice(0, eq)
    const option = FLAG_KEYS[name]
    if (option === undefined) failOption('vitest-race flags', name, f, `unknown flag; known flags are --race, ${Object.keys(FLAG_KEYS).join(', ')}`)
    options[option] = eq < 0 ? (option === 'halt' ? 'true' : '') : f.slice(eq + 1)
  }
  return Object.freeze({ ...applyOptions(base, options as RaceOptions, 'vitest-race flags', namesOf(FLAG_KEYS)), race: true })
}

/** The environment variable through which the `vitest-race` command hands its flags to the plugin. */
export const FLAGS_ENV = 'VITEST_RACE_FLAGS'

/**
 * Resolve the run's settings (once, in Vitest's main process): plugin options, then
 * `VITEST_RACE`, then the command's flags (from `vitest-race`, or after `--` on any command).
 */
export function resolveRunSettings(
  plugin: RaceOptions | undefined,
  env: string | undefined,
  root: string,
  flags: readonly string[] = [],
): RaceSettings {
  const fromPlugin = applyOptions(DEFAULT_SETTINGS, plugin, 'race() plugin options')
  return Object.freeze({ ...applyRaceFlags(applyRaceEnv(fromPlugin, env), flags), root })
}
