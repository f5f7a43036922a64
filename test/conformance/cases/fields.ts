import type { ConformanceCase } from '../harness.js'

export const cases: ConformanceCase[] = [
  {
    name: 'RaceFieldReadPauseWrite',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      await fanOut(2, async () => {
        const v = o.n
        await pause()
        o.n = v + 1
      })
    },
  },
  {
    name: 'RaceFieldReadScheduledIoWrite',
    locations: ['o.n'],
    body: async ({ track, fanOut, scheduled }) => {
      const o = track({ n: 0 }, 'o')
      const io = scheduled(async function save() {})
      await fanOut(3, async () => {
        const v = o.n
        await io()
        o.n = v + 1
      })
    },
  },
  {
    name: 'RaceFieldNestedObject',
    locations: ['o.a.b.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ a: { b: { n: 0 } } }, 'o')
      await fanOut(2, async (i) => {
        const v = o.a.b.n
        await pause()
        o.a.b.n = v + i
      })
    },
  },
  {
    name: 'RaceFieldStaleMax',
    locations: ['o.max'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ max: 0 }, 'o')
      await fanOut(3, async (i) => {
        const seen = o.max
        await pause()
        o.max = Math.max(seen, i)
      })
    },
  },
  {
    name: 'RaceFieldKeysThenAddKey',
    locations: ['Object.keys(o)'],
    body: async ({ track, fanOut, pause }) => {
      const o = track<Record<string, number>>({}, 'o')
      await fanOut(2, async (i) => {
        const count = Object.keys(o).length
        await pause()
        o[`k${i}`] = count
      })
    },
  },
  {
    name: 'RaceFieldReadTwoAwaitsWrite',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      await fanOut(2, async () => {
        const v = o.n
        await pause()
        await pause()
        o.n = v + 1
      })
    },
  },
  {
    name: 'NoRaceFieldIncrementInOneTurn',
    body: async ({ track, fanOut, pause, expect }) => {
      const o = track({ n: 0 }, 'o')
      await fanOut(4, async () => {
        await pause()
        o.n++
        await pause()
        o.n = o.n + 1
      })
      expect(o.n).toBe(8)
    },
  },
  {
    name: 'NoRaceFieldRereadAfterAwait',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 1 }, 'o')
      await fanOut(3, async () => {
        const before = o.n
        await pause()
        o.n = o.n + before
      })
    },
  },
  {
    name: 'NoRaceFieldBlindWrites',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      await fanOut(3, async (i) => {
        await pause()
        o.n = i
      })
    },
  },
  {
    name: 'NoRaceFieldReadVersusWrite',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0, seen: [] as number[] }, 'o')
      await fanOut(2, async (i) => {
        if (i === 0) {
          const a = o.n
          await pause()
          const b = o.n
          return a + b
        }
        await pause()
        o.n = 5
        return 0
      })
    },
  },
  {
    name: 'NoRaceFieldDistinctFields',
    body: async ({ track, fanOut, pause }) => {
      const o = track<Record<string, number>>({ f0: 0, f1: 0, f2: 0, f3: 0 }, 'o')
      await fanOut(4, async (i) => {
        const v = o[`f${i}`]!
        await pause()
        o[`f${i}`] = v + 1
      })
    },
  },
  {
    name: 'NoRaceFieldAddDistinctKeys',
    body: async ({ track, fanOut, pause, expect }) => {
      const o = track<Record<string, number>>({}, 'o')
      await fanOut(4, async (i) => {
        await pause()
        o[`k${i}`] = i
      })
      expect(Object.keys(o)).toHaveLength(4)
    },
  },
]
