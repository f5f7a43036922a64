/**
 * Happens-before edges of Node's EventEmitter, for emitters reached through `track()`
 * (DESIGN §3: what users already use).
 *
 * Registering a listener happens-before every emit that calls it. The emitter's listener
 * list is a synchronisation object: `emit` reads it and calls what an earlier `on` put
 * there, as a channel receive takes what a send put in it, so whatever the registering
 * worker did before `on` (the state its listener will read) is ordered before the listener
 * runs in the emitting worker. Without this edge the emitter's own bookkeeping, or the state
 * a listener reads, is reported as a race between registration and delivery, which is what
 * strict mode reported on a correct archive-like program (finalize awaiting
 * `once(archive, 'drain')` while the queue drains). The edge is taken only when the emit
 * really calls the listener, so a listener registered too late stays unordered.
 *
 * The delivery itself needs no edge: `emit` calls its listeners synchronously, in the
 * emitting worker's turn.
 */
import { EventEmitter } from 'node:events'
import { Edge } from './edge.js'
import { safeApply, SafeWeakMap } from './builtins.js'

/** Set on a wrapper of `emit` (task-sources.ts): the original it calls. */
const WRAPS = Symbol.for('vitest-race.wraps')

const REGISTER: ReadonlySet<unknown> = new Set<unknown>(
  ['on', 'addListener', 'once', 'prependListener', 'prependOnceListener'].map((m) => (EventEmitter.prototype as unknown as Record<string, unknown>)[m]),
)
const emit = (EventEmitter.prototype.emit as { [WRAPS]?: typeof EventEmitter.prototype.emit })[WRAPS] ?? EventEmitter.prototype.emit
const rawListeners = EventEmitter.prototype.rawListeners

/** Per emitter, per listener function: the edge its registrations released. */
const edges = new SafeWeakMap<object, SafeWeakMap<object, Edge>>()

function edgeOf(emitter: object, listener: object, create: boolean): Edge | undefined {
  let byListener = edges.get(emitter)
  if (byListener === undefined) {
    if (!create) return undefined
    edges.set(emitter, (byListener = new SafeWeakMap()))
  }
  let e = byListener.get(listener)
  if (e === undefined && create) byListener.set(listener, (e = new Edge()))
  return e
}

/** `fn`, an EventEmitter method, called on the real `emitter` with its edges. */
export function callEmitterMethod(fn: (...args: unknown[]) => unknown, emitter: object, args: unknown[]): unknown {
  if (REGISTER.has(fn)) {
    const listener = args[1]
    if (typeof listener === 'function') edgeOf(emitter, listener, true)!.release()
  } else if (fn === emit || (fn as { [WRAPS]?: unknown })[WRAPS] === emit) {
    const listeners = safeApply(rawListeners, emitter, [args[0]]) as { listener?: unknown }[]
    for (const l of listeners) {
      // A `once` registration is stored as a wrapper whose `listener` is the user's function.
      const own = typeof l.listener === 'function' ? (l.listener as object) : (l as object)
      edgeOf(emitter, own, false)?.acquire()
    }
  }
  return safeApply(fn, emitter, args)
}
