/**
 * Which values `track` wraps, and how: plain objects, arrays, Map and Set (and their
 * subclasses), class instances; never objects with internal slots or private state that a
 * Proxy cannot reach (promises, dates, regexps, buffers and typed arrays, weak collections,
 * URL, Headers, AbortController, iterators, every other built-in or platform class),
 * functions, or the library's own primitives.
 */
import { EventEmitter } from 'node:events'
import { Duplex, PassThrough, Readable, Stream, Transform, Writable } from 'node:stream'
import type { Location } from '../detector/shadow.js'
import { safeApply, SafeMap, SafeWeakMap, safeGetPrototypeOf, safeObjectHasOwn, safeReflectGetOwnPropertyDescriptor, safeReflectOwnKeys } from './builtins.js'

/** The kind of a tracked value. */
export type Kind = 'object' | 'array' | 'map' | 'set'

/** What a tracked value knows about itself: its printed name, kind and locations. */
export interface Meta {
  readonly name: string
  readonly kind: Kind
  /** The class name of a class instance (methods are wrapped to explain #private errors). */
  readonly className: string | undefined
  /** Property locations by key: a null-prototype dictionary (fast, and immune to patched built-ins). */
  props: Record<PropertyKey, Location> | undefined
  /** This object's wrapped async methods (their labels name the object). */
  asyncMethods: SafeMap<object, object> | undefined
  /** Methods wrapped for this object alone (bound to its target, or recording into its locations), by original. */
  bound: SafeMap<object, object> | undefined
  entries: SafeMap<unknown, Location> | undefined
  shape: Location | undefined
}

/** Globals that may be missing on some runtimes: their prototypes, where present. */
function prototypesOf(...names: string[]): object[] {
  const g = globalThis as Record<string, unknown>
  const out: object[] = []
  for (const n of names) {
    const c = g[n]
    if (typeof c === 'function' && typeof (c as { prototype?: unknown }).prototype === 'object') out.push((c as { prototype: object }).prototype)
  }
  return out
}

const ITERATOR_PROTOTYPE = safeGetPrototypeOf(safeGetPrototypeOf([][Symbol.iterator]())) as object
const ASYNC_ITERATOR_PROTOTYPE = safeGetPrototypeOf(safeGetPrototypeOf((async function* () {})())) as object

/**
 * Prototypes whose instances keep their state in internal slots or `#private` fields: their
 * methods and accessors throw with a Proxy as `this` ("Receiver must be an instance of
 * URL"), so they are never tracked. Node implements URL, Headers, AbortController and
 * friends in JavaScript with `#private` fields, so they are listed by name; any other class
 * whose constructor is native is caught by `isNativeClass`.
 */
const UNTRACKABLE: ReadonlySet<object> = new Set<object>([
  Promise.prototype,
  Date.prototype,
  RegExp.prototype,
  Error.prototype,
  ArrayBuffer.prototype,
  DataView.prototype,
  safeGetPrototypeOf(Uint8Array.prototype) as object,
  WeakMap.prototype,
  WeakSet.prototype,
  Function.prototype,
  ITERATOR_PROTOTYPE,
  ASYNC_ITERATOR_PROTOTYPE,
  ...prototypesOf(
    'SharedArrayBuffer', 'WeakRef', 'FinalizationRegistry', 'URL', 'URLSearchParams', 'Headers', 'Request', 'Response',
    'FormData', 'Blob', 'File', 'AbortController', 'AbortSignal', 'EventTarget', 'Event', 'TextEncoder', 'TextDecoder',
    'ReadableStream', 'WritableStream', 'TransformStream', 'MessageChannel', 'MessagePort', 'BroadcastChannel',
    'Boolean', 'Number', 'String', 'Symbol', 'BigInt',
  ),
])

/** Prototypes of classes that are tracked like plain objects (their methods work on a Proxy). */
const PLAIN_PROTOTYPES: ReadonlySet<object> = new Set<object>([Object.prototype, Map.prototype, Set.prototype, Array.prototype])

const functionToString = Function.prototype.toString

/** Whether `proto` belongs to a class implemented natively (V8 or Node's C++): it has internal slots. */
function isNativeClass(proto: object): boolean {
  if (PLAIN_PROTOTYPES.has(proto)) return false
  const d = safeReflectGetOwnPropertyDescriptor(proto, 'constructor')
  const ctor: unknown = d?.value
  if (typeof ctor !== 'function' || (ctor as { prototype?: unknown }).prototype !== proto) return false
  try {
    return (safeApply(functionToString, ctor, []) as string).endsWith('{ [native code] }')
  } catch {
    return false
  }
}

/**
 * Methods of Node's EventEmitter and streams. Their state (`_events`, `_readableState`) is
 * the emitter's own bookkeeping, ordered by its synchronous delivery, not shared data of the
 * program: tracked, it would race on itself as a tracked Mutex would. So these methods run
 * on the real object (`this` is the target), and emitting is an edge (emitter-edges.ts).
 */
const TARGET_METHODS: ReadonlySet<unknown> = (() => {
  const fns = new Set<unknown>()
  for (const proto of [EventEmitter.prototype, Stream.prototype, Readable.prototype, Writable.prototype, Duplex.prototype, Transform.prototype, PassThrough.prototype]) {
    for (const key of safeReflectOwnKeys(proto)) {
      const d = safeReflectGetOwnPropertyDescriptor(proto, key)
      if (key !== 'constructor' && typeof d?.value === 'function') fns.add(d.value)
    }
  }
  return fns
})()

/** Whether `fn`, read from a tracked object, runs on the real object instead of the proxy. */
export function runsOnTarget(fn: unknown): boolean {
  return TARGET_METHODS.has(fn)
}

/**
 * Marks a class whose instances are never tracked: the library's own primitives, whose
 * internal state is synchronisation, not shared data (a tracked Mutex would race on itself).
 */
export const UNTRACKED: unique symbol = Symbol.for('vitest-race.untracked') as never

/** Mark a class so that its instances are never tracked (see UNTRACKED). */
export function neverTracked(cls: { prototype: object }): void {
  Object.defineProperty(cls.prototype, UNTRACKED, { value: true })
}

const kindsByPrototype = new SafeWeakMap<object, { kind: Kind; className: string | undefined } | null>()

export function kindOf(value: object): { kind: Kind; className: string | undefined } | null {
  if (Array.isArray(value)) return ARRAY_KIND
  const proto = safeGetPrototypeOf(value) as object | null
  if (proto === null || proto === Object.prototype) return OBJECT_KIND
  const cached = kindsByPrototype.get(proto)
  if (cached !== undefined) return cached
  let kind: { kind: Kind; className: string | undefined } | null = null
  for (let p: object | null = proto; p !== null; p = safeGetPrototypeOf(p) as object | null) {
    if (UNTRACKABLE.has(p) || safeObjectHasOwn(p, UNTRACKED) || isNativeClass(p)) break
    if (p === Map.prototype || p === Set.prototype || p === Object.prototype) {
      const ctor = (proto as { constructor?: { name?: unknown } }).constructor
      const className = typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'object'
      kind = { kind: p === Map.prototype ? 'map' : p === Set.prototype ? 'set' : 'object', className }
      break
    }
  }
  kindsByPrototype.set(proto, kind)
  return kind
}
const ARRAY_KIND = { kind: 'array' as const, className: undefined }
const OBJECT_KIND = { kind: 'object' as const, className: undefined }

