/**
 * What async_hooks tell the detector, enabled only while a race-mode iteration runs (they
 * cost 4–5× on await-heavy code; reference counted for concurrent tests):
 *
 * - Turns, the synchronous segments between awaits (DESIGN §8): `before` and `after` bump one
 *   counter, so two accesses of a worker that see the same value ran in the same turn.
 * - Promise edges (DESIGN §3): resolving or rejecting a promise in worker B happens-before the
 *   continuation of any worker that awaited it. `promiseResolve` snapshots the resolving
 *   worker's clock on the promise; `init` links a reaction (the promise `then`/`await`
 *   creates) to the promise it waits on; `before` acquires that snapshot into the worker
 *   about to continue. This covers `await`, `then` callbacks, `Promise.all`/`race` (their
 *   internal reactions run in the awaiting worker) and deferreds resolved by another worker.
 *   The library's own settlements run outside any worker (`outsideWorkers`), so the
 *   scheduler letting a worker go on is never an edge.
 */
import type { ClockSnapshot } from '../detector/detector.js'
import { safeCreateHook, safeExecutionAsyncId, safeExecutionAsyncResource } from './builtins.js'
import { currentContext, outsideWorkers } from './context.js'

let turn = 1
let users = 0

/** On a promise: the async id of the promise it waits on (its trigger), set at `init`. */
const WAITS_ON = Symbol('vitest-race.waitsOn')
/**
 * Who resolved each promise, by async id − `firstId`: ids grow by one per resource, so a
 * plain array stays dense and far cheaper than a Map on await-heavy code.
 */
let resolvedBy: (ClockSnapshot | undefined)[] = []
let firstId = 0

/** While `firstPromise` runs its call: the first promise made in it, and its async id. */
let capture: { promise: object | undefined; id: number } | undefined
/** Async id → what to do when that promise settles (`whenSettled`). */
let settleWatchers: Record<number, (() => void) | undefined> = Object.create(null) as Record<number, (() => void) | undefined>
let watching = 0

const hook = safeCreateHook({
  init(asyncId, type, triggerAsyncId, resource) {
    if (type !== 'PROMISE') return
    ;(resource as { [WAITS_ON]?: number })[WAITS_ON] = triggerAsyncId
    if (capture !== undefined && capture.promise === undefined) {
      capture.promise = resource
      capture.id = asyncId
    }
  },
  promiseResolve(asyncId) {
    const ctx = currentContext()
    const d = ctx?.run.detector
    if (d !== undefined && asyncId >= firstId) resolvedBy[asyncId - firstId] = d.snapshot(ctx!.worker)
    if (watching === 0) return
    const watcher = settleWatchers[asyncId]
    if (watcher !== undefined) {
      delete settleWatchers[asyncId]
      watching--
      // An exception thrown from an async hook ends the process: bookkeeping must never do that.
      try {
        watcher()
      } catch {
        // the task stays unfinished: its id is not reused, nothing else changes
      }
    }
  },
  before() {
    turn++
    const awaited = (safeExecutionAsyncResource() as { [WAITS_ON]?: number })[WAITS_ON]
    if (awaited === undefined || awaited < firstId) return
    const snapshot = resolvedBy[awaited - firstId]
    if (snapshot === undefined) return
    const ctx = currentContext()
    if (ctx !== undefined && ctx.run.detector === snapshot.detector) snapshot.detector.acquireSnapshot(ctx.worker, snapshot)
  },
  after() {
    turn++
  },
})

/**
 * Call `call`; when the hooks are on and the first promise made during it is the value it
 * returns (an async function's own promise), also give that promise's async id, which
 * `whenSettled` watches without attaching a handler to the promise.
 */
export function firstPromise<T>(call: () => T): { value: T; id: number | undefined } {
  if (users === 0) return { value: call(), id: undefined }
  const outer = capture
  const mine = { promise: undefined as object | undefined, id: -1 }
  capture = mine
  let value: T
  try {
    value = call()
  } finally {
    capture = outer
  }
  return { value, id: mine.promise !== undefined && mine.promise === (value as unknown) ? mine.id : undefined }
}

/**
 * `fn` runs when the promise with async id `id` settles (fulfilled or rejected), seen by the
 * `promiseResolve` hook: no reaction is attached, so a rejection nobody handles stays an
 * unhandled rejection, as in plain JavaScript. `fn` runs as no worker and must not throw.
 */
export function whenSettled(id: number, fn: () => void): void {
  settleWatchers[id] = () => outsideWorkers(fn)
  watching++
}

/** The current turn number. */
export function currentTurn(): number {
  return turn
}

/** Start the hooks (for one more race-mode iteration). */
export function retainTurns(): void {
  if (users++ === 0) {
    firstId = safeExecutionAsyncId() + 1
    hook.enable()
  }
}

/** Stop the hooks when the last race-mode iteration ends, and forget its promises. */
export function releaseTurns(): void {
  if (--users === 0) {
    hook.disable()
    resolvedBy = []
    settleWatchers = Object.create(null) as Record<number, (() => void) | undefined>
    watching = 0
  }
}
