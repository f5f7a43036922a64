/** Proxy traps for Map and Set (DESIGN §4): entries by key, and one location for the size. */
import { collectionMethods as C, safeApply, safeGetPrototypeOf, safeObjectHasOwn, SafeMap, safeReflectGetOwnPropertyDescriptor } from './builtins.js'
import { entryName } from './location-names.js'
import { ObjectHandler } from './object-handler.js'
import type { Tracker } from './track.js'
import type { Meta } from './tracked-kinds.js'

type Method = (...args: never[]) => unknown

/** Where `key` is found on `obj`'s prototype chain, when it is a method (a data property holding a function). */
function findMethod(obj: object, key: PropertyKey): { holder: object; fn: Method } | undefined {
  for (let p = safeGetPrototypeOf(obj) as object | null; p !== null; p = safeGetPrototypeOf(p) as object | null) {
    const d = safeReflectGetOwnPropertyDescriptor(p, key)
    if (d === undefined) continue
    return typeof d.value === 'function' ? { holder: p, fn: d.value as Method } : undefined
  }
  return undefined
}

/**
 * Traps for Map and Set (and their subclasses). Their methods only work on the real
 * collection (internal slots), so the proxy hands out wrappers that record the access and
 * call the original method on the target. Keys and values are unwrapped first: a raw object
 * and its proxy are the same key.
 *
 * A method that a subclass defines (an override such as a default-value `get`, or a method
 * of its own) may call `super.get(…)`, which only works on the real collection: it runs on
 * the target. An override of a built-in method records what the built-in would (a read of
 * the entry for `get`/`has`, a write for `set`/`add`/`delete`); what a method of the
 * subclass's own does inside is not recorded.
 */
export class CollectionHandler extends ObjectHandler {
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
        m = this.methodFor(target, key)
        if (m !== undefined) this.methods.set(key, m)
      }
      if (m !== undefined) return m
    }
    return super.get(target, key, receiver)
  }

  private methodFor(target: object, key: string | symbol): Method | undefined {
    const found = findMethod(target, key)
    if (found === undefined || found.holder === Object.prototype) return undefined
    const isMap = this.meta.kind === 'map'
    if (found.holder === (isMap ? Map.prototype : Set.prototype)) {
      const own = isMap ? this.mapMethod(key) : this.setMethod(key)
      if (own !== undefined) return own
      // A built-in method this handler does not know (a newer Node's): it reads the whole collection.
      return this.t.onTarget(found.fn as (...a: unknown[]) => unknown, this.meta, target, (fn, tgt, args) => {
        this.readShape()
        return safeApply(fn, tgt, args)
      }) as Method
    }
    return this.t.onTarget(found.fn as (...a: unknown[]) => unknown, this.meta, target, (fn, tgt, args) => {
      const raw = args.map((a) => this.t.unwrap(a))
      this.overriddenBuiltin(key, tgt, raw[0])
      return safeApply(fn, tgt, raw)
    }) as Method
  }

  /** What the built-in method `key` records, for a subclass's override of it. */
  private overriddenBuiltin(key: string | symbol, target: object, k: unknown): void {
    const isMap = this.meta.kind === 'map'
    const has = () => (isMap ? C.mapHas(target, k) : C.setHas(target, k))
    switch (key) {
      case 'get':
      case 'has':
        return this.readEntry(k)
      case 'set':
      case 'add':
        return this.writeEntry(k, !has())
      case 'delete':
        return this.writeEntry(k, has())
      case 'clear': {
        const it = (isMap ? C.mapKeys(target) : C.setValues(target)) as Iterator<unknown>
        for (let r = it.next(); r.done !== true; r = it.next()) this.writeEntry(r.value, true)
        return
      }
    }
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
          k = this.t.unwrap(k)
          this.readEntry(k)
          return this.value(k)
        }
      case 'has':
        return (k: unknown) => {
          k = this.t.unwrap(k)
          this.readEntry(k)
          return C.mapHas(target, k)
        }
      case 'set':
        return (k: unknown, v: unknown) => {
          k = this.t.unwrap(k)
          this.writeEntry(k, !C.mapHas(target, k))
          C.mapSet(target, k, this.t.unwrap(v))
          return this.proxy
        }
      case 'delete':
        // Every attempt writes the entry (a second delete after a stale has() is the bug);
        // only a real removal changes the shape.
        return (k: unknown) => {
          k = this.t.unwrap(k)
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
          k = this.t.unwrap(k)
          this.readEntry(k)
          return C.setHas(target, k)
        }
      case 'add':
        // Like Map.set: every add writes the member, a new member also the shape.
        return (k: unknown) => {
          k = this.t.unwrap(k)
          this.writeEntry(k, !C.setHas(target, k))
          C.setAdd(target, k)
          return this.proxy
        }
      case 'delete':
        return (k: unknown) => {
          k = this.t.unwrap(k)
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
