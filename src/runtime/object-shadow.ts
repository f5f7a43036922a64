/**
 * The shadow of real objects for instrumented code (DESIGN §4, no Proxy): per iteration, a
 * WeakMap from each object the code touched to its locations (properties by key, Map and Set
 * entries by key, one shape location), so that objects are never kept alive and their
 * identity, internal slots, `#private` fields and frozenness are untouched.
 */
import type { Location } from '../detector/shadow.js'
import { SafeMap, SafeWeakMap, safeGetPrototypeOf } from './builtins.js'
import { entryName, keyText, propertyName, shapeName } from './location-names.js'
import type { RuntimeSite } from './site-table.js'

/** How the runtime treats an object. */
export type ShadowKind = 'object' | 'array' | 'map' | 'set' | 'weakmap' | 'weakset' | 'token'

/** One object's locations. */
export interface ObjectShadow {
  readonly kind: ShadowKind
  /** The owner's printed name, fixed by the first access that names it. */
  owner: string | undefined
  props: Record<PropertyKey, Location> | undefined
  entries: SafeMap<unknown, Location> | undefined
  weakEntries: SafeWeakMap<object, Location> | undefined
  /** Every entry location made, for `clear()`. */
  entryList: Location[] | undefined
  shape: Location | undefined
}

const MAP_PROTO = Map.prototype
const SET_PROTO = Set.prototype
const WEAKMAP_PROTO = WeakMap.prototype
const WEAKSET_PROTO = WeakSet.prototype
const OBJECT_PROTO = Object.prototype
const isArray = Array.isArray
const kinds = new SafeWeakMap<object, ShadowKind>()

/** The kind of an object by its prototype chain (cached per prototype). */
export function shadowKind(o: object): ShadowKind {
  if (isArray(o)) return 'array'
  const proto = safeGetPrototypeOf(o) as object | null
  if (proto === null || proto === OBJECT_PROTO) return 'object'
  const cached = kinds.get(proto)
  if (cached !== undefined) return cached
  let kind: ShadowKind = 'object'
  for (let p: object | null = proto; p !== null; p = safeGetPrototypeOf(p) as object | null) {
    if (p === MAP_PROTO) kind = 'map'
    else if (p === SET_PROTO) kind = 'set'
    else if (p === WEAKMAP_PROTO) kind = 'weakmap'
    else if (p === WEAKSET_PROTO) kind = 'weakset'
    else continue
    break
  }
  kinds.set(proto, kind)
  return kind
}

function className(o: object): string | undefined {
  const ctor = (o as { constructor?: { name?: unknown } }).constructor
  return typeof ctor?.name === 'string' && ctor.name !== '' && ctor.name !== 'Object' ? ctor.name : undefined
}

/** The shadows of one iteration. */
export class ObjectShadows {
  private readonly shadows = new SafeWeakMap<object, ObjectShadow>()

  constructor(private readonly newLocation: (label: string) => Location) {}

  /** `o`'s shadow, made on first use; `token` for the objects that stand for a binding scope. */
  of(o: object, token = false): ObjectShadow {
    let s = this.shadows.get(o)
    if (s === undefined) {
      s = { kind: token ? 'token' : shadowKind(o), owner: undefined, props: undefined, entries: undefined, weakEntries: undefined, entryList: undefined, shape: undefined }
      this.shadows.set(o, s)
    }
    return s
  }

  private ownerOf(s: ObjectShadow, o: object, site: RuntimeSite | undefined): string {
    if (s.owner !== undefined) return s.owner
    const named = site?.obj
    const owner = named !== undefined ? (named === 'this' ? (className(o) ?? 'this') : named) : (className(o) ?? s.kind)
    // `this` outside a class the transform could name: the instance's class.
    return (s.owner = owner)
  }

  private suffix(site: RuntimeSite | undefined): string {
    return site?.where === undefined ? '' : ` (${site.where})`
  }

  /** The location of property `key` of `o`. */
  prop(s: ObjectShadow, o: object, key: PropertyKey, site: RuntimeSite | undefined): Location {
    const props = (s.props ??= Object.create(null) as Record<PropertyKey, Location>)
    let loc = props[key]
    if (loc === undefined) {
      let label: string
      if (s.kind === 'token') label = `${String(key)}${this.suffix(site)}`
      else {
        const owner = this.ownerOf(s, o, site)
        label = typeof key === 'string' && key.startsWith('#') ? `${owner}${key}` : propertyName(owner, key as string | symbol, s.kind === 'array')
        label += this.suffix(site)
      }
      loc = props[key] = this.newLocation(label)
      // Extending an array writes its length the way push does: a mutator's atomic step.
      if (s.kind === 'array' && key === 'length') loc.shape = true
    }
    return loc
  }

  /** The location of entry `key` of a Map, Set, WeakMap or WeakSet. */
  entry(s: ObjectShadow, o: object, key: unknown, site: RuntimeSite | undefined): Location {
    const weak = s.kind === 'weakmap' || s.kind === 'weakset'
    if (weak && (typeof key === 'object' || typeof key === 'function') && key !== null) {
      const entries = (s.weakEntries ??= new SafeWeakMap())
      let loc = entries.get(key)
      if (loc === undefined) entries.set(key, (loc = this.newLocation(this.entryLabel(s, o, key, site))))
      return loc
    }
    const entries = (s.entries ??= new SafeMap())
    let loc = entries.get(key)
    if (loc === undefined) {
      entries.set(key, (loc = this.newLocation(this.entryLabel(s, o, key, site))))
      ;(s.entryList ??= []).push(loc)
    }
    return loc
  }

  private entryLabel(s: ObjectShadow, o: object, key: unknown, site: RuntimeSite | undefined): string {
    return `${entryName(this.ownerOf(s, o, site), key, s.kind === 'set' || s.kind === 'weakset')}${this.suffix(site)}`
  }

  /** The shape location: a collection's size and key set, an object's key set, an array's length. */
  shape(s: ObjectShadow, o: object, site: RuntimeSite | undefined): Location {
    if (s.kind === 'array') return this.prop(s, o, 'length', site)
    if (s.shape === undefined) {
      const owner = this.ownerOf(s, o, site)
      const kind = s.kind === 'map' || s.kind === 'weakmap' ? 'map' : s.kind === 'set' || s.kind === 'weakset' ? 'set' : 'object'
      s.shape = this.newLocation(`${shapeName(owner, kind)}${this.suffix(site)}`)
      s.shape.shape = true
    }
    return s.shape
  }
}

export { keyText }
