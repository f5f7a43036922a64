/**
 * Built-ins captured when this module loads (STYLE: borrowed from fast-check). The runtime
 * lives beside `vi.useFakeTimers()`, spies on `Map.prototype` and polyfills; it must never
 * schedule through, or look up state with, whatever the test has installed since.
 */
import { AsyncLocalStorage, createHook } from 'node:async_hooks'

export const safeApply = Reflect.apply
export const safeMathRandom = Math.random
export const safeSetImmediate = globalThis.setImmediate
export const safeQueueMicrotask = globalThis.queueMicrotask
export const safeCaptureStackTrace = Error.captureStackTrace
export const safeObjectHasOwn = Object.hasOwn
export const safeReflectGet = Reflect.get
export const safeReflectSet = Reflect.set
export const safeReflectHas = Reflect.has
export const safeReflectDeleteProperty = Reflect.deleteProperty
export const safeReflectGetOwnPropertyDescriptor = Reflect.getOwnPropertyDescriptor
export const safeReflectOwnKeys = Reflect.ownKeys
export const safeGetPrototypeOf = Object.getPrototypeOf
export { AsyncLocalStorage as SafeAsyncLocalStorage, createHook as safeCreateHook }

const mapGet = Map.prototype.get
const mapSet = Map.prototype.set
const mapHas = Map.prototype.has
const mapDelete = Map.prototype.delete
const mapClear = Map.prototype.clear
const mapForEach = Map.prototype.forEach
const mapKeys = Map.prototype.keys
const mapEntries = Map.prototype.entries
const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, 'size')!.get!
const setAdd = Set.prototype.add
const setHas = Set.prototype.has
const setDelete = Set.prototype.delete
const setClear = Set.prototype.clear
const setValues = Set.prototype.values
const setSize = Object.getOwnPropertyDescriptor(Set.prototype, 'size')!.get!
const weakMapGet = WeakMap.prototype.get
const weakMapSet = WeakMap.prototype.set
const weakMapHas = WeakMap.prototype.has

/** A Map whose operations cannot be redirected by spies on `Map.prototype`. */
export class SafeMap<K, V> {
  private readonly m = new Map<K, V>()
  get(key: K): V | undefined {
    return safeApply(mapGet, this.m, [key]) as V | undefined
  }
  set(key: K, value: V): void {
    safeApply(mapSet, this.m, [key, value])
  }
  has(key: K): boolean {
    return safeApply(mapHas, this.m, [key]) as boolean
  }
  delete(key: K): boolean {
    return safeApply(mapDelete, this.m, [key]) as boolean
  }
}

/** A WeakMap whose operations cannot be redirected by spies on `WeakMap.prototype`. */
export class SafeWeakMap<K extends object, V> {
  private readonly m = new WeakMap<K, V>()
  get(key: K): V | undefined {
    return safeApply(weakMapGet, this.m, [key]) as V | undefined
  }
  set(key: K, value: V): void {
    safeApply(weakMapSet, this.m, [key, value])
  }
  has(key: K): boolean {
    return safeApply(weakMapHas, this.m, [key]) as boolean
  }
}

/**
 * The original `Map`/`Set` methods, for calling on the real collection behind a tracked
 * proxy (its internal slots only exist on the target).
 */
export const collectionMethods = {
  mapGet,
  mapSet,
  mapHas,
  mapDelete,
  mapClear,
  mapForEach,
  mapKeys,
  mapEntries,
  mapSize,
  setAdd,
  setHas,
  setDelete,
  setClear,
  setValues,
  setSize,
} as const
