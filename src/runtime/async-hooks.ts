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
import { safeCreateHook } from './builtins.js'
import { currentContext } from './context.js'
import type { IterationRun } from './iteration.js'

let turn = 1
let users = 0

/** Reaction promise id → the promise it waits on (only promises created by a worker). */
const waitsOn = new Map<number, number>()
/** Promise id → who resolved it, with their clock then. */
const resolvedBy = new Map<number, { readonly run: IterationRun; readonly snapshot: ClockSnapshot }>()

const hook = safeCreateHook({
  init(asyncId, type, triggerAsyncId) {
    if (type !== 'PROMISE') return
    const ctx = currentContext()
    if (ctx !== undefined && ctx.run.detector !== undefined) waitsOn.set(asyncId, triggerAsyncId)
  },
  promiseResolve(asyncId) {
    const ctx = currentContext()
    const d = ctx?.run.detector
    if (d !== undefined) resolvedBy.set(asyncId, { run: ctx!.run, snapshot: d.snapshot(ctx!.worker) })
  },
  before(asyncId) {
    turn++
    const awaited = waitsOn.get(asyncId)
    if (awaited === undefined) return
    waitsOn.delete(asyncId) // a reaction runs once
    const resolved = resolvedBy.get(awaited)
    if (resolved === undefined) return
    const ctx = currentContext()
    if (ctx !== undefined && ctx.run === resolved.run) ctx.run.detector!.acquireSnapshot(ctx.worker, resolved.snapshot)
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
  if (users++ === 0) hook.enable()
}

/** Stop the hooks when the last race-mode iteration ends, and forget its promises. */
export function releaseTurns(): void {
  if (--users === 0) {
    hook.disable()
    waitsOn.clear()
    resolvedBy.clear()
  }
}
