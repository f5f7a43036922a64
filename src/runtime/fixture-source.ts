/**
 * Vitest builds only the fixtures a test destructures from its context, and finds them by
 * reading the test function's source (`fn.toString()`): the first parameter, or the one
 * `test.for` says. A concurrentTest's handler shows Vitest the source of the user's body
 * instead (concurrent-test.ts `showingSource`); for a body whose context is its second
 * parameter (`.prop`), this makes the source Vitest reads.
 */

/**
 * A function source whose first parameter is the second parameter of `source`, read the way
 * Vitest reads parameter lists (the text up to the first `)`, split at top-level commas).
 *
 * @example
 * contextParameterSource('async ([a], { db, fanOut }) => {}') // '({ db, fanOut }) => {}'
 */
export function contextParameterSource(source: string): string {
  const match = /[^(]*\(([^)]*)/.exec(source)
  const params = match === null ? [] : topLevelParts(match[1]!)
  return `(${params.slice(1, 2).join('')}) => {}`
}

/** `s` split at the commas outside brackets and braces, each part trimmed. */
function topLevelParts(s: string): string[] {
  const parts: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (c === '{' || c === '[') depth++
    else if (c === '}' || c === ']') depth--
    else if (c === ',' && depth === 0) {
      parts.push(s.slice(start, i).trim())
      start = i + 1
    }
  }
  const last = s.slice(start).trim()
  if (last !== '') parts.push(last)
  return parts
}
