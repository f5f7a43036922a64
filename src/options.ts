/**
 * The one place where user options become settings (STYLE: fast-check's
 * QualifiedParameters). Layers, later ones winning: defaults, plugin options,
 * `VITEST_RACE`, the command's flags, per-test options. What each option is, its names, values
 * and default come from the descriptor table (option-table.ts); every bad field is one clear
 * error naming the option, the value, where it came from and what is allowed.
 */
import { failOption, type OptionSource } from './bad-option.js'
import { DEFAULT_SETTINGS, DESCRIPTORS, OPTIONS, type OptionName, type PluginOnlyOption, type RaceOptions, type RaceSettings } from './option-table.js'
import { flagPlaceholder, parseOptionValue, valuesText } from './option-values.js'

export { failOption, integerInRange, RaceOptionError, type OptionSource } from './bad-option.js'
export { DEFAULT_SETTINGS, OPTIONS, type OptionDescriptor, type OptionName, type PluginOnlyOption, type RaceOptions, type RaceSettings, type Semantics, type StrategyName } from './option-table.js'
export { parseSeed } from './option-values.js'
export type { InstrumentOptions } from './instrument/instrument-check.js'

/** Every race option (checked complete by the compiler); `instrument` and `suppressions` are the plugin's alone. */
export const KNOWN: Readonly<Record<OptionName, true>> = Object.fromEntries(DESCRIPTORS.map((d) => [d.name, true])) as Record<OptionName, true>

/** The options a test may set (all but the plugin's own), in table order. */
export const TEST_OPTIONS: readonly Exclude<OptionName, PluginOnlyOption>[] = DESCRIPTORS.filter((d) => d.pluginOnly !== true).map((d) => d.name as Exclude<OptionName, PluginOnlyOption>)

/**
 * Apply one layer of user options over `base`, validating each field. `names` gives the
 * name the user wrote for each option (`history_size`, `--race-seed`) for error messages.
 */
export function applyOptions(
  base: RaceSettings,
  options: RaceOptions | undefined,
  source: OptionSource,
  names: Partial<Record<OptionName, string>> = {},
): RaceSettings {
  if (options === undefined) return base
  if (typeof options !== 'object' || options === null) failOption(source, 'options', options, 'expected an object')
  const plugin = source === 'race() plugin options'
  const known = DESCRIPTORS.filter((d) => plugin || d.pluginOnly !== true).map((d) => d.name)
  const given = options as Record<string, unknown>
  const out: Record<string, unknown> = { ...base }
  for (const key of Object.keys(given)) {
    if (!known.includes(key as OptionName)) {
      const allowed = key in OPTIONS ? 'only race() in vitest.config sets it' : `unknown option; known options are ${known.join(', ')}`
      failOption(source, key, given[key], allowed)
    }
  }
  for (const d of DESCRIPTORS) {
    const value = given[d.name]
    if (value === undefined) continue
    const fail = (option: string, v: unknown, allowed: string): never => failOption(source, option, v, allowed)
    out[d.name] = parseOptionValue(names[d.name] ?? d.name, d.values, value, fail)
  }
  return Object.freeze(out) as unknown as RaceSettings
}

/** GORACE-style names in `VITEST_RACE`, mapped to option names. */
const ENV_KEYS: Readonly<Record<string, OptionName>> = Object.fromEntries(DESCRIPTORS.flatMap((d) => (d.env === undefined ? [] : [[d.env, d.name]])))

/** The `vitest-race` command's flags (`--race-seed=…`), mapped to option names. */
const FLAG_KEYS: Readonly<Record<string, OptionName>> = Object.fromEntries(DESCRIPTORS.flatMap((d) => (d.flag === undefined ? [] : [[d.flag, d.name]])))

/** Flags that take no value (`--race-halt`). */
const BOOLEAN_FLAGS: ReadonlySet<string> = new Set(DESCRIPTORS.filter((d) => d.flag !== undefined && d.values.kind === 'boolean').map((d) => d.flag!))

function namesOf(keys: Readonly<Record<string, OptionName>>): Partial<Record<OptionName, string>> {
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
      // `--race-seed 0x7` as well as `--race-seed=0x7` (not for a boolean flag such as --race-halt).
      if (!a.includes('=') && !BOOLEAN_FLAGS.has(name) && FLAG_KEYS[name] !== undefined && i + 1 < args.length && !args[i + 1]!.startsWith('-')) {
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
    options[option] = eq < 0 ? (BOOLEAN_FLAGS.has(name) ? 'true' : '') : f.slice(eq + 1)
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

/** A markdown cell as a terminal shows it: code spans and links plain. */
function plain(text: string): string {
  return text.replace(/\[([^\]]+)\]\([^)]+\)/g, '$1').replace(/`([^`]*)`/g, '$1')
}

/** The command's flags for `--help`: `[--race-seed <seed>, help [values, default; VITEST_RACE name]]`, from the descriptor table. */
export function flagHelp(): readonly (readonly [string, string])[] {
  const lines = DESCRIPTORS.filter((d) => d.flag !== undefined).map((d) => {
    const arg = flagPlaceholder(d.values)
    const values = d.values.kind === 'choice' ? d.values.choices.join(' | ') : plain(valuesText(d.values))
    const shown = plain(d.defaultShown ?? String(d.default))
    const facts = [...(d.values.kind === 'boolean' ? [] : [`${values}, default ${shown}`]), ...(d.env === undefined ? [] : [`VITEST_RACE ${d.env}`])]
    return [arg === '' ? d.flag! : `${d.flag} ${arg}`, `${plain(d.help)} [${facts.join('; ')}]`] as const
  })
  return [['--race', 'turn race mode on (it is on for vitest-race anyway)'], ...lines]
}
