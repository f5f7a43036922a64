import { EventEmitter } from 'node:events'
import type { ConformanceCase } from '../harness.js'
import { deferred } from './helpers.js'

export const cases: ConformanceCase[] = [
  {
    name: 'NoRaceNodePromiseExecutorRunsSynchronously',
    body: async ({ track, fanOut, pause, expect }) => {
      const o = track({ n: 0 }, 'o')
      await fanOut(3, async () => {
        await pause()
        const v = o.n
        await new Promise<void>((resolve) => {
          o.n = v + 1
          resolve()
        })
      })
      expect(o.n).toBe(3)
    },
  },
  {
    name: 'NoRaceNodeAsyncFunctionPrefixRunsSynchronously',
    body: async ({ track, fanOut, pause, expect }) => {
      const o = track({ n: 0 }, 'o')
      const bump = async () => {
        const v = o.n
        o.n = v + 1
        await pause()
      }
      await fanOut(3, async () => {
        await pause()
        await bump()
      })
      expect(o.n).toBe(3)
    },
  },
  {
    name: 'NoRaceNodeEventEmitterDeliversSynchronously',
    body: async ({ track, fanOut, pause, expect }) => {
      const o = track({ n: 0 }, 'o')
      const em = new EventEmitter()
      em.on('hit', () => {
        o.n = o.n + 1
      })
      await fanOut(3, async () => {
        await pause()
        const before = o.n
        em.emit('hit')
        expect(o.n).toBe(before + 1)
      })
      expect(o.n).toBe(3)
    },
  },
  {
    name: 'NoRaceNodeNextTickBeforeSetImmediate',
    body: async ({ track, fanOut, pause, expect }) => {
      const o = track({ n: 0 }, 'o')
      const done = deferred()
      await fanOut(2, async (i) => {
        if (i === 0) {
          setImmediate(() => {
            o.n = o.n * 2
            done.resolve()
          })
          process.nextTick(() => {
            o.n = o.n + 1
          })
          await done.promise
          return
        }
        await done.promise
        const v = o.n
        await pause()
        o.n = v + 10
      })
      expect(o.n).toBe(12)
    },
  },
  {
    name: 'NoRaceNodeThenCallbacksRunInRegistrationOrder',
    body: async ({ track, fanOut, pause, expect }) => {
      const o = track({ n: 0 }, 'o')
      const gate = deferred()
      const registered = deferred()
      const first = deferred()
      await fanOut(2, async (i) => {
        if (i === 0) {
          void gate.promise.then(() => {
            o.n = 1
            first.resolve()
          })
          registered.resolve()
          await pause()
          gate.resolve()
          return
        }
        await registered.promise
        await gate.promise.then(async () => {
          await first.promise
          const v = o.n
          await pause()
          o.n = v + 1
        })
      })
      expect(o.n).toBe(2)
    },
  },
  {
    name: 'NoRaceNodeTimerCallbackResolvesHandOff',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const handed = deferred()
      await fanOut(2, async (i) => {
        if (i === 0) {
          await new Promise((r) => setTimeout(r, 0))
          const v = o.n
          await pause()
          setTimeout(() => {
            o.n = v + 1
            handed.resolve()
          }, 0)
          await handed.promise
          return
        }
        await handed.promise
        const v = o.n
        await pause()
        o.n = v + 1
      })
    },
  },
  {
    name: 'NoRaceNodeQueueMicrotaskBeforeAwaitContinuation',
    body: async ({ track, fanOut, pause }) => {
      const slots = track([0, 0, 0], 'slots')
      await fanOut(3, async (i) => {
        await pause()
        queueMicrotask(() => {
          slots[i] = 1
        })
        await null
        slots[i] = slots[i]! + 1
      })
    },
  },
  {
    name: 'RaceNodeSetImmediateSplitsTheTurn',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      await fanOut(2, async () => {
        await pause()
        const v = o.n
        await new Promise<void>((resolve) =>
          setImmediate(() => {
            o.n = v + 1
            resolve()
          }),
        )
      })
    },
  },
  {
    name: 'RaceNodeThenCallbackIsALaterTurn',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      await fanOut(2, async () => {
        await pause()
        const v = o.n
        await Promise.resolve().then(() => {
          o.n = v + 1
        })
      })
    },
  },
]
