/**
 * The line a concurrentTest prints when its time budget (time-budget.ts) ended exploring
 * early. It goes through `console.log`, captured at load: Vitest's default reporter shows a
 * test's console output under `stdout | file > test` whether the test passed or failed (an
 * annotation would show only for a failed test, or with the verbose reporter), and the
 * machine-readable reporters (json, junit) leave it out of their output; for them the same
 * facts go into the test's meta (`vitest-race:budget`, in the json reporter's `meta`).
 */
import type { RaceSettings } from '../options.js'

/** `console.log` as it was when this module loaded (Vitest's console, before any spy). */
const consoleLog = console.log.bind(console)

/** Print one line for the user. */
export function log(line: string): void {
  consoleLog(line)
}

/**
 * What the budget did, and what to change to run every iteration. `planned`: the runs asked
 * for (a concurrentTest makes one more than its iterations, a threads test its iterations).
 */
export function budgetNote(test: string, settings: RaceSettings, runs: number, elapsedMs: number, timeoutMs: number, planned = settings.iterations + 1): string {
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`
  return (
    `vitest-race: ${test}: the time budget ended exploring after ${runs} of ${planned} runs, with no failure ` +
    `(${seconds(elapsedMs)} of the ${seconds(timeoutMs)} timeout). Pass a larger timeout in the test's options to run them all.`
  )
}

/** The task meta key under which a test stopped by its budget leaves a BudgetMeta. */
export const BUDGET_META_KEY = 'vitest-race:budget'

/** What a test stopped by its time budget leaves in its task meta. */
export interface BudgetMeta {
  /** Runs made. */
  readonly runs: number
  /** Runs planned: a concurrentTest's iterations + 1 (the first, with no context switch, and the iterations); a threads test's iterations. */
  readonly planned: number
  readonly elapsedMs: number
  readonly timeoutMs: number
}

/** The BudgetMeta of a stopped test (`planned` as in `budgetNote`). */
export function budgetMeta(settings: RaceSettings, runs: number, elapsedMs: number, timeoutMs: number, planned = settings.iterations + 1): BudgetMeta {
  return { runs, planned, elapsedMs: Math.round(elapsedMs), timeoutMs }
}
