/** A schedule as numbered steps, for failure messages. Pure. */

/** One step: which worker went on, after waiting where. */
export interface StepData {
  readonly worker: number
  readonly after: string
  readonly forced: boolean
}

/** At most this many steps are printed; the rest are counted. */
export const MAX_PRINTED_STEPS = 60

function stepText(s: StepData): string {
  const what = s.after === 'start' ? `worker ${s.worker} started` : `worker ${s.worker} resumed after ${s.after}`
  return s.forced ? `${what} (let go while others were busy elsewhere)` : what
}

/** `  1. worker 1 started`, `  2. worker 2 resumed after scheduled audit()`, … */
export function formatSteps(steps: readonly StepData[]): string[] {
  const lines = steps.slice(0, MAX_PRINTED_STEPS).map((s, i) => `  ${i + 1}. ${stepText(s)}`)
  if (steps.length > MAX_PRINTED_STEPS) lines.push(`  … ${steps.length - MAX_PRINTED_STEPS} more steps`)
  return lines
}
