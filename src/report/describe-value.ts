/** How error messages name a value a user passed (no Vitest, no Node: thread code uses it too). */

/** A value as an error message names it: `a function`, `null`, `an object`, `number 3`. */
export function describeValue(v: unknown): string {
  return typeof v === 'function' ? 'a function' : v === null ? 'null' : typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`
}
