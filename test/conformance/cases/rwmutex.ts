import type { ConformanceCase } from '../harness.js'
import { RWMutex } from '../../../src/index.js'

export const cases: ConformanceCase[] = [
  {
    name: 'NoRaceRWMutexWritersExclusive',
    body: async ({ track, fanOut, pause, expect }) => {
      const o = track({ n: 0 }, 'o')
      const rw = new RWMutex()
      await fanOut(3, async () => {
        await rw.lock()
        const v = o.n
        await pause()
        o.n = v + 1
        rw.unlock()
      })
      expect(o.n).toBe(3)
    },
  },
  {
    name: 'NoRaceRWMutexReadersWithWriter',
    body: async ({ track, fanOut, pause }) => {
      const cfg = track({ version: 0 }, 'cfg')
      const rw = new RWMutex()
      await fanOut(4, async (i) => {
        if (i === 0) {
          await rw.lock()
          const v = cfg.version
          await pause()
          cfg.version = v + 1
          rw.unlock()
          return v
        }
        await rw.rLock()
        const a = cfg.version
        await pause()
        const b = cfg.version
        rw.rUnlock()
        return a + b
      })
    },
  },
  {
    name: 'NoRaceRWMutexRecheckUnderWriteLock',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const rw = new RWMutex()
      await fanOut(3, async () => {
        await rw.rLock()
        const seen = o.n
        rw.rUnlock()
        await pause()
        await rw.lock()
        o.n = o.n + seen + 1
        rw.unlock()
      })
    },
  },
  {
    name: 'RaceRWMutexWriteUnderReadLock',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const rw = new RWMutex()
      await fanOut(2, async () => {
        await rw.rLock()
        const v = o.n
        await pause()
        o.n = v + 1
        rw.rUnlock()
      })
    },
  },
  {
    name: 'RaceRWMutexUpgradeWithoutRecheck',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const rw = new RWMutex()
      await fanOut(4, async () => {
        await rw.rLock()
        const v = o.n
        rw.rUnlock()
        await pause()
        await rw.lock()
        o.n = v + 1
        rw.unlock()
      })
    },
  },
  {
    name: 'RaceRWMutexWriterSkipsLock',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const rw = new RWMutex()
      await fanOut(2, async (i) => {
        if (i === 0) {
          await rw.lock()
          const v = o.n
          await pause()
          o.n = v + 1
          rw.unlock()
        } else {
          await pause()
          o.n = 10
        }
      })
    },
  },
]
