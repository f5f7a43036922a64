/**
 * No leak (issue 12): once an iteration is over and one event-loop turn has passed (the
 * scheduler's last watch or deadlock check fires), nothing the library keeps holds its
 * IterationRun, detector or scheduler: a full GC collects them.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { expect, it } from 'vitest'
import { DEFAULT_SETTINGS } from '../../src/options.js'
import { runIteration } from '../../src/runtime/iteration-runner.js'
import { randomSchedule } from '../../src/runtime/strategies.js'
import { Mutex } from '../../src/sync/mutex.js'
import { currentContext } from '../../src/runtime/context.js'
import type { IterationRun } from '../../src/runtime/iteration.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** One race-mode iteration with workers, a mutex, an unawaited spawn and a failure; weak references to what it built. */
async function iteration(seed: number, fail: boolean): Promise<WeakRef<object>[]> {
  let run: IterationRun | undefined
  await runIteration({
    settings: { ...DEFAULT_SETTINGS, race: true },
    seed,
    iteration: 1,
    schedule: randomSchedule(seed),
    vitest: expect.getState() as never,
    body: async ({ fanOut, pause, track, spawn }) => {
      run = currentContext()!.run
      const state = track({ counts: {} as Record<string, number>, shared: 1 }, 'state')
      const mu = new Mutex()
      void spawn(async () => {
        await pause()
        await pause()
      })
      await fanOut(100, async (i) => {
        await mu.lock()
        const v = state.counts[`k${i}`] ?? 0
        await pause()
        state.counts[`k${i}`] = v + state.shared
        mu.unlock()
        if (fail && i === 50) throw new Error('fails')
      })
    },
  })
  const ran = run!
  run = undefined
  return [new WeakRef(ran), new WeakRef(ran.detector!), new WeakRef(ran.scheduler)]
}

async function turn(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve))
  await new Promise((resolve) => setTimeout(resolve, 50))
}

it('IterationRuns, detectors and schedulers are collected after their iteration', async () => {
  const refs: WeakRef<object>[] = []
  for (let seed = 1; seed <= 6; seed++) refs.push(...(await iteration(seed, seed % 2 === 0)))
  await turn()
  gc()
  await turn()
  gc()
  expect(refs.filter((r) => r.deref() !== undefined).length).toBe(0)
})
