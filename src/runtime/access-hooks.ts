/**
 * What instrumented code calls (the transform's other half, in the test worker): the hooks
 * object on `globalThis.__vitestRace`. Its `on` flag is true only while a race-mode iteration
 * runs and `sched` while any iteration runs, so that outside them an instrumented access costs
 * one flag check. Accesses become detector events on locations of the real objects
 * (object-shadow.ts); built-in collection calls are dispatched on the receiver at run time;
 * awaits become scheduling points (DESIGN §4, §5).
 */
import { MAIN_WORKER } from '../detector/detector.js'
import type { Location } from '../detector/shadow.js'
import { HOOKS_GLOBAL } from '../instrument/sites.js'
import { collectionMethods as C, safeApply, safeObjectHasOwn } from './builtins.js'
import { callAsTask, callbackArgsAsTasks, callbackAsTasks, callForkingContext, isAsyncFunction, newTask } from './tasks.js'
import { activeCalls } from './call-sites.js'
import { currentContext } from './context.js'
import type { IterationRun } from './iteration.js'
import type { ObjectShadow } from './object-shadow.js'
import { registerSites, siteAt, type RuntimeSite } from './site-table.js'

/** The hooks object's shape (what the transform's output calls). */
export interface Hooks {
  on: boolean
  sched: boolean
  modules: unknown[]
  m(file: string, sites: readonly never[]): number
  r(o: unknown, key: unknown, site: number): void
  w(o: unknown, key: unknown, site: number): void
  u(o: unknown, key: unknown, site: number): void
  d(o: unknown, key: unknown, site: number): void
  c(o: unknown, method: string, key: unknown, site: number): void
  rs(o: unknown, keys: readonly string[], rest: boolean, site: number): void
  it(o: unknown, site: number): void
  aw(value: unknown, site: number): unknown
  fa(iterable: unknown, site: number): unknown
  f(self: unknown, fn: unknown, site: number, ...args: unknown[]): unknown
  t(fn: unknown, site: number): unknown
}

const ObjectCtor = Object
const ARRAY_MUTATORS = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin'])
const SHAPE_READERS = new Set(['forEach', 'keys', 'values', 'entries'])
const OBJECT_SHAPE_READERS = new Set(['keys', 'values', 'entries', 'getOwnPropertyNames'])

interface Target {
  readonly run: IterationRun
  readonly worker: number
  readonly object: object
  readonly shadow: ObjectShadow
  readonly site: RuntimeSite | undefined
}

/** The running race-mode worker and `o`'s shadow, or undefined when nothing is to be recorded. */
function target(o: unknown, site: number): Target | undefined {
  if ((typeof o !== 'object' || o === null) && typeof o !== 'function') return undefined
  const ctx = currentContext()
  if (ctx === undefined) return undefined
  const run = ctx.run
  // A track() proxy records its own accesses.
  if (!run.recording || run.tracker.isTracked(o)) return undefined
  const s = siteAt(site)
  return { run, worker: ctx.worker, object: o as object, shadow: run.shadows.of(o as object, s?.binding === true), site: s }
}

/** Keys whose conversion could run user code (objects) are not recorded. */
function plainKey(key: unknown): key is PropertyKey {
  const t = typeof key
  return t === 'string' || t === 'number' || t === 'symbol' || t === 'boolean' || t === 'bigint' || key === undefined || key === null
}

function prop(t: Target, key: PropertyKey): Location {
  if ((t.shadow.kind === 'map' || t.shadow.kind === 'set') && key === 'size') return t.run.shadows.shape(t.shadow, t.object, t.site)
  return t.run.shadows.prop(t.shadow, t.object, key, t.site)
}

function read(t: Target, loc: Location): void {
  t.run.accessRead(t.worker, loc, t.site)
}

/**
 * A write of `loc`. `shapeStep`: a built-in mutator's change of a shape (a push, a new key, a
 * delete): it commutes with the others, so it depends only on the reads that decided whether
 * it runs (`if (m.size < cap) … m.set(k, v)`), never on a size read for a log line.
 */
