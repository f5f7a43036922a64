/**
 * Instrumented views of shared typed arrays: element reads and writes go to a ViewSink, and
 * the global `Atomics.*` functions recognise a view (atomics-patch.ts). Array methods run
 * through the generic `Array.prototype` ones on the view itself, so every element they touch
 * is recorded, and no more.
 */
import type { SharedTypedArray } from './protocol.js'
import type { ViewSink } from './thread-log.js'

/** What the Atomics patch needs to know about a view. */
export interface ViewInfo {
  readonly raw: SharedTypedArray
  readonly arrayId: number
  /** Index of the view's element 0 in its array (a `subarray` view starts later). */
  readonly offset: number
  readonly sink: ViewSink
}

const views = new WeakMap<object, ViewInfo>()

/** The view's facts, or undefined for anything that is not an instrumented view. */
export function viewInfo(value: unknown): ViewInfo | undefined {
  return typeof value === 'object' && value !== null ? views.get(value) : undefined
}

type Generic = (this: unknown, ...args: unknown[]) => unknown
const arrayProto = Array.prototype as unknown as Record<PropertyKey, Generic | undefined>
const reflectGet = Reflect.get
const reflectSet = Reflect.set

/** `Array.prototype` methods that return a new plain array where the typed array method returns a typed array. */
const RETURNS_ARRAY = new Set<PropertyKey>(['map', 'filter', 'slice', 'toReversed', 'toSorted', 'with'])

function numeric(a: number | bigint, b: number | bigint): number {
  if (a !== a) return b !== b ? 0 : 1 // NaN sorts last, as TypedArray.prototype.sort does
  if (b !== b) return -1
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * The element index a property key names, or -1 when it is no element of `t`: digits only,
 * no leading zero (`"1.0"`, `"1e0"` and `" 1"` are ordinary properties of a typed array).
 */
function elementIndex(t: SharedTypedArray, key: string): number {
  const n = key.length
  const c = key.charCodeAt(0)
  if (c < 48 || c > 57 || (c === 48 && n > 1) || n > 15) return -1
  for (let k = 1; k < n; k++) {
    const d = key.charCodeAt(k)
    if (d < 48 || d > 57) return -1
  }
  const i = +key
  return i < t.length ? i : -1
}

/** An instrumented view of `raw` whose element i is element `offset + i` of array `arrayId`. */
export function instrument(raw: SharedTypedArray, arrayId: number, offset: number, sink: ViewSink): SharedTypedArray {
  const methods = new Map<PropertyKey, Generic>()
  const method = (key: PropertyKey, own: Generic): Generic => {
    let m = methods.get(key)
    if (m !== undefined) return m
    m = wrap(key, own)
    methods.set(key, m)
    return m
  }
  const Ctor = raw.constructor as new (from: ArrayLike<unknown> | number) => SharedTypedArray
  const wrap = (key: PropertyKey, own: Generic): Generic => {
    if (key === 'subarray') {
      return (begin?: unknown, end?: unknown) => {
        const sub = (own as (b?: unknown, e?: unknown) => SharedTypedArray).call(raw, begin, end)
        return instrument(sub, arrayId, offset + (sub.byteOffset - raw.byteOffset) / raw.BYTES_PER_ELEMENT, sink)
      }
    }
    if (key === 'set') {
      return (source: unknown, at?: unknown) => {
        const src = source as ArrayLike<number | bigint>
        const start = at === undefined ? 0 : Number(at)
        const n = src.length
        if (start < 0 || start + n > raw.length) return own.call(raw, source, at) // throws the RangeError
        const copy = Array.from({ length: n }, (_, i) => src[i])
        for (let i = 0; i < n; i++) (proxy as unknown as Record<number, unknown>)[start + i] = copy[i]
        return undefined
      }
    }
    const generic = arrayProto[key]
    if (generic === undefined) return (...args: unknown[]) => own.apply(raw, args) // untracked (buffer-level methods)
    if (key === 'sort' || key === 'toSorted') {
      return (compare?: unknown) => {
        const r = generic.call(proxy, compare ?? numeric)
        return key === 'sort' ? proxy : new Ctor(r as ArrayLike<unknown>)
      }
    }
    if (RETURNS_ARRAY.has(key)) return (...args: unknown[]) => new Ctor(generic.apply(proxy, args) as ArrayLike<unknown>)
    return (...args: unknown[]) => {
      const r = generic.apply(proxy, args)
      return r === proxy ? proxy : r
    }
  }
  const proxy = new Proxy(raw, {
    get(t, key) {
      if (typeof key === 'string') {
        const i = elementIndex(t, key)
        if (i >= 0) {
          sink.read(arrayId, offset + i)
          return t[i]
        }
      }
      const v = reflectGet(t, key, t) as unknown
      return typeof v === 'function' && key !== 'constructor' ? method(key, v as Generic) : v
    },
    set(t, key, value) {
      if (typeof key === 'string') {
        const i = elementIndex(t, key)
        if (i >= 0) {
          sink.write(arrayId, offset + i)
          ;(t as unknown as Record<number, unknown>)[i] = value
          return true
        }
      }
      return reflectSet(t, key, value, t)
    },
  })
  views.set(proxy, { raw, arrayId, offset, sink })
  return proxy
}
