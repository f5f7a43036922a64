/**
 * Colour for what the reporter prints to the terminal, decided once at load (STYLE:
 * picocolors). Vitest's own detection: picocolors/tinyrainbow's reading of `NO_COLOR` and
 * `FORCE_COLOR`, std-env's `isCI` (as Vitest uses it) and whether stderr, where the summary
 * goes, is a terminal. Files (`log_path`) and test error messages (carried into JSON and
 * JUnit reports) are always plain.
 */
import pc from 'picocolors'
import { isCI } from 'std-env'
import { plainPaint, type Paint } from './report/format.js'

/** What decides colour. */
export interface ColourEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>
  /** The output stream is a terminal. */
  readonly tty: boolean
  /** std-env's `isCI`. */
  readonly ci: boolean
}

/** `NO_COLOR` wins, then `FORCE_COLOR`; otherwise colour on a terminal outside CI (and not `TERM=dumb`). */
export function colourWanted({ env, tty, ci }: ColourEnvironment): boolean {
  if ('NO_COLOR' in env) return false
  if ('FORCE_COLOR' in env) return true
  return tty && !ci && env.TERM !== 'dumb'
}

/** A Paint through picocolors, coloured or plain. */
export function paintFor(colour: boolean): Paint {
  if (!colour) return plainPaint
  const c = pc.createColors(true)
  return { header: (s) => c.bold(c.red(s)), location: (s) => c.yellow(s), path: (s) => c.cyan(s), dim: (s) => c.dim(s) }
}

/** The paint of this process's stderr, decided once. */
export const terminalPaint: Paint = paintFor(colourWanted({ env: process.env, tty: process.stderr.isTTY === true, ci: isCI }))
