/** How messages name values: a value a user passed, a value a worker threw (no Vitest, no Node: thread code uses them too). */

/** A value as an error message names it: `a function`, `null`, `an object`, `number 3`. */
export function describeValue(v: unknown): string {
  return typeof v === 'function' ? 'a function' : v === null ? 'null' : typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`
}

/**
 * A one-line description of any thrown value, for our own messages: never throws, even for
 * a Symbol, `null`, an object without a prototype or a throwing `message` getter.
 */
export function describeThrown(value: unknown): string {
  try {
    if (value instanceof Error) return `${String(value.name)}: ${String(value.message)}`
    if (typeof value === 'string') return value
    if (typeof value === 'symbol') return String(value)
    if (value === null || typeof value !== 'object') return String(value)
    return `${Object.prototype.toString.call(value)}`
  } catch {
    return 'a value whose description threw'
  }
}
