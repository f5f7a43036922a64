import type { ConformanceCase } from '../harness.js'

export const cases: ConformanceCase[] = [
  {
    name: 'NoRaceForkOrdersBodyBeforeWorkers',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const v = o.n
      await pause()
      o.n = v + 1
      await fanOut(1, async () => {
        const w = o.n
        await pause()
        o.n = w + 1
      })
    },
  },
  {
    name: 'NoRaceJoinOrdersWorkersBeforeBody',
    body: async ({ track, fanOut, pause, expect }) => {
      const o = track({ n: 0 }, 'o')
      await fanOut(3, async () => {
        await pause()
        o.n++
      })
      const v = o.n
      await pause()
      o.n = v * 2
      expect(o.n).toBe(6)
    },
  },
  {
    name: 'NoRaceSequentialFanOuts',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const update = async () => {
        const v = o.n
        await pause()
        o.n = v + 1
      }
      await fanOut(1, update)
      await fanOut(1, update)
    },
  },
  {
    name: 'NoRaceSpawnJoinedBeforeNext',
    body: async ({ track, spawn, pause, expect }) => {
      const o = track({ n: 0 }, 'o')
      const update = async () => {
        const v = o.n
        await pause()
        o.n = v + 1
      }
      await spawn(update)
      await spawn(update)
      expect(o.n).toBe(2)
    },
  },
  {
    name: 'NoRaceSpawnJoinedViaThen',
    body: async ({ track, spawn, pause }) => {
      const o = track({ n: 0 }, 'o')
      const update = async () => {
        const v = o.n
        await pause()
        o.n = v + 1
      }
      await spawn(update).then(() => undefined)
      await update()
    },
  },
  {
    name: 'NoRaceNestedSpawnJoinedByParent',
    body: async ({ track, fanOut, spawn, pause }) => {
      const o = track({ n: 0 }, 'o')
      await fanOut(1, async () => {
        await spawn(async () => {
          const v = o.n
          await pause()
          o.n = v + 1
        })
        const v = o.n
        await pause()
        o.n = v + 1
      })
    },
  },
  {
    name: 'RaceConcurrentFanOuts',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const update = async () => {
        const v = o.n
        await pause()
        o.n = v + 1
      }
      await Promise.all([fanOut(1, update), fanOut(1, update)])
    },
  },
  {
    name: 'RaceSpawnNotYetJoined',
    locations: ['o.n'],
    body: async ({ track, spawn, pause }) => {
      const o = track({ n: 0 }, 'o')
      const update = async () => {
        const v = o.n
        await pause()
        o.n = v + 1
      }
      const p = spawn(update)
      await update()
      await p
    },
  },
  {
    name: 'RaceBodyWriteAfterFork',
    locations: ['o.n'],
    body: async ({ track, spawn, pause }) => {
      const o = track({ n: 0 }, 'o')
      const p = spawn(async () => {
        const v = o.n
        await pause()
        o.n = v + 1
      })
      o.n = 5
      await p
    },
  },
  {
    name: 'RaceNestedSpawnJoinedTooLate',
    locations: ['o.n'],
    body: async ({ track, fanOut, spawn, pause }) => {
      const o = track({ n: 0 }, 'o')
      await fanOut(1, async () => {
        const child = spawn(async () => {
          const v = o.n
          await pause()
          o.n = v + 1
        })
        const v = o.n
        await pause()
        o.n = v + 1
        await child
      })
    },
  },
]
