/**
 * The end of an iteration as plain data (run-outcome.ts): what it keeps of the run, that it
 * survives JSON, that tasks' origins are found in one place, and that suppressions read the
 * same outcome the report is made from.
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS, type RaceSettings } from '../../src/options.js'
import type { IterationOutcome, OutcomeRace } from '../../src/report/iteration-outcome.js'
import { runIteration } from '../../src/runtime/iteration-runner.js'
import { taskOriginStack } from '../../src/runtime/run-outcome.js'
import type { RuntimeSite } from '../../src/runtime/site-table.js'
import { randomSchedule } from '../../src/runtime/strategies.js'
import { withSuppressions } from '../../src/runtime/suppressions.js'

const settings: RaceSettings = { ...DEFAULT_SETTINGS, race: true }
const HERE = new URL(import.meta.url).pathname

class Counter {
  n = 0
  async bump(pause: () => Promise<void>): Promise<void> {
    const v = this.n
    await pause()
    this.n = v + 1
  }
}

describe('outcomeOf', () => {
  it('keeps the races, the workers they name with where they started, and the schedule, as plain data', async () => {
    const outcome = await runIteration({
      settings,
      seed: 1,
      iteration: 0,
      schedule: { kind: 'roundRobin' },
      vitest: expect.getState() as never,
      capture: 'all',
      body: async ({ fanOut, pause, track }) => {
        const c = track(new Counter(), 'counter')
        await fanOut(2, () => c.bump(pause))
      },
    })
    expect(outcome.failed).toBe(false)
    expect(outcome.races.map((r) => r.location)).toEqual(['counter.n'])
    const race = outcome.races[0]!
    // A method called on the tracked proxy is named after its class, not `Proxy.bump`.
    expect(race.current.stack).toContain('Counter.bump')
    expect(race.current.stack).not.toContain('Proxy.bump')
    expect(outcome.workers.map((w) => [w.worker, w.fanOut, w.state, w.task])).toEqual([
      [race.current.worker, { index: race.current.worker - 1, size: 2 }, 'finished', undefined],
      [race.previous.worker, { index: race.previous.worker - 1, size: 2 }, 'finished', undefined],
    ])
    for (const w of outcome.workers) expect(w.origin).toContain(HERE)
    // Promise.all's order: each worker to its next await in turn.
    expect(outcome.steps.map((s) => s.worker)).toEqual([1, 2, 1, 2, 1, 2])
    expect(outcome.steps.slice(0, 2).map((s) => s.after)).toEqual(['start', 'start'])
    expect(outcome.workersStarted).toBe(2)
    const { error: _, ...data } = outcome
    expect(JSON.parse(JSON.stringify(data))).toEqual(data)
  })

  it('has no races, and says how many workers ran, when none raced', async () => {
    const outcome = await runIteration({
      settings,
      seed: 1,
      iteration: 0,
      schedule: randomSchedule(1),
      vitest: expect.getState() as never,
      body: async ({ fanOut, pause }) => {
        await fanOut(3, () => pause())
      },
    })
    expect([outcome.races, outcome.workers, outcome.workersStarted, outcome.suppressed]).toEqual([[], [], 3, 0])
  })
})

describe('taskOriginStack', () => {
  const site: RuntimeSite = {
    id: 0, k: 'f', file: 'src/start.ts', line: 4, col: 9, text: 'debit(1)', obj: undefined, where: undefined,
    deps: undefined, controlDeps: undefined, acq: false, binding: false, how: undefined, fn: 'start',
  }

  it('is the forking call as a one-frame stack, or the stack captured at a registration', () => {
    expect(taskOriginStack({ site, how: 'Promise.all element 1' }, '/p')).toBe('    at start (/p/src/start.ts:4:9)')
    expect(taskOriginStack({ holder: { stack: 'Error\n    at /p/src/timer.ts:2:1' }, how: 'setTimeout callback' }, '/p')).toBe('Error\n    at /p/src/timer.ts:2:1')
    expect(taskOriginStack({ how: 'setTimeout callback' }, '/p')).toBeUndefined()
  })
})

describe('withSuppressions', () => {
  const race = (worker: number): OutcomeRace => ({
    location: 'ledger.total',
    current: { kind: 'write', worker, stack: '    at Ledger.debit (/p/src/ledger.ts:7:3)' },
    previous: { kind: 'write', worker: 0, stack: '    at /p/test/ledger.test.ts:12:5' },
    span: undefined,
  })
  const outcome: IterationOutcome = {
    races: [race(1), race(2)],
    workers: [
      { worker: 1, state: 'finished', origin: '    at /p/src/legacy/start.ts:3:1', fanOut: undefined, task: 'setTimeout callback' },
      { worker: 2, state: 'finished', origin: '    at /p/src/legacy/start.ts:3:1', fanOut: { index: 0, size: 1 } },
    ],
    steps: [],
    notes: [],
    suppressed: 1,
    workersStarted: 2,
  }
  const root = { ...settings, root: '/p' }

  it("silences a race that passes through a suppressed place where one of its tasks started, and counts it", () => {
    const out = withSuppressions(outcome, { ...root, suppressions: ['src/legacy/**'] })
    // Worker 2 is no task: where its fanOut was called does not suppress.
    expect(out.races).toEqual([race(2)])
    expect(out.suppressed).toBe(2)
    expect(out.workers).toBe(outcome.workers)
  })

  it('matches the functions of the accesses as the report names them', () => {
    expect(withSuppressions(outcome, { ...root, suppressions: ['fn:Ledger.debit'] }).races).toEqual([])
    expect(withSuppressions(outcome, { ...root, suppressions: ['fn:credit'] }).races).toEqual(outcome.races)
  })
})
