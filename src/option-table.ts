/**
 * Every option, described once (STYLE: as Vitest's CLI describes its options): its names in
 * `race({...})`, `VITEST_RACE` and the `vitest-race` flags, the values it takes, its default
 * and one line of help. Defaults, validation (options.ts), the command's `--help` (bin.ts) and
 * the README's options table (checked by test/docs/readme-tables.ts) all come from OPTIONS.
 */
import type { InstrumentOptions } from './instrument/instrument-check.js'
import type { OptionValues } from './option-values.js'

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
  /**
   * Plugin only. Known races to silence, like TSan's suppressions file: a race is suppressed
   * when a frame of its stacks matches an entry — an npm package name (a frame in that
   * package), a glob relative to the project root (a frame's file), or `fn:<name>` (a frame's
   * function). Suppressed races are counted in the summary, never silently dropped.
   *
   * @example
   * race({ suppressions: ['legacy-cache', 'src/legacy/**', 'fn:Ledger.debit'] })
   */
  suppressions?: string[]
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
  /** The `suppressions` entries, checked: package names, globs relative to the root, `fn:<name>`. */
  readonly suppressions: readonly string[]
}

/** The name of an option. */
export type OptionName = keyof RaceOptions

/** Options only `race()` sets: not VITEST_RACE, flags or a test's options. */
export type PluginOnlyOption = 'instrument' | 'suppressions'

/**
 * One option, described once.
 *
 * @example
 * { name: 'historySize', env: 'history_size', flag: '--race-history-size', values: { kind: 'integer', min: 0, max: 7 }, default: 1, help: '…' }
 */
export interface OptionDescriptor<K extends OptionName = OptionName> {
  /** The name in `race({...})` and in a test's options. */
  readonly name: K
  /** The GORACE-style name in `VITEST_RACE`, if it has one. */
  readonly env?: string
  /** The `vitest-race` flag, if it has one. */
  readonly flag?: string
  /** What values it takes: the check, the error's allowed range and the docs' values come from it. */
  readonly values: OptionValues
  /** The resolved value when no layer sets it. */
  readonly default: RaceSettings[K]
  /** How the docs show the default when it is no value (`none`, `random`, `the project root`). */
  readonly defaultShown?: string
  /** One line of help, in markdown (backticks for code); `--help` prints it plain. */
  readonly help: string
  /** A README section that says more: its title and anchor. */
  readonly see?: readonly [title: string, anchor: string]
  /** Only `race()` may set it. */
  readonly pluginOnly?: true
}

/** The options, in the order error messages list them. */
export const OPTIONS: { readonly [K in OptionName]: OptionDescriptor<K> } = {
  iterations: {
    name: 'iterations',
    env: 'iterations',
    flag: '--race-iterations',
    values: { kind: 'integer', min: 1 },
    default: 50,
    help: 'runs of the body per test',
  },
  seed: {
    name: 'seed',
    env: 'seed',
    flag: '--race-seed',
    values: { kind: 'seed' },
    default: undefined,
    defaultShown: 'random',
    help: 'seed of the run; a failure prints the seed that replays it',
  },
  timeout: {
    name: 'timeout',
    values: { kind: 'integer', min: 1, unit: 'ms' },
    default: undefined,
    defaultShown: "Vitest's",
    help: "Vitest's timeout for the whole test, all iterations; without it, exploring stops at 60 % of Vitest's timeout (the time budget)",
  },
  historySize: {
    name: 'historySize',
    env: 'history_size',
    flag: '--race-history-size',
    values: { kind: 'integer', min: 0, max: 7 },
    default: 1,
    help: "the stacks of each worker's last 2^n × 1024 accesses can be shown; older ones print `[failed to restore the stack]`",
  },
  semantics: {
    name: 'semantics',
    env: 'semantics',
    flag: '--race-semantics',
    values: { kind: 'choice', choices: ['atomicity', 'strict'] },
    default: 'atomicity',
    help: 'which unordered pairs are races',
    see: ['What counts as a race', 'what-counts-as-a-race-in-async-code'],
  },
  strategy: {
    name: 'strategy',
    env: 'strategy',
    flag: '--race-strategy',
    values: { kind: 'choice', choices: ['random', 'pct', 'exhaustive'] },
    default: 'random',
    help: 'how the scheduler explores',
    see: ['Exploring schedules', 'exploring-schedules'],
  },
  depth: {
    name: 'depth',
    env: 'depth',
    values: { kind: 'integer', min: 1, max: 100 },
    default: 3,
    help: "PCT's bug depth: depth − 1 priority change points per run",
  },
  maxInterleavings: {
    name: 'maxInterleavings',
    env: 'max_interleavings',
    values: { kind: 'integer', min: 1 },
    default: 1000,
    help: 'the exhaustive search fails clearly beyond this many',
  },
  path: {
    name: 'path',
    env: 'path',
    flag: '--race-path',
    values: { kind: 'schedule-path' },
    default: undefined,
    defaultShown: 'none',
    help: 'with `seed`, replays one failing schedule exactly (a failure prints it)',
  },
  halt: {
    name: 'halt',
    env: 'halt_on_error',
    flag: '--race-halt',
    values: { kind: 'boolean' },
    default: false,
    help: 'the first race ends the iteration at once: exactly one report',
  },
  exitcode: {
    name: 'exitcode',
    env: 'exitcode',
    flag: '--race-exitcode',
    values: { kind: 'integer', min: 0, max: 255 },
    default: 66,
    help: 'the process exit status when any race was reported',
  },
  logPath: {
    name: 'logPath',
    env: 'log_path',
    flag: '--race-log-path',
    values: { kind: 'text', placeholder: '<path>' },
    default: undefined,
    defaultShown: 'none',
    help: 'reports are also written, plain, to `<log_path>.<pid>`',
  },
  stripPathPrefix: {
    name: 'stripPathPrefix',
    env: 'strip_path_prefix',
    flag: '--race-strip-path-prefix',
    values: { kind: 'text', placeholder: '<prefix>' },
    default: undefined,
    defaultShown: 'the project root',
    help: 'cut from every path in reports',
  },
  instrument: {
    name: 'instrument',
    values: { kind: 'instrument' },
    default: true,
    defaultShown: 'every module outside node_modules',
    help: '`race()` only: which code race mode instruments; `false` turns it off',
    see: ['Instrumentation', 'instrumentation'],
    pluginOnly: true,
  },
  suppressions: {
    name: 'suppressions',
    values: { kind: 'suppressions' },
    default: Object.freeze([]),
    defaultShown: 'none',
    help: '`race()` only: known races to silence, counted in the summary: a race whose stacks have a frame in that package, in a file the glob matches, or in that function',
    pluginOnly: true,
  },
}

/** The descriptors, in table order. */
export const DESCRIPTORS: readonly OptionDescriptor[] = Object.values(OPTIONS) as OptionDescriptor[]

/** The defaults, with race mode off. */
export const DEFAULT_SETTINGS: RaceSettings = Object.freeze({
  ...(Object.fromEntries(DESCRIPTORS.map((d) => [d.name, d.default])) as { [K in OptionName]: RaceSettings[K] }),
  race: false,
  root: '',
  progressFile: undefined,
  instrumentedDeps: [],
})
