/**
 * track() must not change what correct code does (issue 11 item 9, issue 12): identity, an
 * async method's synchronous prefix, objects with internal slots, symbol keys.
 */
import type { ConformanceCase } from '../harness.js'

class Counter {
  value = 0
  async set(v: number): Promise<void> {
    this.value = v
  }
}

class Connection {
  state = 'closed'
  async open(pause: () => Promise<void>): Promise<void> {
    this.state = 'opening'
    await pause()
    this.state = 'open'
  }
}

class DefaultMap<K, V> extends Map<K, V> {
  constructor(private readonly make: () => V) {
    super()
  }
  override get(k: K): V {
    if (!super.has(k)) super.set(k, this.make())
    return super.get(k)!
  }
}

const HITS = Symbol('hits')

export const cases: ConformanceCase[] = [
  {
    name: 'NoRaceTrackAsyncMethodPrefixRunsInCallersTurn',
    body: async ({ track, fanOut, expect }) => {
      const c = track(new Counter(), 'counter')
      await fanOut(4, () => c.set(c.value + 1))
      expect(c.value).toBe(4)
    },
  },
  {
    name: 'NoRaceTrackAsyncMethodStateSetBeforeCallReturns',
    body: async ({ track, fanOut, pause, expect }) => {
      const conns = track([new Connection(), new Connection()], 'conns')
      await fanOut(2, async (i) => {
        const p = conns[i]!.open(pause)
        expect(conns[i]!.state).toBe('opening')
        await p
      })
    },
  },
  {
    name: 'NoRaceTrackIncludesFindsThePushedObject',
    body: async ({ track, fanOut, pause, expect }) => {
      const reg = track({ items: [] as object[], index: new Map<object, number>(), live: new Set<object>() }, 'reg')
      await fanOut(3, async (i) => {
        const item = { i }
        reg.items.push(item)
        reg.index.set(item, i)
        reg.live.add(item)
        await pause()
        expect(reg.items.includes(item)).toBe(true)
        expect(reg.items.indexOf(reg.items[reg.items.indexOf(item)]!)).toBeGreaterThanOrEqual(0)
        expect(reg.index.get(item)).toBe(i)
        expect(reg.live.has(item)).toBe(true)
      })
    },
  },
  {
    name: 'NoRaceTrackInternalSlotObjectsInTrackedParent',
    body: async ({ track, fanOut, pause, expect }) => {
      const req = track({ url: new URL('https://example.com/a'), at: new Date(0), body: new Uint8Array([1, 2]), done: new AbortController() }, 'req')
      await fanOut(2, async () => {
        await pause()
        expect(req.url.pathname).toBe('/a')
        expect(req.at.getTime()).toBe(0)
        expect(req.body.subarray(1)[0]).toBe(2)
        expect(req.done.signal.aborted).toBe(false)
      })
    },
  },
  {
    name: 'RaceTrackMapSubclassOverrideReadAwaitWrite',
    locations: ['hits.get("home")'],
    body: async ({ track, fanOut, pause }) => {
      const hits = track(new DefaultMap<string, number>(() => 0), 'hits')
      await fanOut(2, async () => {
        const v = hits.get('home')
        await pause()
        hits.set('home', v + 1)
      })
    },
  },
  {
    name: 'NoRaceTrackMapSubclassDistinctKeys',
    body: async ({ track, fanOut, pause, expect }) => {
      const hits = track(new DefaultMap<number, number>(() => 0), 'hits')
      await fanOut(2, async (i) => {
        const v = hits.get(i)
        await pause()
        hits.set(i, v + 1)
      })
      expect(hits.get(0) + hits.get(1)).toBe(2)
    },
  },
  {
    name: 'RaceTrackSymbolKeyedField',
    locations: ['o[Symbol(hits)]'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ [HITS]: 0 }, 'o')
      await fanOut(2, async () => {
        const v = o[HITS]
        await pause()
        o[HITS] = v + 1
      })
    },
  },
  {
    name: 'NoRaceTrackSymbolKeyedFieldInOneTurn',
    body: async ({ track, fanOut, pause, expect }) => {
      const o = track({ [HITS]: 0 }, 'o')
      await fanOut(3, async () => {
        await pause()
        o[HITS] = o[HITS] + 1
      })
      expect(o[HITS]).toBe(3)
    },
  },
]
