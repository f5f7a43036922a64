/**
 * `track(value, name)`: deep, lazy Proxies that report every read and write of shared
 * state (DESIGN §4). Locations are (object, key): properties, array indexes and `length`,
 * Map and Set entries by key, and one "shape" location per collection or object (its size,
 * key set and iteration). Objects reached through a tracked object are tracked on first
 * access; methods see the proxy as `this`, so a class's own field accesses count.
 *
 * Reads that a built-in mutator makes internally (`push` reading `length`) belong to its
 * write: they are not recorded. Reads by the user's code, non-mutating built-ins such as
 * `some` or `includes` included, are.
 */
import type { Location } from '../detector/shadow.js'
import {
  collectionMethods as C,
  safeApply,
  safeGetPrototypeOf,
  safeObjectHasOwn,
  safeReflectDeleteProperty,
  safeReflectGet,
  safeReflectGetOwnPropertyDescriptor,
  safeReflectOwnKeys,
  safeReflectSet,
  SafeMap,
  SafeWeakMap,
} from './builtins.js'
import { entryName, propertyName, shapeName } from './location-names.js'
import { explainingPrivateAccess, explainPrivateAccess } from './private-fields.js'

/** Where accesses go: the iteration that owns the tracker. */
export interface AccessSink {
  /** False in stress mode: proxies still work, nothing is recorded. */
  readonly recording: boolean
  location(label: string): Location
  read(loc: Location): void
  write(loc: Location): void
  /** A scheduling point for the running worker (a no-op outside the iteration's workers). */
  schedulingPoint(label: string): Promise<void>
}

type Kind = 'object' | 'array' | 'map' | 'set'

