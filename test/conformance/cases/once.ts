import type { ConformanceCase } from '../harness.js'
import { Once } from '../../../src/index.js'

export const cases: ConformanceCase[] = [
  {
    name: 'NoRaceOnceRunsInitOnce',
    body: async ({ track, fanOut, pause, expect }) => {
      const o = track({ runs: 0 }, 'o')
      const once = new Once<number>()
      const results = await fanOut(5, () =>
        once.do(async () => {
          const r = o.runs
          await pause()
          o.runs = r + 1
          return 42
        }),
      )
      expect(o.runs).toBe(1)
      expect(results).toEqual([42, 42, 42, 42, 42])
    },
  },
  {
    name: 'NoRaceOnceInitBeforeIncrements',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const once = new Once<void>()
      await fanOut(4, async () => {
        await once.do(async () => {
          const v = o.n
          await pause()
          o.n = v + 100
        })
        await pause()
        o.n++
      })
    },
  },
  {
    name: 'NoRaceOnceInitThenReplaceResult',
    body: async ({ track, fanOut, pause }) => {
      const state = track({ cache: undefined as { hits: number } | undefined }, 'state')
      const once = new Once<{ hits: number }>()
      await fanOut(3, async () => {
        const first = await once.do(async () => {
          const prev = state.cache
          await pause()
          state.cache = prev ?? { hits: 0 }
          return state.cache
        })
        await pause()
        state.cache = { hits: state.cache!.hits + first.hits + 1 }
      })
    },
  },
  {
    name: 'RaceOnceSeparateOncePerWorker',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const onces = [new Once<void>(), new Once<void>()]
      await fanOut(2, (i) =>
        onces[i]!.do(async () => {
          const v = o.n
          await pause()
          o.n = v + 1
        }),
      )
    },
  },
  {
    name: 'RaceOnceWriteOutsideOnce',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const once = new Once<void>()
      await fanOut(2, async (i) => {
        if (i === 1) {
          await pause()
          o.n = -1
          return
        }
        await once.do(async () => {
          const v = o.n
          await pause()
          o.n = v + 1
        })
      })
    },
  },
  {
    name: 'RaceOnceDoesNotGuardCodeAfterDo',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const once = new Once<void>()
      await fanOut(3, async () => {
        await once.do(async () => {
          await pause()
        })
        const v = o.n
        await pause()
        o.n = v + 1
      })
    },
  },
]
