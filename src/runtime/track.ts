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
 *
 * Identity: the same object always comes back as the same proxy; what is stored through a
 * proxy is stored raw (the real object graph never holds this tracker's proxies), and the
 * built-ins that compare values (`includes`, `indexOf`, `lastIndexOf`, Map and Set keys)
 * compare the real objects, so `arr.push(item); arr.includes(item)` is true whether `item`
 * is the raw object or its proxy. `===` between a raw object and its proxy stays false:
 * a Proxy is a distinct object, and nothing can change that.
 */
import type { Location } from '../detector/shadow.js'
import { safeApply, SafeMap, SafeWeakMap } from './builtins.js'
import { CollectionHandler } from './collection-handler.js'
import { entryName, propertyName, shapeName } from './location-names.js'
import { ObjectHandler } from './object-handler.js'
import { explainingPrivateAccess } from './private-fields.js'
import { callEmitterMethod } from './emitter-edges.js'
import { kindOf, runsOnTarget, type Meta } from './tracked-kinds.js'

export { neverTracked, UNTRACKED } from './tracked-kinds.js'

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

const promiseThen = Promise.prototype.then

const arrayIndexOf = Array.prototype.indexOf
const ARRAY_SEARCHES = new Set<unknown>([Array.prototype.includes, Array.prototype.indexOf, Array.prototype.lastIndexOf])

const ARRAY_MUTATORS = new Set<unknown>(
  ['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin'].map(
    (m) => (Array.prototype as unknown as Record<string, unknown>)[m],
  ),
)

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

  /** The real object behind one of this tracker's proxies; any other value as it is. */
  unwrap<T>(value: T): T {
    if (typeof value !== 'object' || value === null) return value
    const target = this.targets.get(value)
    return target === undefined ? value : (target as T)
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
    const meta: Meta = { name, kind: kind.kind, className: kind.className, props: undefined, asyncMethods: undefined, bound: undefined, entries: undefined, shape: undefined }
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

  prop(meta: Meta, key: string | symbol): Location {
    const props = (meta.props ??= Object.create(null) as Record<PropertyKey, Location>)
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

  /** A function read from the tracked `target`, wrapped where it needs to be. */
  method(fn: unknown, meta: Meta, target: object): unknown {
    if (typeof fn !== 'function') return fn
    if (meta.kind === 'array') {
      if (ARRAY_MUTATORS.has(fn)) return this.wrapped(fn, () => this.mutator(fn as (...a: unknown[]) => unknown))
      if (ARRAY_SEARCHES.has(fn)) return this.boundTo(meta, fn, () => this.search(fn as (...a: unknown[]) => number | boolean, meta))
    }
    if (runsOnTarget(fn)) return this.onTarget(fn as (...a: unknown[]) => unknown, meta, target, callEmitterMethod)
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
   * An async method of a tracked object: its settling is a scheduling point (DESIGN §5), so
   * other workers may run before its caller goes on. Its call is not: the method starts at
   * once, in its caller's turn, and runs its synchronous prefix there, as in plain
   * JavaScript ("a function's synchronous prefix runs in its caller's turn, always").
   */
  private scheduledMethod(method: (...a: unknown[]) => unknown, label: string): (...a: unknown[]) => unknown {
    const sink = this.sink
    const settled = `${label} settled`
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      const result = safeApply(method, this, args)
      if (!(result instanceof Promise)) return result
      // The point is taken in the continuation, which runs as the calling worker.
      return safeApply(promiseThen, result, [
        (value: unknown) => safeApply(promiseThen, sink.schedulingPoint(settled), [() => value]),
        (error: unknown) =>
          safeApply(promiseThen, sink.schedulingPoint(settled), [
            () => {
              throw error
            },
          ]),
      ])
    }
    Object.defineProperty(wrapped, 'name', { value: method.name })
    return wrapped
  }

  /**
   * `fn` bound to the real object: for methods that cannot, or must not, see the proxy as
   * `this` (EventEmitter and stream bookkeeping, methods of a Map or Set subclass that may
   * call `super`). What they do inside is not recorded.
   */
  onTarget(
    fn: (...a: unknown[]) => unknown,
    meta: Meta,
    target: object,
    call: (fn: (...a: unknown[]) => unknown, target: object, args: unknown[]) => unknown,
  ): (...a: unknown[]) => unknown {
    const tracker = this
    return this.boundTo(meta, fn, () => {
      const w = function (this: unknown, ...args: unknown[]): unknown {
        // Called on something else (`fn.call(other)`): leave it alone.
        if (tracker.unwrap(this) !== target) return safeApply(fn, this, args)
        const result = call(fn, target, args)
        return result === target ? tracker.proxies.get(target) : result
      }
      Object.defineProperty(w, 'name', { value: fn.name })
      return w
    }) as (...a: unknown[]) => unknown
  }

  /** The wrapper of `fn` made for this object alone (one per object and method, so `o.m === o.m`). */
  private boundTo(meta: Meta, fn: object, make: () => object): object {
    const bound = (meta.bound ??= new SafeMap())
    let w = bound.get(fn)
    if (w === undefined) bound.set(fn, (w = make()))
    return w
  }

  /**
   * `includes`, `indexOf`, `lastIndexOf` of a tracked array: they read `length` and the
   * elements they pass, as through the proxy, but compare the real objects, so a raw object
   * and its proxy are found alike.
   */
  private search(fn: (...a: unknown[]) => number | boolean, meta: Meta): (...a: unknown[]) => number | boolean {
    const tracker = this
    const backwards = fn === Array.prototype.lastIndexOf
    const wrapped = function (this: unknown, ...args: unknown[]): number | boolean {
      const target = tracker.unwrap(this) as unknown[]
      if (target === this || !Array.isArray(target)) return safeApply(fn, this, args)
      args[0] = tracker.unwrap(args[0])
      const result = safeApply(fn, target, args)
      if (tracker.sink.recording && tracker.internal === 0) {
        const n = target.length
        tracker.read(tracker.prop(meta, 'length'))
        const found = typeof result === 'number' ? result : result ? (safeApply(arrayIndexOf, target, [args[0]]) as number) : -1
        const from = backwards ? n - 1 : 0
        const to = found >= 0 ? found : backwards ? 0 : n - 1
        for (let i = from; backwards ? i >= to : i <= to; backwards ? i-- : i++) tracker.read(tracker.prop(meta, String(i)))
      }
      return result
    }
    Object.defineProperty(wrapped, 'name', { value: fn.name })
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