function write(t: Target, loc: Location, shapeStep = false): void {
  t.run.accessWrite(t.worker, loc, shapeStep ? (t.site?.controlDeps ?? null) : t.site?.deps, t.site)
}

/** A write of property `key`: adding a key also writes the shape, past an array's end its length. */
function writeProp(t: Target, key: PropertyKey): void {
  const s = t.shadow
  if (s.kind === 'array') {
    if (typeof key !== 'symbol' && /^(0|[1-9]\d*)$/.test(String(key)) && Number(key) >= (t.object as unknown[]).length) write(t, prop(t, 'length'), true)
  } else if (s.kind !== 'token' && !(typeof key === 'string' && key.startsWith('#')) && !safeObjectHasOwn(t.object, key)) {
    write(t, t.run.shadows.shape(s, t.object, t.site), true)
  }
  write(t, prop(t, key))
}

function entry(t: Target, key: unknown): Location {
  return t.run.shadows.entry(t.shadow, t.object, key, t.site)
}

function has(t: Target, key: unknown): boolean {
  const o = t.object
  switch (t.shadow.kind) {
    case 'map':
      return C.mapHas(o, key)
    case 'set':
      return C.setHas(o, key)
    default:
      return true
  }
}

function collectionCall(t: Target, method: string, key: unknown): void {
  const k = t.shadow.kind
  const shapes = t.run.shadows
  if (k === 'array') {
    if (ARRAY_MUTATORS.has(method)) write(t, prop(t, 'length'), true)
    else read(t, prop(t, 'length'))
    return
  }
  if (k !== 'map' && k !== 'set' && k !== 'weakmap' && k !== 'weakset') {
    if (t.object === ObjectCtor && OBJECT_SHAPE_READERS.has(method) && typeof key === 'object' && key !== null) {
      const inner = target(key, -1)
      if (inner !== undefined) read(inner, shapes.shape(inner.shadow, inner.object, t.site))
    }
    return
  }
  switch (method) {
    case 'get':
    case 'has':
      return read(t, entry(t, key))
    case 'set':
    case 'add':
      if (!has(t, key)) write(t, shapes.shape(t.shadow, t.object, t.site), true)
      return write(t, entry(t, key))
    case 'delete':
      if (has(t, key)) {
        write(t, entry(t, key))
        write(t, shapes.shape(t.shadow, t.object, t.site), true)
      }
      return
    case 'clear':
      for (const loc of t.shadow.entryList ?? []) write(t, loc)
      return write(t, shapes.shape(t.shadow, t.object, t.site), true)
    default:
      if (SHAPE_READERS.has(method)) read(t, shapes.shape(t.shadow, t.object, t.site))
  }
}

/** What an await point is called in reports and schedules: its code (the report's stack says where). */
function awaitLabel(site: number): string {
  return siteAt(site)?.text ?? 'await'
}

const KEY = HOOKS_GLOBAL as keyof typeof globalThis
const g = globalThis as unknown as Record<string, Hooks | undefined>
const hooks: Hooks = (g[KEY] ??= { on: false, sched: false, modules: [] } as unknown as Hooks)

