/**
 * A concurrentTest body's own calls left in flight are tasks scheduled like workers (DESIGN
 * §4b): `Promise.all([a(), b()])` in the body, over `scheduled` calls (any mode) or functions
 * with instrumented awaits (race mode), is perturbed by exploration and replayed exactly.
 */
import { describe, expect, it } from 'vitest'
import '../../src/runtime/access-hooks.js'
import { DEFAULT_SETTINGS, type RaceSettings } from '../../src/options.js'
import { exploreRuns } from '../../src/runtime/exploration.js'
import { runIteration } from '../../src/runtime/iteration-runner.js'
import type { ConcurrentContext } from '../../src/runtime/test-context.js'
import { compileCase } from '../conformance/harness.js'
import { callbackAsTasks } from '../../src/runtime/tasks.js'
import { currentContext } from '../../src/runtime/context.js'
import type { IterationRun, WorkerInfo } from '../../src/runtime/iteration.js'

const settings = (over: Partial<RaceSettings> = {}): RaceSettings => ({ ...DEFAULT_SETTINGS, seed: 0x5eed, iterations: 50, ...over })
const vitest = { expect } as never

/** `body`, and the workers of the IterationRun its latest call ran in (an outcome is plain data: it keeps no run). */
function watched(body: (ctx: ConcurrentContext) => unknown): { body: (ctx: ConcurrentContext) => unknown; tasks: () => WorkerInfo[] } {
  let run: IterationRun | undefined
  return {
    body: (ctx) => {
      run = currentContext()!.run
      return body(ctx)
    },
    tasks: () => [...run!.workers.values()].filter((w) => w.task !== undefined),
  }
}

/** An order violation: `use` must not settle before `init` has. */
async function initThenUse({ scheduled }: ConcurrentContext): Promise<void> {
  const order: string[] = []
  const init = scheduled(async function init() {})
  const use = scheduled(async function use() {})
  await Promise.all([init().then(() => order.push('init')), use().then(() => order.push('use'))])
  if (order[0] !== 'init') throw new Error(`used before init: ${order.join(', ')}`)
}

describe('scheduled calls of the test body', () => {
  for (const race of [false, true]) {
    it(`are settled in an order exploration chooses, found and replayed (${race ? 'race' : 'stress'} mode)`, async () => {
      const r = await exploreRuns({ settings: settings({ race }), body: initThenUse, vitest })
      expect(r.failure).toBeDefined()
      expect((r.failure!.outcome.error as Error).message).toBe('used before init: use, init')
      const steps = r.failure!.outcome.steps
      expect(steps.map((s) => s.after)).toEqual(['scheduled use()', 'scheduled init()'])
      // The same seed and path play the same schedule again.
      if (r.failure!.path !== undefined) {
        const replay = await exploreRuns({ settings: settings({ race, path: r.failure!.path }), body: initThenUse, vitest })
        expect(replay.failure!.outcome.steps).toEqual(steps)
      }
    })
  }

  it('each call is a task named by what started it', async () => {
    const w = watched(initThenUse)
    const r = await exploreRuns({ settings: settings({ race: true }), body: w.body, vitest })
    expect(r.failure).toBeDefined()
    const tasks = w.tasks()
    expect(tasks.map((t) => t.task!.how)).toEqual(['scheduled init() call of the test body', 'scheduled use() call of the test body'])
    expect(tasks.every((t) => t.state === 'finished')).toBe(true)
  })

  it('a worker calling a scheduled function keeps its own scheduling point (no task)', async () => {
    const body = async ({ fanOut, scheduled }: ConcurrentContext): Promise<void> => {
      const save = scheduled(async function save() {})
      await fanOut(2, () => save())
    }
    const w = watched(body)
    const outcome = await runIteration({ settings: settings({ race: true }), seed: 1, iteration: 0, schedule: { kind: 'roundRobin' }, body: w.body, vitest })
    expect(outcome.failed).toBe(false)
    expect(w.tasks()).toEqual([])
    const points = outcome.steps.map((s) => `${s.worker} ${s.after}`)
    expect(points.filter((p) => p.endsWith('scheduled save()')).sort()).toEqual(['1 scheduled save()', '2 scheduled save()'])
  })
})

