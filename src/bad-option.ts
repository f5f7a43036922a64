/**
 * A bad option: the error type, the one-line message that names the option, the value, where
 * it came from and what is allowed, and the form a host can catch (main process). The message
 * already says everything, so `badOption` cuts the stack to that one line: Vitest prints it
 * as a Startup Error, and `createVitest` rejects with it.
 */

/** A bad option value: the message names the option, the value, its source and the allowed range. */
export class RaceOptionError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RaceOptionError'
  }
}

/** Where an option value came from, for error messages. */
export type OptionSource = 'race() plugin options' | 'VITEST_RACE' | 'vitest-race flags' | 'concurrentTest options' | 'concurrentTest.threads options'

/** A value as an option error shows it: strings quoted, arrays and objects as JSON. */
export function shownValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value) ?? String(value)
    } catch {
      return String(value)
    }
  }
  return String(value)
}

/** Throws the one-line RaceOptionError for a bad value. */
export function failOption(source: OptionSource, option: string, value: unknown, allowed: string): never {
  throw new RaceOptionError(`vitest-race: ${option} = ${shownValue(value)} (from ${source}) is not valid: ${allowed}.`)
}

/** `value` as an integer in [min, max], or the RaceOptionError. */
export function integerInRange(source: OptionSource, option: string, value: unknown, min: number, max: number): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    failOption(source, option, value, max === Number.MAX_SAFE_INTEGER ? `expected an integer ≥ ${min}` : `expected an integer from ${min} to ${max}`)
  }
  return n
}

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
