/**
 * The run summary as text: `Found N data race(s)` and one line per race with its test, the
 * location and the two code locations. Pure: the reporter passes the races and a Paint.
 */
import { FAILED_TO_RESTORE, plainPaint, type Paint } from './format.js'
import { frameLocation } from './frames.js'
import type { RaceReport } from './race-report.js'

/** One race and the test that found it. */
export interface FoundRace {
  /** The test's full name, `describe > test`. */
  readonly test: string
  readonly report: RaceReport
}

function where(access: RaceReport['current'], prefix: string, paint: Paint): string {
  const top = access.frames?.[0]
  return top === undefined ? FAILED_TO_RESTORE : paint.path(frameLocation(top, prefix))
}

/**
 * The summary's lines, the first one empty; `suppressed` races are counted, never dropped
 * silently (a run with only suppressed races prints one dim line and no `Found`).
 *
 * @example
 * formatSummary([{ test: 'debits', report }], '/repo')
 * // ['', 'Found 1 data race(s)', '  debits: svc.balance src/a.ts:3:5 ~ src/a.ts:3:5']
 */
export function formatSummary(found: readonly FoundRace[], prefix: string, paint: Paint = plainPaint, suppressed = 0): string[] {
  const silenced = suppressed > 0 ? ` (${suppressed} more suppressed)` : ''
  if (found.length === 0) return suppressed > 0 ? ['', paint.dim(`vitest-race: ${suppressed} data race(s) suppressed (the suppressions option or an ignore comment)`)] : []
  return [
    '',
    paint.header(`Found ${found.length} data race(s)${silenced}`),
    ...found.map(({ test, report }) => `  ${test}: ${paint.location(report.location)} ${where(report.current, prefix, paint)} ~ ${where(report.previous, prefix, paint)}`),
  ]
}
