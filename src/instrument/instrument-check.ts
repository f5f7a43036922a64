/**
 * The shape of the `instrument` plugin option, checked without touching the file system: the
 * options table's entry for `instrument` delegates here (so a bad shape is caught wherever
 * options are applied), and `resolveInstrument` adds what needs the project root (is each dep
 * installed, does each glob match a file).
 */

/** What a user passes as `race({ instrument })`. */
export interface InstrumentOptions {
  /** npm packages whose own code is instrumented too (inlined through `test.server.deps.inline`). */
  deps?: string[]
  /** Globs (relative to the project root) of the files to instrument; default: every file. */
  include?: string[]
  /** Globs of files never to instrument. */
  exclude?: string[]
}

/** Throws the RaceOptionError for one bad field (`instrument.deps`, the value, what is allowed). */
export type FailField = (option: string, value: unknown, allowed: string) => never

/** An npm package name, scoped or not. */
export const PACKAGE_NAME = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i

const KEYS = ['deps', 'include', 'exclude'] as const

function stringList(option: string, value: unknown, fail: FailField): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '')) fail(option, value, 'expected an array of non-empty strings')
  return value as string[]
}

/** `instrument` checked: `false` (off), or the options object (`{}` for undefined or `true`). */
export function checkInstrument(value: unknown, fail: FailField): false | Required<InstrumentOptions> {
  if (value === false) return false
  if (value === undefined || value === true) return { deps: [], include: [], exclude: [] }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('instrument', value, 'expected false or an object { deps?, include?, exclude? }')
  for (const key of Object.keys(value)) {
    if (!(KEYS as readonly string[]).includes(key)) fail(`instrument.${key}`, (value as Record<string, unknown>)[key], `unknown option; known options are ${KEYS.join(', ')}`)
  }
  const o = value as InstrumentOptions
  const deps = stringList('instrument.deps', o.deps, fail)
  for (const dep of deps) if (!PACKAGE_NAME.test(dep)) fail('instrument.deps', dep, 'expected an npm package name')
  return { deps, include: stringList('instrument.include', o.include, fail), exclude: stringList('instrument.exclude', o.exclude, fail) }
}
