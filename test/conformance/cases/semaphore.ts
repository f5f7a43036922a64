import type { ConformanceCase } from '../harness.js'
import { Semaphore } from '../../../src/index.js'

export const cases: ConformanceCase[] = [
  {
    name: 'NoRaceSemaphoreOfOneIsMutex',
    body: async ({ track, fanOut, pause, expect }) => {
      const o = track({ n: 0 }, 'o')
      const sem = new Semaphore(1)
      await fanOut(4, () =>
        sem.runExclusive(async () => {
          const v = o.n
          await pause()
          o.n = v + 1
        }),
      )
      expect(o.n).toBe(4)
    },
  },
  {
    name: 'NoRaceSemaphoreAcquireRelease',
    body: async ({ track, fanOut, scheduled }) => {
      const m = track(new Map<string, number>(), 'm')
      const sem = new Semaphore(1)
      const io = scheduled(async function io() {})
      await fanOut(3, async () => {
        await sem.acquire()
        const v = m.get('k') ?? 0
        await io()
        m.set('k', v + 1)
        sem.release()
      })
    },
  },
  {
    name: 'NoRaceSemaphoreTwoPermitsOwnSlots',
    body: async ({ track, fanOut, pause }) => {
      const slots = track([0, 0, 0, 0], 'slots')
      const sem = new Semaphore(2)
      await fanOut(4, (i) =>
        sem.runExclusive(async () => {
          const v = slots[i]!
          await pause()
          slots[i] = v + 1
        }),
      )
    },
  },
  {
    name: 'RaceSemaphoreTwoHolders',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const sem = new Semaphore(2)
      let holders = 0
      await fanOut(2, () =>
        sem.runExclusive(async () => {
          holders++
          while (holders < 2) await pause()
          const v = o.n
          await pause()
          o.n = v + 1
        }),
      )
    },
  },
  {
    name: 'RaceSemaphoreReleasedBeforeWrite',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const sem = new Semaphore(1)
      await fanOut(2, async () => {
        await sem.acquire()
        const v = o.n
        await pause()
        sem.release()
        o.n = v + 1
      })
    },
  },
  {
    name: 'RaceSemaphoreThreeWorkersTwoPermits',
    locations: ['o.n'],
    body: async ({ track, fanOut, scheduled }) => {
      const o = track({ n: 0 }, 'o')
      const sem = new Semaphore(2)
      const io = scheduled(async function io() {})
      await fanOut(3, async () => {
        await sem.acquire()
        const v = o.n
        await io()
        o.n = v + 1
        sem.release()
      })
    },
  },
]
