/**
 * The global `Atomics.*` functions, taught to accept instrumented views: called on a view
 * they work on the raw shared array and are recorded as atomic accesses; on anything else
 * they are the originals. Installed once per thread (and in the test's thread for `check`).
 */
import { A, ORIGINAL } from './atomics-originals.js'
import { Ev, TYPED_ARRAYS } from './protocol.js'
import { viewInfo, type ViewInfo } from './shared-views.js'

type Fn = (...args: never[]) => unknown
/** A user's array, passed through to the originals (which take any integer typed array). */
type Raw = Int32Array

let installed = false

/** The value `expected` becomes once stored into an element of `raw`'s type. */
function asElement(raw: object, expected: unknown): unknown {
  const cell = new TYPED_ARRAYS[raw.constructor.name as keyof typeof TYPED_ARRAYS](1)
  ;(cell as unknown as unknown[])[0] = expected
  return cell[0]
}

/** The element an Atomics call on view `v` touches: its index converted as Atomics converts it (ToIndex). */
function index(v: ViewInfo, i: unknown): number {
  return v.offset + (Math.trunc(Number(i)) || 0)
}

const always = (kind: number) => () => kind

const RMW = ['add', 'sub', 'and', 'or', 'xor', 'exchange'] as const

/** Replace the global functions (idempotent). */
export function installAtomicsPatch(): void {
  if (installed) return
  installed = true
  const patched: Record<string, Fn> = {
    load: (view: unknown, i: unknown) => {
      const v = viewInfo(view)
      if (v === undefined) return A.load(view as Raw, i as number)
      return v.sink.atomic(v.arrayId, index(v, i), () => A.load(v.raw as Raw, i as number), always(Ev.ATOMIC_LOAD))
    },
    store: (view: unknown, i: unknown, value: unknown) => {
      const v = viewInfo(view)
      if (v === undefined) return A.store(view as Raw, i as number, value as number)
      return v.sink.atomic(v.arrayId, index(v, i), () => A.store(v.raw as Raw, i as number, value as number), always(Ev.ATOMIC_STORE))
    },
    compareExchange: (view: unknown, i: unknown, expected: unknown, replacement: unknown) => {
      const v = viewInfo(view)
      if (v === undefined) return A.compareExchange(view as Raw, i as number, expected as number, replacement as number)
      const op = () => A.compareExchange(v.raw as Raw, i as number, expected as number, replacement as number)
      // A failed exchange wrote nothing: it is a load (TSan counts it the same way).
      return v.sink.atomic(v.arrayId, index(v, i), op, (old) => (old === asElement(v.raw, expected) ? Ev.ATOMIC_RMW : Ev.ATOMIC_LOAD))
    },
    wait: (view: unknown, i: unknown, value: unknown, timeout?: unknown) => {
      const v = viewInfo(view)
      if (v === undefined) return A.wait(view as Raw, i as number, value as number, timeout as number | undefined)
      const result = A.wait(v.raw as Raw, i as number, value as number, timeout as number | undefined)
      v.sink.waited(v.arrayId, index(v, i))
      return result
    },
    waitAsync: (view: unknown, i: unknown, value: unknown, timeout?: unknown) => {
      const v = viewInfo(view)
      if (v === undefined) return A.waitAsync(view as Raw, i as number, value as number, timeout as number | undefined)
      const result = A.waitAsync(v.raw as Raw, i as number, value as number, timeout as number | undefined)
      const at = index(v, i)
      // Attached before the caller can await it, so the acquire is logged before the caller goes on.
      if (result.async) void (result.value as Promise<unknown>).then(() => v.sink.waited(v.arrayId, at))
      else v.sink.waited(v.arrayId, at)
      return result
    },
    notify: (view: unknown, i: unknown, count?: unknown) => {
      const v = viewInfo(view)
      if (v === undefined) return A.notify(view as Raw, i as number, count as number | undefined)
      return v.sink.atomic(v.arrayId, index(v, i), () => A.notify(v.raw as Raw, i as number, count as number | undefined), always(Ev.ATOMIC_NOTIFY))
    },
  }
  for (const name of RMW) {
    const fn = A[name]
    patched[name] = (view: unknown, i: unknown, x: unknown) => {
      const v = viewInfo(view)
      if (v === undefined) return fn(view as Raw, i as number, x as number)
      return v.sink.atomic(v.arrayId, index(v, i), () => fn(v.raw as Raw, i as number, x as number), always(Ev.ATOMIC_RMW))
    }
  }
  for (const [name, fn] of Object.entries(patched)) {
    Object.defineProperty(fn, ORIGINAL, { value: (A as unknown as Record<string, Fn>)[name] })
    Object.defineProperty(fn, 'name', { value: name })
    Object.defineProperty(Atomics, name, { value: fn, writable: true, configurable: true, enumerable: false })
  }
}
