/**
 * Built-ins captured when this module loads (STYLE: borrowed from fast-check). The runtime
 * lives beside `vi.useFakeTimers()`, spies on `Map.prototype` and polyfills; it must never
 * schedule through, or look up state with, whatever the test has installed since.
 */
import { AsyncLocalStorage, createHook, executionAsyncId, executionAsyncResource } from 'node:async_hooks'

export const safeApply = Reflect.apply
export const safeMathRandom = Math.random
export const safeDateNow = Date.now
export const safeSetImmediate = globalThis.setImmediate
export const safeSetTimeout = globalThis.setTimeout
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
export const safeSetPrototypeOf = Object.setPrototypeOf
export const safeFunctionToString = Function.prototype.toString
export const safeObjectFreeze = Object.freeze
export const safeObjectIsExtensible = Object.isExtensible
export const safeObjectDefineProperty = Object.defineProperty
export const safeObjectIs = Object.is
/** The Array constructor as loaded. */
export const SafeArray = Array
/** AbortController as loaded, with its `signal` getter and `abort` method. */
export const SafeAbortController = AbortController
// A test environment's AbortController (happy-dom's) may carry `signal` as an instance field, with no getter to capture.
const abortSignalGetter = Object.getOwnPropertyDescriptor(AbortController.prototype, 'signal')?.get
const abortMethod = AbortController.prototype.abort
/** `controller.signal`, through the getter captured at load where the prototype has one. */
export const abortSignal = (controller: AbortController): AbortSignal =>
  (abortSignalGetter === undefined ? controller.signal : safeApply(abortSignalGetter, controller, [])) as AbortSignal
/** `controller.abort(reason)`, through the method captured at load. */
export const abortWith = (controller: AbortController, reason: unknown): void => {
  safeApply(abortMethod, controller, [reason])
}
/** The Promise constructor as loaded (a test may replace the global with a polyfill). */
export const SafePromise = Promise
const promiseResolve = Promise.resolve
const promiseReject = Promise.reject
const promiseThen = Promise.prototype.then
/** `Promise.resolve(value)` through the methods captured at load. */
export const safePromiseResolve = <T = void>(value?: T): Promise<Awaited<T>> => safeApply(promiseResolve, SafePromise, [value]) as Promise<Awaited<T>>
/** `Promise.reject(reason)` through the methods captured at load. */
export const safePromiseReject = (reason: unknown): Promise<never> => safeApply(promiseReject, SafePromise, [reason]) as Promise<never>
/** `promise.then(onFulfilled, onRejected)` with the `then` captured at load (a spy on `Promise.prototype.then` is not called). */
export const safeThen = <T, R1 = T, R2 = never>(
  promise: Promise<T>,
  onFulfilled: ((value: T) => R1 | PromiseLike<R1>) | undefined,
  onRejected: ((reason: unknown) => R2 | PromiseLike<R2>) | undefined,
): Promise<R1 | R2> => safeApply(promiseThen, promise, [onFulfilled, onRejected]) as Promise<R1 | R2>
/**
 * `Promise.all(promises)` that never looks up `then` on its elements: native promises only
 * (each settles a counter through the captured `then`), so a patched `then` is never called.
 */
export function safePromiseAll(promises: readonly Promise<unknown>[]): Promise<void> {
  return new SafePromise<void>((resolve, reject) => {
    let remaining = promises.length
    if (remaining === 0) return resolve()
    const one = () => {
      if (--remaining === 0) resolve()
    }
    for (let i = 0; i < promises.length; i++) safeThen(promises[i]!, one, reject)
  })
}
export {
  AsyncLocalStorage as SafeAsyncLocalStorage,
  createHook as safeCreateHook,
  executionAsyncId as safeExecutionAsyncId,
  executionAsyncResource as safeExecutionAsyncResource,
}

/**
 * `uncurry(Map.prototype.get)(map, key)` calls the original method however the prototype is
 * patched later. A bound `call` is cheaper than `Reflect.apply` with an argument array on
 * the hot path (no allocation), and is itself captured now.
 */
const uncurry = <A extends unknown[], R>(fn: (...args: A) => R): ((self: unknown, ...args: A) => R) =>
  Function.prototype.call.bind(fn as (...args: unknown[]) => unknown) as (self: unknown, ...args: A) => R

const sizeGetter = (proto: object) => uncurry(Object.getOwnPropertyDescriptor(proto, 'size')!.get as () => number)

/** The original `Map`/`Set`/`WeakMap` methods, for the real collection behind a tracked proxy. */
export const collectionMethods = {
  mapGet: uncurry(Map.prototype.get),
  mapSet: uncurry(Map.prototype.set),
  mapHas: uncurry(Map.prototype.has),
  mapDelete: uncurry(Map.prototype.delete),
  mapClear: uncurry(Map.prototype.clear),
  mapKeys: uncurry(Map.prototype.keys),
  mapSize: sizeGetter(Map.prototype),
  setAdd: uncurry(Set.prototype.add),
  setHas: uncurry(Set.prototype.has),
  setDelete: uncurry(Set.prototype.delete),
  setClear: uncurry(Set.prototype.clear),
  setValues: uncurry(Set.prototype.values),
  setSize: sizeGetter(Set.prototype),
} as const
const C = collectionMethods

/** `Array.prototype.splice`, as loaded. */
export const arraySplice = uncurry(Array.prototype.splice) as (self: unknown[], start: number, deleteCount: number, ...items: unknown[]) => unknown[]
const weakMapGet = uncurry(WeakMap.prototype.get)
const weakMapSet = uncurry(WeakMap.prototype.set)
const weakMapHas = uncurry(WeakMap.prototype.has)

/** A Map whose operations cannot be redirected by spies on `Map.prototype`. */
export class SafeMap<K, V> {
  private readonly m = new Map<K, V>()
  get(key: K): V | undefined {
    return C.mapGet(this.m, key) as V | undefined
  }
  set(key: K, value: V): void {
    C.mapSet(this.m, key, value)
  }
  has(key: K): boolean {
    return C.mapHas(this.m, key)
  }
  delete(key: K): boolean {
    return C.mapDelete(this.m, key)
  }
}

/** A WeakMap whose operations cannot be redirected by spies on `WeakMap.prototype`. */
export class SafeWeakMap<K extends object, V> {
  private readonly m = new WeakMap<K, V>()
  get(key: K): V | undefined {
    return weakMapGet(this.m, key) as V | undefined
  }
  set(key: K, value: V): void {
    weakMapSet(this.m, key, value)
  }
  has(key: K): boolean {
    return weakMapHas(this.m, key)
  }
}
