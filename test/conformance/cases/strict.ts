import type { ConformanceCase } from '../harness.js'
import { Atomic, Channel, Mutex, Once, RWMutex, Semaphore, WaitGroup } from '../../../src/index.js'
import { deferred } from './helpers.js'

export const cases: ConformanceCase[] = [
  {
    name: 'RaceStrictBlindWrites',
    locations: ['o.n'],
    semantics: 'strict',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      await fanOut(2, async (i) => {
        await pause()
        o.n = i
      })
    },
  },
  {
    name: 'RaceStrictReadVersusWrite',
    locations: ['o.n'],
    semantics: 'strict',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      await fanOut(2, async (i) => {
        await pause()
        if (i === 0) return o.n
        o.n = 1
        return 1
      })
    },
  },
  {
    name: 'RaceStrictIncrementInOneTurn',
    locations: ['o.n'],
    semantics: 'strict',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      await fanOut(2, async () => {
        await pause()
        o.n++
      })
    },
  },
  {
    name: 'RaceStrictPushFromTwoWorkers',
    locations: ['arr.length'],
    semantics: 'strict',
    body: async ({ track, fanOut, pause }) => {
      const arr = track<number[]>([], 'arr')
      await fanOut(2, async (i) => {
        await pause()
        arr.push(i)
      })
    },
  },
  {
    name: 'RaceStrictMapBlindSets',
    locations: ['m.get("k")'],
    semantics: 'strict',
    body: async ({ track, fanOut, pause }) => {
      const m = track(new Map<string, number>([['k', 0]]), 'm')
      await fanOut(2, async (i) => {
        await pause()
        m.set('k', i)
      })
    },
  },
  {
    name: 'RaceStrictReadBeforeWaitGroupWait',
    locations: ['o.n'],
    semantics: 'strict',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const wg = new WaitGroup()
      wg.add(1)
      await fanOut(2, async (i) => {
        if (i === 0) {
          await pause()
          o.n = 1
          wg.done()
          return 0
        }
        const early = o.n
        await wg.wait()
        return early + o.n
      })
    },
  },
  {
    name: 'RaceStrictReadBeforeAtomicLoad',
    locations: ['o.data'],
    semantics: 'strict',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ data: 0 }, 'o')
      const ready = new Atomic(false)
      await fanOut(2, async (i) => {
        if (i === 0) {
          o.data = 42
          ready.store(true)
          return 0
        }
        const d = o.data
        while (!ready.load()) await pause()
        return d
      })
    },
  },
  {
    name: 'RaceStrictSemaphoreTwoPermits',
    locations: ['o.n'],
    semantics: 'strict',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const sem = new Semaphore(2)
      let holders = 0
      await fanOut(2, (i) =>
        sem.runExclusive(async () => {
          holders++
          while (holders < 2) await pause()
          o.n = i
        }),
      )
    },
  },
  {
    name: 'NoRaceStrictReadersOnly',
    semantics: 'strict',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 1, list: [1, 2], m: new Map([['a', 1]]) }, 'o')
      await fanOut(3, async () => {
        await pause()
        return o.n + o.list.length + o.list[1]! + (o.m.get('a') ?? 0) + o.m.size
      })
    },
  },
  {
    name: 'NoRaceStrictMutexOrdersBlindWrites',
    semantics: 'strict',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const mu = new Mutex()
      await fanOut(3, async (i) => {
        await pause()
        await mu.runExclusive(() => {
          o.n = i
        })
      })
    },
  },
  {
    name: 'NoRaceStrictForkJoin',
    semantics: 'strict',
    body: async ({ track, fanOut, pause, expect }) => {
      const o = track({ n: 0 }, 'o')
      o.n = 1
      await fanOut(1, async () => {
        await pause()
        o.n = o.n + 1
      })
      expect(o.n).toBe(2)
    },
  },
  {
    name: 'NoRaceStrictDistinctLocations',
    semantics: 'strict',
    body: async ({ track, fanOut, pause }) => {
      const arr = track([0, 0, 0], 'arr')
      await fanOut(3, async (i) => {
        await pause()
        arr[i] = arr[i]! + i
      })
    },
  },
  {
    name: 'NoRaceStrictChannelHandOff',
    semantics: 'strict',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ data: 0 }, 'o')
      const ch = new Channel<void>()
      await fanOut(2, async (i) => {
        if (i === 0) {
          await pause()
          o.data = 1
          await ch.send()
          return
        }
        await ch.receive()
        o.data = o.data + 1
      })
    },
  },
  {
    name: 'NoRaceStrictRWMutexReadersAndWriter',
    semantics: 'strict',
    body: async ({ track, fanOut, pause }) => {
      const cfg = track({ version: 0 }, 'cfg')
      const rw = new RWMutex()
      await fanOut(4, async (i) => {
        await pause()
        if (i === 0) {
          await rw.lock()
          cfg.version = 1
          rw.unlock()
          return 1
        }
        await rw.rLock()
        const v = cfg.version
        rw.rUnlock()
        return v
      })
    },
  },
  {
    name: 'NoRaceStrictOnceInitThenRead',
    semantics: 'strict',
    body: async ({ track, fanOut, pause }) => {
      const cfg = track({ url: '' }, 'cfg')
      const once = new Once<void>()
      await fanOut(3, async () => {
        await once.do(async () => {
          await pause()
          cfg.url = 'db://local'
        })
        return cfg.url
      })
    },
  },
  {
    name: 'NoRaceStrictPromiseHandOff',
    semantics: 'strict',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ data: 0 }, 'o')
      const ready = deferred<number>()
      await fanOut(2, async (i) => {
        if (i === 0) {
          await pause()
          o.data = 7
          ready.resolve(1)
          return
        }
        const d = await ready.promise
        o.data = o.data + d
      })
    },
  },
  {
    name: 'NoRaceStrictAtomicSpinWait',
    semantics: 'strict',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ data: 0 }, 'o')
      const ready = new Atomic(false)
      await fanOut(2, async (i) => {
        if (i === 0) {
          await pause()
          o.data = 42
          ready.store(true)
          return 0
        }
        while (!ready.load()) await pause()
        return o.data
      })
    },
  },
]