interface Meta {
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

const ARRAY_MUTATORS = new Set<unknown>(
  ['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin'].map(
    (m) => (Array.prototype as unknown as Record<string, unknown>)[m],
  ),
)

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

function kindOf(value: object): { kind: Kind; className: string | undefined } | null {
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

/** Tracks values for one iteration. */
export class Tracker {
  private readonly proxies = new SafeWeakMap<object, object>()
  private readonly targets = new SafeWeakMap<object, object>()
  private readonly wrappers = new SafeWeakMap<object, object>()
  private anonymous = 0
  /** Method name → class name (or null when two classes share it), to name `Proxy.debit` frames. */
  readonly methodOwners = new SafeMap<string, string | null>()
  /** Depth of built-in mutator calls in progress: their internal reads are not recorded. */
  internal = 0

  constructor(readonly sink: AccessSink) {}

  /** A tracked view of `value` named `name`; primitives and untrackable objects come back as they are. */
  track<T>(value: T, name?: string): T {
    if (name !== undefined && typeof name !== 'string') {
      throw new TypeError(`vitest-race: track(value, name): name must be a string, got ${typeof name}`)
    }
    return this.child(value, name ?? `tracked${++this.anonymous}`) as T
  }

  /** Whether `value` is one of this tracker's proxies. */
  isTracked(value: unknown): boolean {
    return typeof value === 'object' && value !== null && this.targets.has(value)
  }

  /** `value` reached under the printed name `name` (computed only when needed): tracked on first access. */
  child(value: unknown, name: string | (() => string)): unknown {
    if (typeof value !== 'object' || value === null) return value
    if (this.targets.has(value)) return value
    const existing = this.proxies.get(value)
    if (existing !== undefined) return existing
    return this.create(value, typeof name === 'string' ? name : name())
  }

  private create(value: object, name: string): unknown {
    const kind = kindOf(value)
    if (kind === null) return value
    const meta: Meta = { name, kind: kind.kind, className: kind.className, props: undefined, asyncMethods: undefined, entries: undefined, shape: undefined }
    const handler = kind.kind === 'map' || kind.kind === 'set' ? new CollectionHandler(this, meta, value) : new ObjectHandler(this, meta)
    const proxy = new Proxy(value, handler)
    handler.proxy = proxy
    this.proxies.set(value, proxy)
    this.targets.set(proxy, value)
    return proxy
  }

  read(loc: Location): void {
    if (this.internal === 0) this.sink.read(loc)
  }

  write(loc: Location): void {
    this.sink.write(loc)
  }

  prop(meta: Meta, key: string): Location {
    const props = (meta.props ??= Object.create(null) as Record<string, Location>)
    return (props[key] ??= this.sink.location(propertyName(meta.name, key, meta.kind === 'array')))
  }

  entry(meta: Meta, key: unknown): Location {
    const entries = (meta.entries ??= new SafeMap())
    let loc = entries.get(key)
    if (loc === undefined) {
      loc = this.sink.location(entryName(meta.name, key, meta.kind === 'set'))
      entries.set(key, loc)
    }
    return loc
  }

  shape(meta: Meta): Location {
    return (meta.shape ??= this.sink.location(shapeName(meta.name, meta.kind === 'map' ? 'map' : meta.kind === 'set' ? 'set' : 'object')))
  }

  /** A function read from a tracked object, wrapped where it needs to be. */
  method(fn: unknown, meta: Meta): unknown {
    if (typeof fn !== 'function') return fn
    if (meta.kind === 'array' && ARRAY_MUTATORS.has(fn)) return this.wrapped(fn, () => this.mutator(fn as (...a: unknown[]) => unknown))
    let method = fn as (...a: unknown[]) => unknown
    if (meta.className !== undefined) {
      const name = method.name
      const owner = this.methodOwners.get(name)
      if (owner === undefined) this.methodOwners.set(name, meta.className)
      else if (owner !== meta.className) this.methodOwners.set(name, null)
      method = this.wrapped(fn, () => explainingPrivateAccess(method, meta.className!)) as (...a: unknown[]) => unknown
    }
    if ((fn as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] !== 'AsyncFunction') return method
    const methods = (meta.asyncMethods ??= new SafeMap())
    let scheduledMethod = methods.get(fn)
    if (scheduledMethod === undefined) {
      scheduledMethod = this.scheduledMethod(method, `${meta.name}.${method.name}()`)
      methods.set(fn, scheduledMethod)
    }
    return scheduledMethod
  }

  /**
   * An async method of a tracked object: its entry and its settling are scheduling points
   * (DESIGN §5), so other workers may run before it starts and before its caller goes on.
   */
  private scheduledMethod(method: (...a: unknown[]) => unknown, label: string): (...a: unknown[]) => Promise<unknown> {
    const sink = this.sink
    const wrapped = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
      await sink.schedulingPoint(`call ${label}`)
      let result: unknown
      try {
        result = await safeApply(method, this, args)
      } catch (e) {
        await sink.schedulingPoint(`${label} settled`)
        throw e
      }
      await sink.schedulingPoint(`${label} settled`)
      return result
    }
    Object.defineProperty(wrapped, 'name', { value: method.name })
    return wrapped
  }

  private wrapped(fn: object, make: () => object): object {
    let w = this.wrappers.get(fn)
    if (w === undefined) {
      w = make()
      this.wrappers.set(fn, w)
    }
    return w
  }

  private mutator(fn: (...a: unknown[]) => unknown): (...a: unknown[]) => unknown {
    const tracker = this
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      tracker.internal++
      try {
        return safeApply(fn, this, args)
      } finally {
        tracker.internal--
      }
    }
    Object.defineProperty(wrapped, 'name', { value: fn.name })
    return wrapped
  }
}

function inheritedDescriptor(target: object, key: PropertyKey): PropertyDescriptor | undefined {
  for (let p = safeGetPrototypeOf(target) as object | null; p !== null; p = safeGetPrototypeOf(p) as object | null) {
    const d = safeReflectGetOwnPropertyDescriptor(p, key)
    if (d !== undefined) return d
  }
  return undefined
}

function isIndex(key: string): boolean {
  return /^(0|[1-9]\d*)$/.test(key)
}

function memberName(key: PropertyKey): string {
  return typeof key === 'symbol' ? `[${key.toString()}]` : `.${key}`
}

/** Traps for plain objects, arrays and class instances. */
class ObjectHandler implements ProxyHandler<object> {
  proxy: object | undefined

  constructor(
    readonly t: Tracker,
    readonly meta: Meta,
  ) {}

