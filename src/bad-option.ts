/**
 * A bad option as an error a host can catch (main process). The message already says
 * everything (option, value, source, allowed range), so the stack is cut to that one line:
 * Vitest prints it as a Startup Error, and `createVitest` rejects with it.
 */
import { RaceOptionError } from './options.js'

/** The RaceOptionError `resolve` throws, with a one-line stack; undefined when the options are good. Other errors propagate. */
export function badOption(resolve: () => unknown): RaceOptionError | undefined {
  try {
    resolve()
    return undefined
  } catch (e) {
    if (!(e instanceof RaceOptionError)) throw e
    e.stack = `${e.name}: ${e.message}`
    return e
  }
}
