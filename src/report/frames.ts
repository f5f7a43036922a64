/** Stack frames: parsing V8 stack text and choosing the frames a report shows. Pure. */

/** One frame of a stack. */
export interface Frame {
  /** The function, for example `BalanceService.debit`; undefined for anonymous code. */
  readonly fn: string | undefined
  /** An absolute path, or a URL for non-file modules. */
  readonly file: string
  readonly line: number
  readonly column: number
}

const WITH_FN = /^\s*at (?:async )?(.*?) \((.+):(\d+):(\d+)\)$/
const BARE = /^\s*at (?:async )?(.+):(\d+):(\d+)$/

const WINDOWS_PATH = /^(?:[A-Za-z]:[\\/]|\\\\)/

/**
 * A path with `/` separators: a Windows path (`C:\\proj\\a.ts`, `\\\\server\\share`) has its
 * backslashes turned, as Vitest's paths (pathe) have; elsewhere a backslash is part of a name.
 */
export function slashPath(path: string): string {
  return WINDOWS_PATH.test(path) ? path.replace(/\\/g, '/') : path
}

/** A frame's file as a path: `file:///C:/p/a.ts` is `C:/p/a.ts`, `file:///p/a.ts` is `/p/a.ts`. */
export function framePath(file: string): string {
  if (!file.startsWith('file://')) return slashPath(file)
  const path = decodeURIComponent(file.slice('file://'.length))
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path
}

/** Whether `file` is an absolute path (POSIX or Windows) or a URL: frames of `<anonymous>` or `native` code are not. */
function isLocated(file: string): boolean {
  return file.startsWith('/') || WINDOWS_PATH.test(file) || /^[a-z][a-z0-9+.-]*:\/\//i.test(file)
}

/** The frames of a V8 stack text (lines that are not frames are skipped). */
export function parseStack(stack: string): Frame[] {
  const frames: Frame[] = []
  for (const line of stack.split('\n')) {
    let m = WITH_FN.exec(line)
    if (m !== null) {
      const fn = m[1]!.replace(/^new /, '')
      frames.push({ fn: fn === '<anonymous>' ? undefined : fn, file: framePath(m[2]!), line: Number(m[3]), column: Number(m[4]) })
      continue
    }
    m = BARE.exec(line)
    if (m !== null) frames.push({ fn: undefined, file: framePath(m[1]!), line: Number(m[2]), column: Number(m[3]) })
  }
  return frames
}

/** Folders of dependencies that race mode instruments: their frames are the user's too. */
let instrumentedDirs: readonly string[] = []

/** Set the folders of the instrumented dependencies (`instrument.deps`), once per test worker. */
export function setInstrumentedDirs(dirs: readonly string[]): void {
  instrumentedDirs = dirs
}

/**
 * Whether a frame belongs to the user's code: not Node's, not node_modules (except the
 * instrumented dependencies), not under `excluded` folders.
 */
export function isUserFrame(frame: Frame, excluded: readonly string[]): boolean {
  const f = frame.file
  if (f.startsWith('node:') || !(isLocated(f) || f.includes('/'))) return false
  if (f.includes('/node_modules/') && !instrumentedDirs.some((dir) => f.startsWith(slashPath(dir)))) return false
  for (const dir of excluded) if (f.startsWith(slashPath(dir))) return false
  return true
}

/** The user's frames of a stack text. */
export function userFrames(stack: string, excluded: readonly string[]): Frame[] {
  return parseStack(stack).filter((f) => isUserFrame(f, excluded))
}

/** The user's frames of a captured stack, innermost first, as a report shows them; null when there are none (or no stack). */
export function shownFrames(stack: string | undefined, excluded: readonly string[]): Frame[] | null {
  if (stack === undefined) return null
  const f = userFrames(stack, excluded)
  return f.length === 0 ? null : f
}

/** The lines of a V8 stack text whose frames belong to the user (for an Error's `stack`). */
export function userStackLines(stack: string, excluded: readonly string[]): string[] {
  return stack.split('\n').filter((line) => {
    const frames = parseStack(line)
    return frames.length === 1 && isUserFrame(frames[0]!, excluded)
  })
}

/** `file:line:col` with `prefix` removed from the path. */
export function frameLocation(frame: Frame, prefix: string): string {
  let file = frame.file
  prefix = slashPath(prefix)
  if (prefix !== '' && file.startsWith(prefix)) {
    file = file.slice(prefix.length)
    if (file.startsWith('/')) file = file.slice(1)
  }
  return `${file}:${frame.line}:${frame.column}`
}
