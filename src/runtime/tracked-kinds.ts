/**
 * Which values `track` wraps, and how: plain objects, arrays, Map and Set (and their
 * subclasses), class instances; never promises, dates, buffers, weak collections, functions,
 * or the library's own primitives.
 */
import type { Location } from '../detector/shadow.js'
import { SafeMap, SafeWeakMap, safeGetPrototypeOf, safeObjectHasOwn } from './builtins.js'

/** The kind of a tracked value. */
export type Kind = 'object' | 'array' | 'map' | 'set'

/** What a tracked value knows about itself: its printed name, kind and locations. */
export interface Meta {
  readonly name: string
  readonly kind: Kind
  /** The class name of a class instance (methods are wrapped to explain #private errors). */
  readonly className: string | undefined
  /** Property locations by key: a null-prototype dictionary (fast, and immune to patched built-ins). */
  props: Record<string, Location> | undefined
  /** This object's wrapped async methods (their labels name the object). */
  asyncMethods: SafeMap<object, object> | undefined
  entries: SafeMap<unknown, Location> | undefined
  shape: Location | undefined
}

const UNTRACKABLE: ReadonlySet<object> = new Set<object>(
  [
    Promise.prototype,
    Date.prototype,
    RegExp.prototype,
    Error.prototype,
    ArrayBuffer.prototype,
    typeof SharedArrayBuffer === 'function' ? SharedArrayBuffer.prototype : undefined,
    DataView.prototype,
    safeGetPrototypeOf(Uint8Array.prototype) as object,
    WeakMap.prototype,
    WeakSet.prototype,
    typeof WeakRef === 'function' ? WeakRef.prototype : undefined,
    typeof FinalizationRegistry === 'function' ? FinalizationRegistry.prototype : undefined,
    Function.prototype,
  ].filter((p): p is object => p !== undefined),
)

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
    if (UNTRACKABLE.has(p) || safeObjectHasOwn(p, UNTRACKED)) break
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

