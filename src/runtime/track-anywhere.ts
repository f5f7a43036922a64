/** `track` for helpers called from a body: tracks in the running iteration, else does nothing. */
import { currentContext } from './context.js'

/**
 * Track `value` in the running concurrentTest iteration; outside one, return it untouched.
 *
 * @example
 * export function makeCart() { return track({ items: [] as string[] }, 'cart') }
 */
export function track<T>(value: T, name?: string): T {
  const ctx = currentContext()
  return ctx === undefined ? value : ctx.run.tracker.track(value, name)
}
