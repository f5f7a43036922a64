/**
 * The conformance harness (modelled on Go's src/runtime/race/testdata): each case is a small
 * concurrentTest body named `Race…` (the detector must report a race in at least one of its
 * iterations, at the `locations` it names) or `NoRace…` (it must report none in any iteration).
 * Cases run under race mode, in-process, through the same iteration runner as concurrentTest.
 */
import type { TestContext } from 'vitest'
import { DEFAULT_SETTINGS, type RaceSettings, type Semantics } from '../../src/options.js'
import { runIteration, type ConcurrentBody } from '../../src/runtime/iteration-runner.js'
import { randomSchedule } from '../../src/runtime/strategies.js'
import { instrument } from '../../src/instrument/transform.js'

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>

/**
 * The body a case's module hands to `out(ctx => …)`, after instrumenting the module exactly
 * as the plugin does in race mode (`mode: 'awaits'` as in stress mode). `globals` are more
 * names the module sees (functions of the test, left uninstrumented).
 */
export async function compileCase(name: string, source: string, globals: Record<string, unknown> = {}, mode: 'full' | 'awaits' = 'full'): Promise<ConcurrentBody> {
  const out = instrument(source, { mode, file: `cases/${name}.js` })
  let body: ConcurrentBody | undefined
  const names = Object.keys(globals)
  await new AsyncFunction('out', ...names, '"use strict";\n' + (out?.code ?? source))((b: ConcurrentBody) => (body = b), ...names.map((n) => globals[n]))
  return body!
}

/** One conformance case. */
export interface ConformanceCase {
  /** `Race…` or `NoRace…`: what the detector must say. */
  readonly name: string
  readonly body: ConcurrentBody
  /** Default 'atomicity'. */
  readonly semantics?: Semantics
  /** Iterations (different schedules); default 8. */
  readonly iterations?: number
  /**
   * A Race case: the locations its first racy iteration reports, as reports name them
   * (`o.n`, `m.get("a")`), all of them and no other: the race found must be the one meant.
   */
  readonly locations?: readonly string[]
}

/** What the harness saw for one case. */
export interface CaseResult {
  readonly name: string
  readonly expectedRace: boolean
  readonly reported: boolean
  /** Labels of the racing locations reported in the first racy iteration, each once, sorted. */
  readonly labels: readonly string[]
  /** The case's `locations`, sorted (undefined when it names none). */
  readonly expectedLocations: readonly string[] | undefined
  /** An error the body itself threw (other than a reported race), if any. */
  readonly error: unknown
  readonly ok: boolean
}

/** The seed of iteration `i` of a run started with `base`: iteration 0 uses `base` itself. */
function iterationSeed(base: number, i: number): number {
  return i === 0 ? base : mixSeed(base + Math.imul(i, 0x9e3779b9))
}

function mixSeed(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d)
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b)
  return (x ^ (x >>> 16)) >>> 0
}

export async function runCase(c: ConformanceCase, vitest: TestContext): Promise<CaseResult> {
  const expectedRace = c.name.startsWith('Race')
  if (!expectedRace && !c.name.startsWith('NoRace')) throw new Error(`case ${c.name}: name must start with Race or NoRace`)
  const settings: RaceSettings = { ...DEFAULT_SETTINGS, race: true, semantics: c.semantics ?? 'atomicity' }
  let reported = false
  let labels: string[] = []
  let error: unknown
  const n = c.iterations ?? 8
  for (let i = 0; i < n && !reported; i++) {
    const seed = iterationSeed(0xc0ffee, i)
    // The first iteration plays Promise.all's schedule, as race mode's first run does.
    const schedule = i === 0 ? ({ kind: 'roundRobin' } as const) : randomSchedule(seed)
    const outcome = await runIteration({ settings, seed, iteration: i, schedule, body: c.body, vitest })
    if (outcome.races.length > 0) {
      reported = true
      labels = [...new Set(outcome.races.map((r) => r.location))].sort()
    } else if (outcome.error !== undefined && error === undefined) {
      error = outcome.error
    }
  }
  const expectedLocations = c.locations === undefined ? undefined : [...c.locations].sort()
  const where = expectedLocations === undefined || !reported || expectedLocations.join('\n') === labels.join('\n')
  return { name: c.name, expectedRace, reported, labels, expectedLocations, error, ok: reported === expectedRace && (reported || error === undefined) && where }
}

/** `Passed X of Y (F false positives, N false negatives)`, plus one line per failing case (a race at the wrong location among them). */
export function summary(results: readonly CaseResult[]): string {
  const fp = results.filter((r) => !r.expectedRace && r.reported).length
  const fn = results.filter((r) => r.expectedRace && !r.reported).length
  const passed = results.filter((r) => r.ok).length
  const lines = [`Passed ${passed} of ${results.length} (${fp} false positives, ${fn} false negatives)`]
  for (const r of results.filter((x) => !x.ok)) {
    const why =
      r.expectedRace && !r.reported
        ? 'no race reported'
        : r.reported && !r.expectedRace
          ? `false positive on ${r.labels.join(', ')}`
          : r.reported
            ? `raced at ${r.labels.join(', ')}, expected ${r.expectedLocations!.join(', ')}`
            : `body failed: ${String(r.error)}`
    lines.push(`  FAIL ${r.name}: ${why}`)
  }
  return lines.join('\n')
}
