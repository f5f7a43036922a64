/**
 * Tasks that no instrumented call starts (DESIGN §4b): timer, immediate, microtask and tick
 * callbacks, and async EventEmitter listeners. Installed once, when the setup file loads (so
 * before a test installs fake timers or spies); each wrapper costs one context check outside
 * a checked plain test. Inside one, a callback runs as a new task forked at its registration
 * (an EventEmitter's async listener, at the emit that calls it); a captured stack names it.
 */
import { EventEmitter } from 'node:events'
import { safeApply, safeObjectDefineProperty, safeReflectOwnKeys, safeReflectGetOwnPropertyDescriptor } from './builtins.js'
import { runAs, type WorkerContext } from './context.js'
import { firstPromise } from './async-hooks.js'
import { finishWhenSettled, forkingContext, isAsyncFunction, newTask, callAsTask, stackHolder as holderHere, type TaskContext } from './tasks.js'

/** `cb` as a callback that runs as `task`, ending it when it returns (or its promise settles). */
function runsAs(task: TaskContext, cb: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  return function (this: unknown, ...args: unknown[]) {
    task.again()
    const { value, id } = runAs(task, () => firstPromise(() => safeApply(cb, this, args)))
    finishWhenSettled(task, value, id)
    return value
  }
}

/** Copy `from`'s own properties (`util.promisify.custom`, `__promisify__`) onto `to`. */
function copyProperties(from: object, to: object): void {
  for (const key of safeReflectOwnKeys(from)) {
    if (key === 'length' || key === 'name' || key === 'prototype') continue
    const d = safeReflectGetOwnPropertyDescriptor(from, key)
    if (d !== undefined) safeObjectDefineProperty(to, key, d)
  }
}

type Scheduler = (cb: unknown, ...rest: unknown[]) => unknown

function wrapScheduler(owner: Record<string, unknown>, name: string, how: string): void {
  const original = owner[name] as Scheduler | undefined
  if (typeof original !== 'function') return
  const wrapped = {
    [name](this: unknown, cb: unknown, ...rest: unknown[]): unknown {
      const parent = typeof cb === 'function' ? forkingContext() : undefined
      if (parent === undefined) return safeApply(original, this, [cb, ...rest])
      const task = newTask(parent, { holder: holderHere(wrapped), how })
      return safeApply(original, this, [runsAs(task, cb as (...args: unknown[]) => unknown), ...rest])
    },
  }[name]!
  copyProperties(original, wrapped)
  owner[name] = wrapped
}

/** Named `captureRejections` emitters handle their listeners' promises themselves: leave them to Node. */
function capturesRejections(emitter: object): boolean {
  if ((EventEmitter as unknown as { captureRejections?: boolean }).captureRejections === true) return true
  for (const key of safeReflectOwnKeys(emitter)) {
    if (typeof key === 'symbol' && key.description === 'kCapture' && (emitter as Record<symbol, unknown>)[key] === true) return true
  }
  return false
}

function wrapEmit(): void {
  const proto = EventEmitter.prototype as unknown as Record<string, unknown>
  const emit = proto.emit as (this: EventEmitter, type: string | symbol, ...args: unknown[]) => boolean
  const rawListeners = proto.rawListeners as (this: EventEmitter, type: string | symbol) => { listener?: unknown }[]
  const wrapped = function emit_(this: EventEmitter, type: string | symbol, ...args: unknown[]): boolean {
    const parent: WorkerContext | undefined = forkingContext()
    if (parent === undefined || this === null || typeof this !== 'object') return safeApply(emit, this, [type, ...args]) as boolean
    const listeners = safeApply(rawListeners, this, [type]) as { listener?: unknown }[]
    // A `once` registration is stored as a wrapper whose `listener` is the user's function.
    const own = (l: { listener?: unknown }) => (typeof l.listener === 'function' ? l.listener : l)
    if (listeners.length === 0 || !listeners.some((l) => isAsyncFunction(own(l))) || capturesRejections(this)) return safeApply(emit, this, [type, ...args]) as boolean
    const how = `listener of ${typeof type === 'symbol' ? String(type) : JSON.stringify(type)}`
    for (const l of listeners) {
      const fn = l as unknown as (...a: unknown[]) => unknown
      if (isAsyncFunction(own(l))) callAsTask(parent, newTask(parent, { holder: holderHere(wrapped), how }), fn, this, args)
      else safeApply(fn, this, args)
    }
    return true
  }
  safeObjectDefineProperty(wrapped, 'name', { value: 'emit' })
  safeObjectDefineProperty(wrapped, WRAPS, { value: emit })
  proto.emit = wrapped
}

/** On a wrapper: the function it wraps (emitter-edges.ts recognises `emit` through it). */
export const WRAPS = Symbol.for('vitest-race.wraps')

let installed = false

/** Install the wrappers (once per test worker). */
export function installTaskSources(): void {
  if (installed) return
  installed = true
  const g = globalThis as unknown as Record<string, unknown>
  wrapScheduler(g, 'setTimeout', 'setTimeout callback')
  wrapScheduler(g, 'setInterval', 'setInterval callback')
  wrapScheduler(g, 'setImmediate', 'setImmediate callback')
  wrapScheduler(g, 'queueMicrotask', 'queueMicrotask callback')
  wrapScheduler(process as unknown as Record<string, unknown>, 'nextTick', 'process.nextTick callback')
  wrapEmit()
}