  get(target: object, key: string | symbol, receiver: unknown): unknown {
    if (typeof key === 'symbol') return safeReflectGet(target, key, receiver)
    const t = this.t
    if (safeObjectHasOwn(target, key)) {
      if (t.sink.recording) t.read(t.prop(this.meta, key))
      const value = (target as Record<string, unknown>)[key]
      if (typeof value !== 'object' || value === null) return typeof value === 'function' ? t.method(value, this.meta) : value
      const d = safeReflectGetOwnPropertyDescriptor(target, key)
      if (d !== undefined && d.configurable === false && d.writable === false) return value // Proxy invariant
      return t.child(value, () => propertyName(this.meta.name, key, this.meta.kind === 'array'))
    }
    if (!(key in target)) {
      if (t.sink.recording) t.read(t.prop(this.meta, key))
      return undefined
    }
    // Inherited: a method, an accessor or a prototype constant. Accessors run with the
    // proxy as `this`, so the fields they touch are recorded there, not here.
    let value: unknown
    try {
      value = safeReflectGet(target, key, receiver)
    } catch (e) {
      throw explainPrivateAccess(e, this.meta.className ?? 'object', memberName(key))
    }
    return t.method(value, this.meta)
  }

  set(target: object, key: string | symbol, value: unknown, receiver: unknown): boolean {
    if (typeof key === 'symbol' || receiver !== this.proxy) return safeReflectSet(target, key, value, receiver)
    const t = this.t
    if (!safeObjectHasOwn(target, key)) {
      const inherited = key in target ? inheritedDescriptor(target, key) : undefined
      if (inherited !== undefined && (inherited.set !== undefined || inherited.get !== undefined)) {
        try {
          return safeReflectSet(target, key, value, receiver)
        } catch (e) {
          throw explainPrivateAccess(e, this.meta.className ?? 'object', memberName(key))
        }
      }
      if (t.sink.recording) {
        if (this.meta.kind !== 'array') t.write(t.shape(this.meta))
        // Assigning past the end of an array also writes its length.
        else if (isIndex(key) && Number(key) >= (target as unknown[]).length) t.write(t.prop(this.meta, 'length'))
      }
    }
    if (t.sink.recording) t.write(t.prop(this.meta, key))
    // Plain assignment: it throws where Reflect.set would return false (strict mode), and
    // costs about half as much on V8.
    ;(target as Record<string, unknown>)[key] = value
    return true
  }

  has(target: object, key: string | symbol): boolean {
    if (typeof key !== 'symbol' && this.t.sink.recording) this.t.read(this.t.prop(this.meta, key))
    return key in target
  }

  deleteProperty(target: object, key: string | symbol): boolean {
    if (typeof key !== 'symbol' && this.t.sink.recording && safeObjectHasOwn(target, key)) {
      this.t.write(this.t.prop(this.meta, key))
      if (this.meta.kind !== 'array') this.t.write(this.t.shape(this.meta))
    }
    return safeReflectDeleteProperty(target, key)
  }

  defineProperty(target: object, key: string | symbol, descriptor: PropertyDescriptor): boolean {
    if (typeof key !== 'symbol' && this.t.sink.recording) {
      if (!safeObjectHasOwn(target, key) && this.meta.kind !== 'array') this.t.write(this.t.shape(this.meta))
      this.t.write(this.t.prop(this.meta, key))
    }
    return Reflect.defineProperty(target, key, descriptor)
  }

  ownKeys(target: object): ArrayLike<string | symbol> {
    if (this.t.sink.recording) this.t.read(this.meta.kind === 'array' ? this.t.prop(this.meta, 'length') : this.t.shape(this.meta))
    return safeReflectOwnKeys(target)
  }

  getOwnPropertyDescriptor(target: object, key: string | symbol): PropertyDescriptor | undefined {
    if (typeof key !== 'symbol' && this.t.sink.recording) this.t.read(this.t.prop(this.meta, key))
    return safeReflectGetOwnPropertyDescriptor(target, key)
  }
}

type Method = (...args: never[]) => unknown

/**
 * Traps for Map and Set (and their subclasses). Their methods only work on the real
 * collection (internal slots), so the proxy hands out wrappers that record the access and
 * call the original method on the target.
 */
class CollectionHandler extends ObjectHandler {
  private readonly methods = new SafeMap<PropertyKey, Method>()

  constructor(
    t: Tracker,
    meta: Meta,
    private readonly target: object,
  ) {
    super(t, meta)
  }

  override get(target: object, key: string | symbol, receiver: unknown): unknown {
    if (key === 'size') {
      if (this.t.sink.recording) this.t.read(this.t.shape(this.meta))
      return this.meta.kind === 'map' ? C.mapSize(target) : C.setSize(target)
    }
    if (!safeObjectHasOwn(target, key)) {
      let m = this.methods.get(key)
      if (m === undefined) {
        m = this.meta.kind === 'map' ? this.mapMethod(key) : this.setMethod(key)
        if (m !== undefined) this.methods.set(key, m)
      }
      if (m !== undefined) return m
    }
    return super.get(target, key, receiver)
  }

