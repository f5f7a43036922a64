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
import { failOption } from '../bad-option.js'
import { checkInstrument } from './instrument-check.js'

export type { InstrumentOptions } from './instrument-check.js'

/** The resolved form: `enabled` false when `instrument: false`. */
export interface InstrumentSettings {
  readonly enabled: boolean
  readonly deps: readonly string[]
  /** Absolute folders of the deps' packages (for the CommonJS hook and the filter). */
  readonly depDirs: readonly string[]
  readonly include: readonly string[]
  readonly exclude: readonly string[]
}

function bad(option: string, value: unknown, allowed: string): never {
  return failOption('race() plugin options', option, value, allowed)
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

/** Resolve and check `instrument` (undefined: defaults): its shape, then each dep installed and each glob matching a file under `root`. */
export function resolveInstrument(value: unknown, root: string): InstrumentSettings {
  const o = checkInstrument(value, bad)
  if (o === false) return Object.freeze({ enabled: false, deps: [], depDirs: [], include: [], exclude: [] })
  const depDirs: string[] = []
  for (const dep of o.deps) {
    const dir = packageDir(dep, root)
    if (dir === undefined) bad('instrument.deps', dep, `the package is not installed (not found from ${root})`)
    depDirs.push(dir)
  }
  for (const [option, globs] of [['instrument.include', o.include], ['instrument.exclude', o.exclude]] as const) {
    for (const glob of globs) {
      if (globSync(glob, { cwd: root, ignore: ['**/node_modules/**'], onlyFiles: true }).length === 0) {
        bad(option, glob, `the glob matches no file under ${root}`)
      }
    }
  }
  return Object.freeze({ enabled: true, deps: o.deps, depDirs, include: o.include, exclude: o.exclude })
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