describe('calls with instrumented awaits in the test body (race mode)', () => {
  const source = `async function step(name) { await null; record(name + '1'); await null; record(name + '2') }
    out(async () => { begin(); await Promise.all([step('a'), step('b')]); end() })`

  it('are interleaved by exploration: more than one order of the two calls is seen', async () => {
    const orders = new Set<string>()
    let current: string[] = []
    const body = await compileCase('bodyOrders', source, {
      begin: () => (current = []),
      record: (s: string) => current.push(s),
      end: () => orders.add(current.join(' ')),
    })
    const r = await exploreRuns({ settings: settings({ race: true, iterations: 30 }), body, vitest })
    expect(r.failure).toBeUndefined()
    expect(orders.size).toBeGreaterThan(2)
    expect(orders).toContain('a1 b1 a2 b2')
    expect(orders).toContain('b1 b2 a1 a2')
  })

  it('in stress mode too (the transform instruments awaits and these calls): an order violation is found', async () => {
    const body = await compileCase(
      'bodyOrderStress',
      `// a concurrentTest file: import { concurrentTest } from 'vitest-race'
       const st = { ready: false }
       async function init() { await null; st.ready = true }
       async function use() { await null; if (!st.ready) throw new Error('used before init') }
       out(async () => { st.ready = false; await Promise.all([init(), use()]) })`,
      {},
      'awaits',
    )
    const r = await exploreRuns({ settings: settings({ race: false }), body, vitest })
    expect((r.failure?.outcome.error as Error | undefined)?.message).toBe('used before init')
    expect(r.failure!.failedRun).toBeGreaterThan(1)
  })

  it('a call left in flight and one awaited at once: only the first is a task', async () => {
    const body = await compileCase(
      'bodyInFlight',
      `async function later() { await null; record('later') }
       async function now() { await null; record('now') }
       out(async () => { const p = later(); await now(); await p })`,
      { record: () => {} },
    )
    const w = watched(body)
    const outcome = await runIteration({ settings: settings({ race: true }), seed: 1, iteration: 0, schedule: { kind: 'roundRobin' }, body: w.body, vitest })
    expect(outcome.failed).toBe(false)
    const tasks = w.tasks()
    expect(tasks.map((t) => t.task!.how)).toEqual(['later(…) not awaited at once'])
  })

  it('a task that throws fails the test with its error, unchanged', async () => {
    const boom = new Error('boom')
    const body = await compileCase(
      'bodyThrows',
      `async function fail() { await null; throw boom }
       async function ok() { await null }
       out(async () => { await Promise.all([ok(), fail(), ok()]) })`,
      { boom },
    )
    const outcome = await runIteration({ settings: settings({ race: true }), seed: 1, iteration: 0, schedule: { kind: 'roundRobin' }, body, vitest })
    expect(outcome.failed).toBe(true)
    expect(outcome.error).toBe(boom)
  })

  it('the iteration ends after a task nobody awaited', async () => {
    let done = false
    const body = await compileCase('bodyDropped', `async function slow() { await null; await null; finish() }
       out(async () => { slow() })`, { finish: () => (done = true) })
    const outcome = await runIteration({ settings: settings({ race: true }), seed: 1, iteration: 0, schedule: { kind: 'roundRobin' }, body, vitest })
    expect(outcome.failed).toBe(false)
    expect(done).toBe(true)
  })
})

describe('an inline async callback as tasks (H.t)', () => {
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor

  it('looks like the function it wraps: name, length, source text, AsyncFunction prototype', () => {
    const fn = async function load(a: number, b: number): Promise<number> {
      return a + b
    }
    const w = callbackAsTasks(fn, { how: 'async callback of items.map(…)' })
    expect(w.name).toBe('load')
    expect(w.length).toBe(2)
    expect(w.toString()).toBe(fn.toString())
    expect(w).toBeInstanceOf(AsyncFunction)
    expect(w.constructor).toBe(AsyncFunction)
    expect(Object.prototype.toString.call(w)).toBe('[object AsyncFunction]')
    // Like an async function: no prototype, not a constructor (libraries tell classes apart so).
    expect(Object.hasOwn(w, 'prototype')).toBe(Object.hasOwn(fn, 'prototype'))
    expect(() => new (w as unknown as new () => unknown)()).toThrow(TypeError)
  })

  it('outside a checked test it calls the function as it is: same this, same promise', async () => {
    let seen: unknown
    let made: Promise<number> | undefined
    const fn = function (this: unknown, n: number): Promise<number> {
      seen = this
      made = Promise.resolve(n * 2)
      return made
    }
    Object.setPrototypeOf(fn, AsyncFunction.prototype)
    const w = callbackAsTasks(fn as never, { how: 'x' })
    const self = {}
    const p = w.call(self, 21)
    expect(p).toBe(made)
    expect(seen).toBe(self)
    expect(await p).toBe(42)
  })

  it('in a concurrentTest body, each call is a task named by the call it was passed to', async () => {
    const body = await compileCase(
      'mapCallbacks',
      `out(async () => { await Promise.all([1, 2, 3].map(async (n) => { await null; return n })) })`,
    )
    const w = watched(body)
    const outcome = await runIteration({ settings: settings({ race: true }), seed: 1, iteration: 0, schedule: { kind: 'roundRobin' }, body: w.body, vitest })
    expect(outcome.failed).toBe(false)
    const tasks = w.tasks()
    expect(tasks.map((t) => t.task!.how)).toEqual(Array(3).fill('async callback of [1, 2, 3].map(…)'))
  })
})
