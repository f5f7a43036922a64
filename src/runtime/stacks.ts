/**
 * Capturing stacks inside the test worker. Vite's module runner has installed
 * `Error.prepareStackTrace`, so the text is already source-mapped to `.ts` lines; reading
 * `.stack` at once formats it while the mapping is at hand. Costly (µs), so only done for
 * replays, fanOut calls and reports (DESIGN §6a).
 */
import { fileURLToPath } from 'node:url'
import { safeCaptureStackTrace } from './builtins.js'
import { placeCallFrames } from './call-sites.js'
import { keepOwnFrames } from './own-frames.js'

/** Folders whose frames are ours, never the user's: this package's `dist/` and `src/`. */
export const OWN_DIRS: readonly string[] = (() => {
  const here = fileURLToPath(new URL('.', import.meta.url)) // …/dist/runtime/ or …/src/runtime/
  const root = fileURLToPath(new URL('../../', import.meta.url))
  return [...new Set([here.replace(/runtime[\\/]$/, ''), `${root}dist/`, `${root}src/`])]
})()

/** The current stack as text, without the frames of this function and its callers inside `below`. */
export function captureStack(below?: (...args: never[]) => unknown): string {
  const holder: { stack?: string } = {}
  keepOwnFrames(holder)
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 40
  safeCaptureStackTrace(holder, below ?? captureStack)
  Error.stackTraceLimit = limit
  return placeCallFrames(holder.stack ?? '')
}
