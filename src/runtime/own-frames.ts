/**
 * In race mode the stacks a test sees hold the test's frames only, as many as without the
 * detector. The instrumented call hook (`H.f`) adds a frame under every call it routes and a
 * task a few more where it starts, so without this an error's stack shows vitest-race's files
 * between the user's and, with V8's default `Error.stackTraceLimit` of 10, loses the outer half
 * of the user's frames (the test's own line among them).
 *
 * V8 is asked for more frames, and `Error.prepareStackTrace` (whoever sets it: Vite's module
 * runner for source maps, a `callsites`-style library, or nobody) is given the call sites
 * without ours, cut to the limit the user had. `Error.prepareStackTrace` becomes an accessor
 * (V8 and Node read it with an ordinary get): a function set is kept as the inner one, and one
 * read and set back restores it. A stack formatted while the test has changed
 * `Error.stackTraceLimit` is not cut (that limit was V8's for it). Our own captures (stacks.ts,
 * tasks.ts) are registered with `keepOwnFrames` and keep every frame: reports need the hook's.
 */
import { framePath, slashPath } from '../report/frames.js'
import { safeApply, safeObjectDefineProperty, safeReflectGetOwnPropertyDescriptor, SafeWeakMap } from './builtins.js'

/** What `keptSites` needs of a V8 call site. */
export interface SiteLike {
  getFileName(): string | null | undefined
}

type Prepare = (error: Error, sites: NodeJS.CallSite[]) => unknown

const ownCaptures = new SafeWeakMap<object, true>()
const errorToString = Error.prototype.toString

/** Marks `holder` (before a stack is captured into it) as ours: its stack keeps every frame. */
export function keepOwnFrames(holder: object): void {
  ownCaptures.set(holder, true)
}

/** Whether a frame's file (a path or a `file://` URL) lies in one of `dirs`. */
function isOwnFile(file: string | null | undefined, dirs: readonly string[]): boolean {
  if (typeof file !== 'string' || file === '') return false
  const path = framePath(file)
  for (const dir of dirs) if (path.startsWith(slashPath(dir))) return true
  return false
}

function fileOf(site: SiteLike | undefined): string | null | undefined {
  try {
    return site?.getFileName()
  } catch {
    return undefined
  }
}

/**
 * `sites` without the frames whose file lies in one of `dirs`, nor Node's own frames that ours
 * called (`AsyncLocalStorage.run` under each task start), at most `limit` of them (no cut when undefined).
 */
export function keptSites<S extends SiteLike>(sites: readonly S[], dirs: readonly string[], limit: number | undefined): S[] {
  const kept: S[] = []
  let next = fileOf(sites[0])
  let nextIsOwn = isOwnFile(next, dirs)
  for (let i = 0; i < sites.length; i++) {
    if (limit !== undefined && kept.length >= limit) break
    const file = next
    const own = nextIsOwn
    next = fileOf(sites[i + 1])
    nextIsOwn = isOwnFile(next, dirs)
    if (own) continue
    // Called by one of ours: Node's frame is there only because we are.
    if (nextIsOwn && typeof file === 'string' && file.startsWith('node:')) continue
    kept[kept.length] = sites[i]!
  }
  return kept
}

/** How many frames V8 is asked for so that `limit` of the user's survive ours (a hook frame under each call, a few per task): at most 200. */
export function raisedLimit(limit: number): number {
  return Math.min(200, limit * 2 + 10)
}

/** V8's own format, for when nobody has set `Error.prepareStackTrace`. */
function defaultFormat(error: unknown, sites: readonly NodeJS.CallSite[]): string {
  let text: string
  try {
    text = String(safeApply(errorToString, error, []))
  } catch {
    text = 'Error'
  }
  for (let i = 0; i < sites.length; i++) text += `\n    at ${String(sites[i])}`
  return text
}

let installed = false

/** Installs the filter for this worker (race mode; once). */
export function hideOwnFrames(ownDirs: readonly string[]): void {
  if (installed) return
  installed = true
  const userLimit = Error.stackTraceLimit
  const raised = typeof userLimit === 'number' && userLimit > 0 && Number.isFinite(userLimit) ? raisedLimit(userLimit) : undefined
  const descriptor = safeReflectGetOwnPropertyDescriptor(Error, 'prepareStackTrace')
  if (descriptor !== undefined && descriptor.configurable === false) return

  let inner: unknown = descriptor === undefined ? undefined : 'value' in descriptor ? descriptor.value : safeApply(descriptor.get!, Error, [])
  // One wrapper per inner function, so that code saving and restoring `Error.prepareStackTrace` restores the inner one.
  const wrappers = new SafeWeakMap<object, Prepare>()
  const innerOf = new SafeWeakMap<object, unknown>()
  const wrap = (fn: unknown): Prepare => {
    const key = typeof fn === 'function' ? fn : wrap
    const known = wrappers.get(key)
    if (known !== undefined) return known
    const prepare: Prepare = function prepareStackTrace(error, sites) {
      const ours = ownCaptures.has(error)
      // A limit changed since (by the test) was V8's for this capture: nothing to cut.
      const limit = ours || raised === undefined || Error.stackTraceLimit !== raised ? undefined : userLimit
      const shown = ours ? sites : keptSites(sites, ownDirs, limit)
      return typeof fn === 'function' ? safeApply(fn, Error, [error, shown]) : defaultFormat(error, shown)
    }
    wrappers.set(key, prepare)
    innerOf.set(prepare, fn)
    return prepare
  }
  try {
    safeObjectDefineProperty(Error, 'prepareStackTrace', {
      configurable: true,
      enumerable: descriptor?.enumerable ?? false,
      get: () => wrap(inner),
      set: (value: unknown) => {
        inner = typeof value === 'function' && innerOf.has(value) ? innerOf.get(value) : value
      },
    })
    if (raised !== undefined) Error.stackTraceLimit = raised
  } catch {
    // A frozen Error (or a non-writable limit): stacks stay as V8 gives them.
  }
}
