import type { ConformanceCase } from '../harness.js'
import { Atomic, Channel, Mutex, WaitGroup } from '../../../src/index.js'
import { deferred } from './helpers.js'

export const cases: ConformanceCase[] = [
  {
    name: 'NoRaceTransitivePromiseChain',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const p1 = deferred()
      const p2 = deferred()
      await fanOut(3, async (i) => {
        if (i === 0) {
          const v = o.n
          await pause()
          o.n = v + 1
          p1.resolve()
        } else if (i === 1) {
          await p1.promise
          await pause()
          p2.resolve()
        } else {
          await p2.promise
          const v = o.n
          await pause()
          o.n = v + 1
        }
      })
    },
  },
  {
    name: 'NoRaceTransitiveForkChain',
    body: async ({ track, spawn, pause }) => {
      const o = track({ n: 0 }, 'o')
      const update = async () => {
        const v = o.n
        await pause()
        o.n = v + 1
      }
      await spawn(async () => {
        await update()
        await spawn(async () => {
          await update()
          await spawn(update)
        })
      })
    },
  },
  {
    name: 'NoRaceTransitiveChannelThenWaitGroup',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const ch = new Channel<void>(1)
      const wg = new WaitGroup()
      wg.add(1)
      await fanOut(3, async (i) => {
        if (i === 0) {
          const v = o.n
          await pause()
          o.n = v + 1
          await ch.send()
        } else if (i === 1) {
          await ch.receive()
          wg.done()
        } else {
          await wg.wait()
          const v = o.n
          await pause()
          o.n = v + 1
        }
      })
    },
  },
  {
    name: 'NoRaceTransitiveThroughAtomics',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const f1 = new Atomic(0)
      const f2 = new Atomic(0)
      await fanOut(3, async (i) => {
        if (i === 0) {
          const v = o.n
          await pause()
          o.n = v + 1
          f1.store(1)
        } else if (i === 1) {
          while (f1.load() === 0) await pause()
          f2.store(1)
        } else {
          while (f2.load() === 0) await pause()
          const v = o.n
          await pause()
          o.n = v + 1
        }
      })
    },
  },
  {
    name: 'NoRaceTransitiveMutexThenPromise',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const mu = new Mutex()
      const both = [deferred(), deferred()]
      await fanOut(3, async (i) => {
        if (i < 2) {
          await mu.runExclusive(async () => {
            const v = o.n
            await pause()
            o.n = v + 1
          })
          both[i]!.resolve()
          return
        }
        await Promise.all(both.map((d) => d.promise))
        const v = o.n
        await pause()
        o.n = v + 1
      })
    },
  },
  {
    name: 'RaceTransitiveMiddleReleasesBeforeAcquire',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const p1 = deferred()
      const p2 = deferred()
      await fanOut(3, async (i) => {
        if (i === 0) {
          const v = o.n
          await pause()
          o.n = v + 1
          p1.resolve()
        } else if (i === 1) {
          p2.resolve()
          await p1.promise
        } else {
          await p2.promise
          const v = o.n
          await pause()
          o.n = v + 1
        }
      })
    },
  },
  {
    name: 'RaceTransitiveOnlyOneBranchSignals',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const ch = new Channel<void>(2)
      await fanOut(3, async (i) => {
        if (i < 2) {
          await pause()
          o.n = i + 1
          if (i === 0) await ch.send()
          return
        }
        await ch.receive()
        const v = o.n
        await pause()
        o.n = v + 1
      })
    },
  },
]
