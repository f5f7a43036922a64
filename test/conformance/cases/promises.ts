import type { ConformanceCase } from '../harness.js'
import { deferred } from './helpers.js'

export const cases: ConformanceCase[] = [
  {
    name: 'NoRacePromiseDeferredResolvedByOtherWorker',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const ready = deferred()
      await fanOut(2, async (i) => {
        if (i === 0) {
          const v = o.n
          await pause()
          o.n = v + 1
          ready.resolve()
          return
        }
        await ready.promise
        const v = o.n
        await pause()
        o.n = v + 1
      })
    },
  },
  {
    name: 'NoRacePromiseAllOrdersEveryResolver',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const done = [deferred(), deferred()]
      await fanOut(3, async (i) => {
        if (i < 2) {
          await pause()
          o.n++
          done[i]!.resolve()
          return
        }
        await Promise.all(done.map((d) => d.promise))
        const v = o.n
        await pause()
        o.n = v * 2
      })
    },
  },
  {
    name: 'NoRacePromiseThenCallbackAfterResolve',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const value = deferred<number>()
      await fanOut(2, async (i) => {
        if (i === 0) {
          const v = o.n
          await pause()
          o.n = v + 1
          value.resolve(5)
          return
        }
        await value.promise.then(async (d) => {
          const v = o.n
          await pause()
          o.n = v + d
        })
      })
    },
  },
  {
    name: 'NoRacePromiseAwaitAsyncResultFromOtherWorker',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const box: { p?: Promise<void> } = {}
      await fanOut(2, async (i) => {
        if (i === 0) {
          box.p = (async () => {
            const v = o.n
            await pause()
            o.n = v + 1
          })()
          await box.p
          return
        }
        while (box.p === undefined) await pause()
        await box.p
        const v = o.n
        await pause()
        o.n = v + 1
      })
    },
  },
  {
    name: 'NoRacePromiseRejectionHandsOff',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const failed = deferred()
      await fanOut(2, async (i) => {
        if (i === 0) {
          const v = o.n
          await pause()
          o.n = v + 1
          failed.reject(new Error('boom'))
          return
        }
        await failed.promise.catch(() => undefined)
        const v = o.n
        await pause()
        o.n = v + 1
      })
    },
  },
  {
    name: 'RacePromiseResolvedBeforeWrite',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const ready = deferred()
      await fanOut(2, async (i) => {
        if (i === 0) {
          ready.resolve()
          await pause()
          o.n = 5
          return
        }
        await ready.promise
        const v = o.n
        await pause()
        o.n = v + 1
      })
    },
  },
  {
    name: 'NoRacePromiseRaceOrdersTheWinner',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const won = deferred()
      const never = deferred()
      await fanOut(2, async (i) => {
        if (i === 0) {
          const v = o.n
          await pause()
          o.n = v + 1
          won.resolve()
          return
        }
        await Promise.race([won.promise, never.promise])
        const v = o.n
        await pause()
        o.n = v + 10
      })
    },
  },
  {
    name: 'RacePromiseRaceLoserNotOrdered',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const won = deferred()
      const lost = deferred()
      const reading = deferred()
      await fanOut(3, async (i) => {
        if (i === 0) {
          await pause()
          won.resolve()
        } else if (i === 1) {
          await reading.promise
          o.n = 2
          lost.resolve()
        } else {
          await Promise.race([won.promise, lost.promise])
          const v = o.n
          reading.resolve()
          await pause()
          o.n = v + 10
        }
      })
    },
  },
  {
    name: 'RacePromiseAlreadyResolvedIsNotAnEdge',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const settled = Promise.resolve()
      await fanOut(2, async () => {
        await settled
        const v = o.n
        await pause()
        o.n = v + 1
      })
    },
  },
  {
    name: 'RacePromiseSchedulerWakeIsNotAnEdge',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause, scheduled }) => {
      const o = track({ n: 0 }, 'o')
      const io = scheduled(async function io() {})
      await fanOut(2, async (i) => {
        await (i === 0 ? pause() : io())
        const v = o.n
        await pause()
        await io()
        o.n = v + 1
      })
    },
  },
  {
    name: 'RacePromiseUnrelatedDeferred',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const a = deferred()
      const b = deferred()
      await fanOut(3, async (i) => {
        if (i === 0) {
          const v = o.n
          await pause()
          o.n = v + 1
          a.resolve()
        } else if (i === 1) {
          await pause()
          b.resolve()
        } else {
          await b.promise
          const v = o.n
          await pause()
          o.n = v + 1
        }
      })
    },
  },
]
