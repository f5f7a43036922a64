import type { ConformanceCase } from '../harness.js'
import { WaitGroup } from '../../../src/index.js'

export const cases: ConformanceCase[] = [
  {
    name: 'NoRaceWaitGroupDoneBeforeWait',
    body: async ({ track, fanOut, pause }) => {
      const parts = track([1, 2, 3], 'parts')
      const wg = new WaitGroup()
      wg.add(3)
      await fanOut(4, async (i) => {
        if (i < 3) {
          const v = parts[i]!
          await pause()
          parts[i] = v * 10
          wg.done()
          return
        }
        await wg.wait()
        const sum = parts[0]! + parts[1]! + parts[2]!
        await pause()
        parts[0] = sum
      })
    },
  },
  {
    name: 'NoRaceWaitGroupBodyWaitsForSpawned',
    body: async ({ track, spawn, pause, expect }) => {
      const o = track({ n: 0 }, 'o')
      const wg = new WaitGroup()
      wg.add(3)
      for (let i = 0; i < 3; i++) {
        void spawn(async () => {
          await pause()
          o.n++
          wg.done()
        })
      }
      await wg.wait()
      const v = o.n
      await pause()
      o.n = v + 1
      expect(o.n).toBe(4)
    },
  },
  {
    name: 'NoRaceWaitGroupDoneAfterLastWrite',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const wg = new WaitGroup()
      wg.add(2)
      await fanOut(3, async (i) => {
        if (i < 2) {
          await pause()
          o.n = i
          await pause()
          wg.done()
          return
        }
        await wg.wait()
        const v = o.n
        await pause()
        o.n = v + 1
      })
    },
  },
  {
    name: 'RaceWaitGroupDoneBeforeWrite',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const wg = new WaitGroup()
      wg.add(1)
      await fanOut(2, async (i) => {
        if (i === 0) {
          wg.done()
          await pause()
          o.n = 7
          return
        }
        await wg.wait()
        const v = o.n
        await pause()
        o.n = v + 1
      })
    },
  },
  {
    name: 'RaceWaitGroupWorkerNotCounted',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const wg = new WaitGroup()
      wg.add(1)
      await fanOut(3, async (i) => {
        if (i < 2) {
          await pause()
          o.n = i + 1
          if (i === 0) wg.done()
          return
        }
        await wg.wait()
        const v = o.n
        await pause()
        o.n = v + 1
      })
    },
  },
]
