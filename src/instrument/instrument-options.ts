/**
 * The `instrument` plugin option, resolved once in Vitest's main process: which modules the
 * transform instruments (DESIGN §4: every module Vite transforms outside node_modules, plus
 * the dependencies named in `deps`, refined by `include`/`exclude` globs).
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import picomatch from 'picomatch'
import { globSync } from 'tinyglobby'
import { RaceOptionError } from '../options.js'

/** What a user passes as `race({ instrument })`. */
export interface InstrumentOptions {
  /** npm packages whose own code is instrumented too (inlined through `test.server.deps.inline`). */
  deps?: string[]
  /** Globs (relative to the project root) of the files to instrument; default: every file. */
  include?: string[]
  /** Globs of files never to instrument. */
  exclude?: string[]
}

/** The resolved form: `enabled` false when `instrument: false`. */
export interface InstrumentSettings {
  readonly enabled: boolean
  readonly deps: readonly string[]
  /** Absolute folders of the deps' packages (for the CommonJS hook and the filter). */
  readonly depDirs: readonly string[]
  readonly include: readonly string[]
  readonly exclude: readonly string[]
}

const NAME = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i

function bad(option: string, value: unknown, allowed: string): never {
  const shown = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value)
  throw new RaceOptionError(`vitest-race: ${option} = ${shown} (from race() plugin options) is not valid: ${allowed}.`)
}

function stringList(option: string, value: unknown): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '')) bad(option, value, 'expected an array of non-empty strings')
  return value as string[]
}

/** The folder of an installed package, resolved from the project root, or undefined. */
export function packageDir(name: string, root: string): string | undefined {
  const require = createRequire(join(root, 'package.json'))
  try {
    return dirname(require.resolve(`${name}/package.json`))
  } catch {
    // Packages whose exports hide package.json: walk up from node_modules.
    for (let dir = root; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name)
      if (existsSync(join(candidate, 'package.json'))) return candidate
      if (dirname(dir) === dir) return undefined
    }
  }
}

/** Resolve and check `instrument` (undefined: defaults). */
export function resolveInstrument(value: unknown, root: string): InstrumentSettings {
  if (value === false) return Object.freeze({ enabled: false, deps: [], depDirs: [], include: [], exclude: [] })
  if (value === undefined || value === true) return Object.freeze({ enabled: true, deps: [], depDirs: [], include: [], exclude: [] })
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad('instrument', value, 'expected false or an object { deps?, include?, exclude? }')
  for (const key of Object.keys(value)) {
    if (key !== 'deps' && key !== 'include' && key !== 'exclude') bad(`instrument.${key}`, (value as Record<string, unknown>)[key], 'unknown option; known options are deps, include, exclude')
  }
  const o = value as InstrumentOptions
  const deps = stringList('instrument.deps', o.deps)
  const depDirs: string[] = []
  for (const dep of deps) {
    if (!NAME.test(dep)) bad('instrument.deps', dep, 'expected an npm package name')
    const dir = packageDir(dep, root)
    if (dir === undefined) bad('instrument.deps', dep, `the package is not installed (not found from ${root})`)
    depDirs.push(dir)
  }
  const include = stringList('instrument.include', o.include)
  const exclude = stringList('instrument.exclude', o.exclude)
  for (const [option, globs] of [['instrument.include', include], ['instrument.exclude', exclude]] as const) {
    for (const glob of globs) {
      if (globSync(glob, { cwd: root, ignore: ['**/node_modules/**'], onlyFiles: true }).length === 0) {
        bad(option, glob, `the glob matches no file under ${root}`)
      }
    }
  }
  return Object.freeze({ enabled: true, deps, depDirs, include, exclude })
}

/** A filter over absolute file paths for include/exclude globs relative to `root`. */
export function globFilter(settings: InstrumentSettings, root: string): (file: string) => boolean {
  const inc = settings.include.length === 0 ? undefined : picomatch(settings.include as string[], { dot: true })
  const exc = settings.exclude.length === 0 ? undefined : picomatch(settings.exclude as string[], { dot: true })
  const prefix = root.endsWith('/') ? root : `${root}/`
  return (file) => {
    const rel = file.startsWith(prefix) ? file.slice(prefix.length) : file
    if (inc !== undefined && !inc(rel)) return false
    return exc === undefined || !exc(rel)
  }
}
