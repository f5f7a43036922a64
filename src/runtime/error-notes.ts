/** Adding a note to a user's error without hiding its own message and stack. */

/** Append `text` to `error.message`, and to the first line of its stack, which repeats the message. */
export function appendToMessage(error: Error, text: string): Error {
  const before = `${error.name}: ${error.message}`
  error.message += text
  if (typeof error.stack === 'string' && error.stack.startsWith(before)) error.stack = `${error.name}: ${error.message}${error.stack.slice(before.length)}`
  return error
}

/** `error` with `note` after its message (a non-Error thrown value becomes an Error that says it). */
export function withNote(error: unknown, note: string): Error {
  if (!(error instanceof Error)) return new Error(`${String(error)}\n${note}`, { cause: error })
  return appendToMessage(error, `\n\n${note}`)
}
