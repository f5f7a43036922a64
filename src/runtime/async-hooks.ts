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
import { currentContext } from './context.js'

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

const hook = safeCreateHook({
  init(_asyncId, type, triggerAsyncId, resource) {
    if (type === 'PROMISE') (resource as { [WAITS_ON]?: number })[WAITS_ON] = triggerAsyncId
  },
  promiseResolve(asyncId) {
    const ctx = currentContext()
    const d = ctx?.run.detector
    if (d !== undefined && asyncId >= firstId) resolvedBy[asyncId - firstId] = d.snapshot(ctx!.worker)
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
  }
}