Object.assign(hooks, {
  m: registerSites,
  r(o: unknown, key: unknown, site: number) {
    if (!plainKey(key)) return
    const t = target(o, site)
    if (t === undefined) return
    const loc = prop(t, key as PropertyKey)
    if (t.site?.acq === true) t.run.accessReadAcquire(t.worker, loc, t.site)
    else read(t, loc)
    // An array's length also names the next free slot: `const i = a.length; await …; a[i] = v`
    // reads slot i before writing it.
    if (t.shadow.kind === 'array' && key === 'length') read(t, prop(t, String((t.object as unknown[]).length)))
  },
  w(o: unknown, key: unknown, site: number) {
    if (!plainKey(key)) return
    const t = target(o, site)
    if (t !== undefined) writeProp(t, key as PropertyKey)
  },
  u(o: unknown, key: unknown, site: number) {
    if (!plainKey(key)) return
    const t = target(o, site)
    if (t === undefined) return
    read(t, prop(t, key as PropertyKey))
    writeProp(t, key as PropertyKey)
  },
  d(o: unknown, key: unknown, site: number) {
    if (!plainKey(key)) return
    const t = target(o, site)
    if (t === undefined || !safeObjectHasOwn(t.object, key as PropertyKey)) return
    write(t, prop(t, key as PropertyKey))
    if (t.shadow.kind !== 'array') write(t, t.run.shadows.shape(t.shadow, t.object, t.site), true)
  },
  c(o: unknown, method: string, key: unknown, site: number) {
    const t = target(o, site)
    if (t !== undefined) collectionCall(t, method, key)
  },
  rs(o: unknown, keys: readonly string[], rest: boolean, site: number) {
    const t = target(o, site)
    if (t === undefined) return
    for (const k of keys) read(t, prop(t, k))
    if (rest) read(t, t.run.shadows.shape(t.shadow, t.object, t.site))
  },
  it(o: unknown, site: number) {
    const t = target(o, site)
    if (t !== undefined) read(t, t.run.shadows.shape(t.shadow, t.object, t.site))
  },
  aw(value: unknown, site: number): unknown {
    const ctx = currentContext()
    if (ctx === undefined) return value
    if (ctx.run.plain) {
      // No scheduling in a plain test: the await is only remembered, for the read-await-write line.
      if (ctx.run.recording) ctx.run.awaitSeen(ctx.worker, siteAt(site))
      return value
    }
    if (ctx.worker === MAIN_WORKER) return value
    return ctx.run.awaitPoint(ctx.worker, value, awaitLabel(site))
  },
  fa(iterable: unknown, site: number): unknown {
    const ctx = currentContext()
    if (ctx === undefined || ctx.run.plain || ctx.worker === MAIN_WORKER || iterable == null) return iterable
    const open = (iterable as { [Symbol.asyncIterator]?: () => AsyncIterator<unknown> })[Symbol.asyncIterator]
    if (typeof open !== 'function') return iterable
    const { run, worker } = ctx
    const label = awaitLabel(site)
    return {
      [Symbol.asyncIterator]() {
        const it = open.call(iterable)
        return {
          next: (v?: unknown) => run.awaitPoint(worker, it.next(v), label),
          ...(typeof it.return === 'function' ? { return: (v?: unknown) => it.return!(v) } : {}),
          ...(typeof it.throw === 'function' ? { throw: (e?: unknown) => it.throw!(e) } : {}),
        }
      },
    }
  },
  f(self: unknown, fn: unknown, site: number, ...args: unknown[]): unknown {
    if (typeof fn !== 'function') throw new TypeError(`${siteAt(site)?.text ?? 'the callee'} is not a function`)
    if (!hooks.sched) return safeApply(fn, self, args)
    const s = siteAt(site)
    const calls = activeCalls
    calls[calls.length] = s
    try {
      const parent = callForkingContext()
      if (parent === undefined) return safeApply(fn, self, args)
      if (!isAsyncFunction(fn)) {
        // `ids.map(load)`: an async function passed by name to a built-in runs as a task per call.
        if (args.length > 0) callbackArgsAsTasks(fn, args, s)
        return safeApply(fn, self, args)
      }
      return callAsTask(parent, newTask(parent, { ...(s === undefined ? {} : { site: s }), how: s?.how ?? `${s?.text ?? 'a call'}(…) not awaited at once` }), fn as (...a: never[]) => unknown, self, args)
    } finally {
      calls.length--
    }
  },
  t(fn: unknown, site: number): unknown {
    if (!hooks.sched || !isAsyncFunction(fn) || callForkingContext() === undefined) return fn
    const s = siteAt(site)
    return callbackAsTasks(fn as (...a: never[]) => unknown, { ...(s === undefined ? {} : { site: s }), how: s?.how ?? 'an async callback' })
  },
})

let iterations = 0
let raceIterations = 0

/** An iteration starts: awaits become scheduling points, and in race mode accesses become events. */
export function retainHooks(race: boolean): void {
  iterations++
  if (race) raceIterations++
  hooks.sched = true
  hooks.on = raceIterations > 0
}

/** An iteration ended. */
export function releaseHooks(race: boolean): void {
  iterations--
  if (race) raceIterations--
  hooks.sched = iterations > 0
  hooks.on = raceIterations > 0
}
