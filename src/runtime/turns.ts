/**
 * Turns: the synchronous segments between awaits (DESIGN §8). An async_hooks `before` and
 * `after` callback bumps one counter, so two accesses of a worker that see the same value
 * ran in the same turn. The hook costs 4–5× on await-heavy code, so it is enabled only
 * while a race-mode iteration runs (reference counted for concurrent tests).
 */
import { safeCreateHook } from './builtins.js'

let turn = 1
let users = 0
const hook = safeCreateHook({
  before() {
    turn++
  },
  after() {
    turn++
  },
})

/** The current turn number. */
export function currentTurn(): number {
  return turn
}

/** Start counting turns (for one more race-mode iteration). */
export function retainTurns(): void {
  if (users++ === 0) hook.enable()
}

/** Stop counting turns when the last race-mode iteration ends. */
export function releaseTurns(): void {
  if (--users === 0) hook.disable()
}
