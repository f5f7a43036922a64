import type { ConformanceCase } from '../harness.js'
import { Mutex } from '../../../src/index.js'

export const cases: ConformanceCase[] = [
  {
    name: 'NoRaceMutexRunExclusive',
    body: async ({ track, fanOut, pause, expect }) => {
      const o = track({ n: 0 }, 'o')
      const mu = new Mutex()
      await fanOut(4, () =>
        mu.runExclusive(async () => {
          const v = o.n
          await pause()
          o.n = v + 1
        }),
      )
      expect(o.n).toBe(4)
    },
  },
  {
    name: 'NoRaceMutexLockUnlock',
    body: async ({ track, fanOut, scheduled }) => {
      const o = track({ n: 0 }, 'o')
      const mu = new Mutex()
      const io = scheduled(async function io() {})
      await fanOut(3, async () => {
        await mu.lock()
        try {
          const v = o.n
          await io()
          o.n = v + 1
        } finally {
          mu.unlock()
        }
      })
    },
  },
  {
    name: 'NoRaceMutexGuardsMapEntry',
    body: async ({ track, fanOut, pause }) => {
      const m = track(new Map<string, number>(), 'm')
      const mu = new Mutex()
      await fanOut(3, () =>
        mu.runExclusive(async () => {
          const v = m.get('k') ?? 0
          await pause()
          m.set('k', v + 1)
        }),
      )
    },
  },
  {
    name: 'NoRaceMutexTenWorkersHandOff',
    body: async ({ track, fanOut, pause, expect }) => {
      const arr = track<number[]>([], 'arr')
      const mu = new Mutex()
      await fanOut(10, (i) =>
        mu.runExclusive(async () => {
          const n = arr.length
          await pause()
          arr[n] = i
        }),
      )
      expect(arr).toHaveLength(10)
    },
  },
  {
    name: 'RaceMutexReadOutsideLock',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const mu = new Mutex()
      await fanOut(2, async () => {
        const v = o.n
        await pause()
        await mu.runExclusive(() => {
          o.n = v + 1
        })
      })
    },
  },
  {
    name: 'RaceMutexSplitCriticalSection',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const mu = new Mutex()
      await fanOut(4, async () => {
        const v = await mu.runExclusive(() => o.n)
        await pause()
        await mu.runExclusive(() => {
          o.n = v + 1
        })
      })
    },
  },
  {
    name: 'RaceMutexWriteAfterUnlock',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const mu = new Mutex()
      await fanOut(2, async () => {
        await mu.lock()
        const v = o.n
        await pause()
        mu.unlock()
        o.n = v + 1
      })
    },
  },
  {
    name: 'RaceMutexDifferentMutexes',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const mus = [new Mutex(), new Mutex()]
      await fanOut(2, (i) =>
        mus[i]!.runExclusive(async () => {
          const v = o.n
          await pause()
          o.n = v + 1
        }),
      )
    },
  },
  {
    name: 'RaceMutexOneWorkerSkipsLock',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const mu = new Mutex()
      const update = async () => {
        const v = o.n
        await pause()
        o.n = v + 1
      }
      await fanOut(2, (i) => (i === 0 ? mu.runExclusive(update) : update()))
    },
  },
]
