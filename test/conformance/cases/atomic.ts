import type { ConformanceCase } from '../harness.js'
import { Atomic } from '../../../src/index.js'

export const cases: ConformanceCase[] = [
  {
    name: 'NoRaceAtomicFlagPublishesData',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ data: 0 }, 'o')
      const ready = new Atomic(false)
      await fanOut(2, async (i) => {
        if (i === 0) {
          const v = o.data
          await pause()
          o.data = v + 1
          ready.store(true)
          return
        }
        while (!ready.load()) await pause()
        const v = o.data
        await pause()
        o.data = v * 2
      })
    },
  },
  {
    name: 'NoRaceAtomicCompareAndSwapSpinLock',
    body: async ({ track, fanOut, pause, expect }) => {
      const o = track({ n: 0 }, 'o')
      const lock = new Atomic(0)
      await fanOut(3, async () => {
        while (!lock.compareAndSwap(0, 1)) await pause()
        const v = o.n
        await pause()
        o.n = v + 1
        lock.store(0)
      })
      expect(o.n).toBe(3)
    },
  },
  {
    name: 'NoRaceAtomicAddCountsFinishedWorkers',
    body: async ({ track, fanOut, pause }) => {
      const parts = track([1, 2, 3], 'parts')
      const finished = new Atomic(0)
      await fanOut(4, async (i) => {
        if (i < 3) {
          const v = parts[i]!
          await pause()
          parts[i] = v + 1
          finished.add(1)
          return
        }
        while (finished.load() < 3) await pause()
        const first = parts[0]!
        await pause()
        parts[0] = first + parts[1]! + parts[2]!
      })
    },
  },
  {
    name: 'NoRaceAtomicSwapTakesOwnership',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const baton = new Atomic(1)
      await fanOut(3, async () => {
        while (baton.swap(0) === 0) await pause()
        const v = o.n
        await pause()
        o.n = v + 1
        baton.swap(1)
      })
    },
  },
  {
    name: 'RaceAtomicFlagSetBeforeDataWrite',
    locations: ['o.data'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ data: 0 }, 'o')
      const ready = new Atomic(false)
      await fanOut(2, async (i) => {
        if (i === 0) {
          ready.store(true)
          await pause()
          o.data = 1
          return
        }
        while (!ready.load()) await pause()
        const v = o.data
        await pause()
        o.data = v + 1
      })
    },
  },
  {
    name: 'RaceAtomicCounterDoesNotGuardField',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const calls = new Atomic(0)
      await fanOut(2, async () => {
        calls.add(1)
        const v = o.n
        await pause()
        calls.add(1)
        o.n = v + 1
      })
    },
  },
  {
    name: 'RaceAtomicSpinLockReleasedEarly',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const lock = new Atomic(0)
      await fanOut(2, async () => {
        while (!lock.compareAndSwap(0, 1)) await pause()
        const v = o.n
        lock.store(0)
        await pause()
        o.n = v + 1
      })
    },
  },
]
