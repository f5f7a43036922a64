/**
 * Notes beside a user's error: which worker threw it, that its promise was never awaited,
 * where exploration found it and how to replay it.
 *
 * A worker's error reaches the test body, and then Vitest, unchanged: the same value (same
 * identity, same message, same prototype; a `DOMException`, a frozen error, a string, `null`
 * or a Symbol alike), because user code branches on it (`e.name === 'AbortError'`,
 * `instanceof`, `toBe(sentinel)`). The notes go through Vitest's test annotations
 * (`context.annotate`): the default reporter prints them right under the failure, JUnit
 * carries them as `<property>`, and they never land inside the error's `message`, which
 * frozen errors and read-only `message` getters could not take anyway. Only where no
 * annotation can be made (a host without `annotate`) does the old fallback apply: the note
 * is appended to the message of an ordinary mutable Error, or the value is wrapped.
 */
import type { TestContext } from 'vitest'
import { describeThrown } from '../report/describe-value.js'
import { safeObjectIsExtensible, safeReflectGetOwnPropertyDescriptor } from './builtins.js'

export { describeThrown } from '../report/describe-value.js'

/** The annotation type the notes are filed under (printed by Vitest as `❯ vitest-race`). */
export const NOTE_TYPE = 'vitest-race'

/** Append `text` to `error.message`, and to the first line of its stack, which repeats the message. */
export function appendToMessage(error: Error, text: string): Error {
  const before = `${error.name}: ${error.message}`
  error.message += text
  if (typeof error.stack === 'string' && error.stack.startsWith(before)) error.stack = `${error.name}: ${error.message}${error.stack.slice(before.length)}`
  return error
}

/** Whether `error` is an ordinary Error whose own `message` can be rewritten (not frozen, not a getter). */
function messageWritable(error: Error): boolean {
  try {
    if (!safeObjectIsExtensible(error)) return false
    const own = safeReflectGetOwnPropertyDescriptor(error, 'message')
    return own !== undefined && own.writable === true && typeof own.value === 'string'
  } catch {
    return false
  }
}

/**
 * `error` with `note` after its message, for the library's own errors and hosts without
 * annotations: an Error that cannot take it (frozen, read-only or computed `message`) and a
 * thrown non-Error are kept whole as the `cause` of a new Error that carries the note.
 */
export function withNote(error: unknown, note: string): Error {
  if (error instanceof Error && messageWritable(error)) return appendToMessage(error, `\n\n${note}`)
  return new Error(`${describeThrown(error)}\n${note}`, { cause: error })
}

/**
 * The value to throw for a failed concurrentTest: `error` itself, unchanged, with `notes`
 * filed beside it as annotations of the Vitest test. Without annotations (an old or foreign
 * runner), falls back to `withNote`.
 */
export async function failWith(vitest: TestContext, error: unknown, notes: readonly string[]): Promise<unknown> {
  const annotate = (vitest as Partial<Pick<TestContext, 'annotate'>>).annotate
  if (typeof annotate === 'function') {
    try {
      for (let i = 0; i < notes.length; i++) await annotate(notes[i]!, NOTE_TYPE)
      return error
    } catch {
      // fall through: the notes go into the error
    }
  }
  let out: unknown = error
  for (let i = 0; i < notes.length; i++) out = withNote(out, notes[i]!)
  return out
}