  private readEntry(k: unknown): void {
    if (this.t.sink.recording) this.t.read(this.t.entry(this.meta, k))
  }

  /** A write of entry `k`; a membership change (`grows`) also writes the shape. */
  private writeEntry(k: unknown, changesShape: boolean): void {
    if (!this.t.sink.recording) return
    if (changesShape) this.t.write(this.t.shape(this.meta))
    this.t.write(this.t.entry(this.meta, k))
  }

  private readShape(): void {
    if (this.t.sink.recording) this.t.read(this.t.shape(this.meta))
  }

  /** A Map value as the user sees it: tracked, named after its entry. */
  private value(k: unknown): unknown {
    const v = C.mapGet(this.target, k)
    return typeof v === 'object' && v !== null ? this.t.child(v, () => entryName(this.meta.name, k, false)) : v
  }

  private iterate<T>(keysOf: () => Iterator<unknown>, item: (k: unknown) => T): () => IterableIterator<T> {
    const h = this
    return function* () {
      h.readShape()
      const it = keysOf()
      for (let r = it.next(); r.done !== true; r = it.next()) {
        h.readEntry(r.value)
        yield item(r.value)
      }
    }
  }

  private mapMethod(key: PropertyKey): Method | undefined {
    const target = this.target
    const keys = () => C.mapKeys(target) as Iterator<unknown>
    switch (key) {
      case 'get':
        return (k: unknown) => {
          this.readEntry(k)
          return this.value(k)
        }
      case 'has':
        return (k: unknown) => {
          this.readEntry(k)
          return C.mapHas(target, k)
        }
      case 'set':
        return (k: unknown, v: unknown) => {
          this.writeEntry(k, !C.mapHas(target, k))
          C.mapSet(target, k, v)
          return this.proxy
        }
      case 'delete':
        // Every attempt writes the entry (a second delete after a stale has() is the bug);
        // only a real removal changes the shape.
        return (k: unknown) => {
          this.writeEntry(k, C.mapHas(target, k))
          return C.mapDelete(target, k)
        }
      case 'clear':
        return () => {
          const it = keys()
          for (let r = it.next(); r.done !== true; r = it.next()) this.writeEntry(r.value, true)
          C.mapClear(target)
        }
      case 'keys':
        return this.iterate(keys, (k) => k)
      case 'values':
        return this.iterate(keys, (k) => this.value(k))
      case 'entries':
      case Symbol.iterator:
        return this.iterate(keys, (k) => [k, this.value(k)])
      case 'forEach':
        return (cb: (v: unknown, k: unknown, m: unknown) => void, thisArg?: unknown) => {
          for (const k of this.iterate(keys, (k) => k)()) safeApply(cb, thisArg, [this.value(k), k, this.proxy])
        }
      default:
        return undefined
    }
  }

  private setMethod(key: PropertyKey): Method | undefined {
    const target = this.target
    const members = () => C.setValues(target) as Iterator<unknown>
    switch (key) {
      case 'has':
        return (k: unknown) => {
          this.readEntry(k)
          return C.setHas(target, k)
        }
      case 'add':
        // Like Map.set: every add writes the member, a new member also the shape.
        return (k: unknown) => {
          this.writeEntry(k, !C.setHas(target, k))
          C.setAdd(target, k)
          return this.proxy
        }
      case 'delete':
        return (k: unknown) => {
          this.writeEntry(k, C.setHas(target, k))
          return C.setDelete(target, k)
        }
      case 'clear':
        return () => {
          const it = members()
          for (let r = it.next(); r.done !== true; r = it.next()) this.writeEntry(r.value, true)
          C.setClear(target)
        }
      case 'keys':
      case 'values':
      case Symbol.iterator:
        return this.iterate(members, (k) => k)
      case 'entries':
        return this.iterate(members, (k) => [k, k])
      case 'forEach':
        return (cb: (v: unknown, k: unknown, s: unknown) => void, thisArg?: unknown) => {
          for (const k of this.iterate(members, (k) => k)()) safeApply(cb, thisArg, [k, k, this.proxy])
        }
      default:
        return undefined
    }
  }
}
