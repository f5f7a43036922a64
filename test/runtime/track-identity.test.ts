import { describe, expect, it } from 'vitest'
import { fanOut, pause } from '../../src/runtime/workers.js'
import { inIteration } from './in-iteration.js'

describe('track() keeps identity', () => {
  it('push(item) then includes(item), indexOf(item), lastIndexOf(item) find the raw object and its proxy', async () => {
    await inIteration((run) => {
      const arr = run.tracker.track([] as object[], 'arr')
      const item = {}
      const other = {}
      arr.push(other, item, other)
      expect(arr.includes(item)).toBe(true)
      expect(arr.indexOf(item)).toBe(1)
      expect(arr.lastIndexOf(other)).toBe(2)
      const proxy = arr[1]!
      expect(arr.includes(proxy)).toBe(true)
      expect(arr.indexOf(proxy)).toBe(1)
      expect(arr.includes({})).toBe(false)
      expect(arr.indexOf({})).toBe(-1)
    })
  })

  it('the same proxy for the same object every time, by whatever path it is reached', async () => {
    await inIteration((run) => {
      const shared = { n: 1 }
      const o = run.tracker.track({ a: shared, list: [shared], m: new Map([['k', shared]]) }, 'o')
      expect(o.a).toBe(o.a)
      expect(o.list[0]).toBe(o.a)
      expect(o.m.get('k')).toBe(o.a)
      expect(run.tracker.track(shared)).toBe(o.a)
    })
  })

  it('what is stored through a proxy is stored raw, so the real graph holds no proxies', async () => {
    await inIteration((run) => {
      const raw = { child: undefined as object | undefined, list: [] as object[], m: new Map<object, object>(), s: new Set<object>() }
      const o = run.tracker.track(raw, 'o')
      const child = run.tracker.track({ x: 1 }, 'child')
      o.child = child
      o.list.push(child)
      o.m.set(child, child)
      o.s.add(child)
      const realChild = run.tracker.unwrap(child)
      expect(raw.child).toBe(realChild)
      expect(raw.list[0]).toBe(realChild)
      expect(raw.m.get(realChild)).toBe(realChild)
      expect(raw.s.has(realChild)).toBe(true)
      expect(o.child).toBe(child) // and reading it back gives the same proxy
    })
  })

  it('Map get/has/set/delete and Set has/delete with an object key: raw key and proxy are the same key', async () => {
    await inIteration((run) => {
      const key = { id: 1 }
      const o = run.tracker.track({ key, m: new Map<object, number>(), s: new Set<object>() }, 'o')
      o.m.set(key, 1)
      expect(o.m.get(key)).toBe(1)
      expect(o.m.get(o.key)).toBe(1)
      expect(o.m.has(o.key)).toBe(true)
      o.m.set(o.key, 2)
      expect(o.m.size).toBe(1)
      expect(o.m.get(key)).toBe(2)
      expect(o.m.delete(o.key)).toBe(true)
      o.s.add(o.key)
      expect(o.s.has(key)).toBe(true)
      expect(o.s.delete(key)).toBe(true)
      expect(o.s.size).toBe(0)
    })
  })

  it('documented limit: === between the raw object and its proxy is false', async () => {
    await inIteration((run) => {
      const item = {}
      const arr = run.tracker.track([item], 'arr')
      expect(arr[0] === item).toBe(false)
      expect(arr.find((x) => x === item)).toBeUndefined() // callbacks see the proxies
      expect(run.tracker.unwrap(arr[0])).toBe(item)
    })
  })

  it('NoRace: workers registering distinct objects and checking them with includes/has see their own', async () => {
    const { races, value } = await inIteration(async (run) => {
      const reg = run.tracker.track({ list: [] as object[], byKey: new Map<object, number>() }, 'reg')
      const results = await fanOut(run, 3, async (i) => {
        const mine = { i }
        reg.list.push(mine)
        reg.byKey.set(mine, i)
        await pause(run)
        return reg.list.includes(mine) && reg.byKey.get(mine) === i
      })
      return results
    })
    expect(value).toEqual([true, true, true])
    expect(races).toEqual([])
  })

  it('includes still reads: a stale includes before an await, then a push, races', async () => {
    const { labels } = await inIteration(async (run) => {
      const item = {}
      const seen = run.tracker.track([] as object[], 'seen')
      // Unconditional writes, so that the race shows whatever the schedule.
      await fanOut(run, 2, async () => {
        const had = seen.includes(item)
        await pause(run)
        seen.push(had ? {} : item)
      })
    })
    expect(labels).toEqual(['seen.length'])
  })
})

describe('array searches record into the array they search', () => {
  it('includes on a second array names that array', async () => {
    const { labels } = await inIteration(async (run) => {
      const first = run.tracker.track([] as object[], 'first')
      const second = run.tracker.track([] as object[], 'second')
      const item = {}
      first.includes(item)
      await fanOut(run, 2, async () => {
        const had = second.includes(item)
        await pause(run)
        second.push(had ? {} : item)
      })
    })
    expect(labels).toEqual(['second.length'])
  })
})
