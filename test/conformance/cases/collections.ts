import type { ConformanceCase } from '../harness.js'

export const cases: ConformanceCase[] = [
  {
    name: 'RaceMapGetPauseSet',
    locations: ['m.get("a")'],
    body: async ({ track, fanOut, pause }) => {
      const m = track(new Map([['a', 0]]), 'm')
      await fanOut(2, async () => {
        const v = m.get('a')!
        await pause()
        m.set('a', v + 1)
      })
    },
  },
  {
    name: 'RaceMapHasThenSet',
    locations: ['m.get("owner")'],
    body: async ({ track, fanOut, pause }) => {
      const m = track(new Map<string, number>(), 'm')
      await fanOut(2, async (i) => {
        const had = m.has('owner')
        await pause()
        m.set('owner', had ? -i : i)
      })
    },
  },
  {
    name: 'RaceMapSizeThenSetNewKey',
    locations: ['m.size'],
    body: async ({ track, fanOut, pause }) => {
      const m = track(new Map<string, number>(), 'm')
      await fanOut(2, async (i) => {
        const id = m.size
        await pause()
        m.set(`k${i}`, id)
      })
    },
  },
  {
    name: 'RaceMapGetThenDelete',
    locations: ['m.get("session")'],
    body: async ({ track, fanOut, pause }) => {
      const m = track(new Map([['session', 1]]), 'm')
      await fanOut(2, async () => {
        const s = m.get('session')
        await pause()
        m.delete('session')
        return s
      })
    },
  },
  {
    name: 'RaceMapValueObjectField',
    locations: ['accounts.get("acct").balance'],
    body: async ({ track, fanOut, scheduled }) => {
      const m = track(new Map([['acct', { balance: 100 }]]), 'accounts')
      const audit = scheduled(async function audit() {})
      await fanOut(2, async () => {
        const acct = m.get('acct')!
        const b = acct.balance
        await audit()
        acct.balance = b - 10
      })
    },
  },
  {
    name: 'RaceSetHasThenAdd',
    locations: ['s.has("x")'],
    body: async ({ track, fanOut, pause }) => {
      const s = track(new Set<string>(), 's')
      await fanOut(2, async () => {
        const seen = s.has('x')
        await pause()
        s.add('x')
        return seen
      })
    },
  },
  {
    name: 'RaceSetIterateThenDeleteFirst',
    locations: ['s.has(1)'],
    body: async ({ track, fanOut, pause }) => {
      const s = track(new Set([1, 2, 3]), 's')
      await fanOut(2, async () => {
        const [first] = [...s]
        await pause()
        s.delete(first!)
      })
    },
  },
  {
    name: 'NoRaceMapDistinctKeys',
    body: async ({ track, fanOut, pause }) => {
      const m = track(new Map<string, number>(), 'm')
      await fanOut(4, async (i) => {
        const v = m.get(`k${i}`) ?? 0
        await pause()
        m.set(`k${i}`, v + 1)
      })
    },
  },
  {
    name: 'NoRaceMapBlindSets',
    body: async ({ track, fanOut, pause }) => {
      const m = track(new Map<string, number>(), 'm')
      await fanOut(3, async (i) => {
        await pause()
        m.set('last', i)
      })
    },
  },
  {
    name: 'NoRaceMapGetAndSetInOneTurn',
    body: async ({ track, fanOut, pause, expect }) => {
      const m = track(new Map<string, number>(), 'm')
      await fanOut(4, async () => {
        await pause()
        m.set('hits', (m.get('hits') ?? 0) + 1)
      })
      expect(m.get('hits')).toBe(4)
    },
  },
  {
    name: 'NoRaceMapReadersOnly',
    body: async ({ track, fanOut, pause }) => {
      const m = track(new Map([['a', 1], ['b', 2]]), 'm')
      await fanOut(3, async () => {
        let sum = 0
        for (const [, v] of m) sum += v
        await pause()
        return sum + (m.get('a') ?? 0) + m.size
      })
    },
  },
  {
    name: 'NoRaceSetAddWithoutCheck',
    body: async ({ track, fanOut, pause, expect }) => {
      const s = track(new Set<number>(), 's')
      await fanOut(4, async (i) => {
        await pause()
        s.add(i % 2)
      })
      expect(s.size).toBe(2)
    },
  },
]
