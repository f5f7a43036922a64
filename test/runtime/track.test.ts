import { describe, expect, it } from 'vitest'
import { fanOut, pause } from '../../src/runtime/workers.js'
import { track } from '../../src/runtime/track-anywhere.js'
import { PrivateFieldsError } from '../../src/runtime/private-fields.js'
import { inIteration } from './in-iteration.js'

/** Two workers that each run `rmw` (which should read, pause, write). */
async function twoWorkers(rmw: (run: import('../../src/runtime/iteration.js').IterationRun) => Promise<unknown>) {
  return inIteration((run) => fanOut(run, 2, () => rmw(run)))
}

describe('locations and their names', () => {
  it('names object properties, array indexes, Map entries, Set members and nested paths', async () => {
    const { labels } = await inIteration(async (run) => {
      const state = run.tracker.track({ cart: { items: ['a', 'b', 'c', 'd'] }, m: new Map([['k', { n: 1 }]]), s: new Set(['x']), 'odd-key': 0 }, 'st')
      await fanOut(run, 2, async () => {
        const items = state.cart.items
        const i3 = items[3]
        const n = state.m.get('k')!.n
        const has = state.s.has('x')
        const odd = state['odd-key']
        await pause(run)
        items[3] = i3 + '!'
        state.m.get('k')!.n = n + 1
        if (has) state.s.add('x')
        state['odd-key'] = odd + 1
      })
    })
    expect(labels).toEqual(['st.cart.items[3]', 'st.m.get("k").n', 'st.s.has("x")', 'st["odd-key"]'])
  })

  it('reports a Map entry written from a stale get, not the other entries', async () => {
    const { labels } = await twoWorkers(async (run) => {
      const m = run.tracker.track(new Map<string, number>([['a', 1], ['b', 1]]), 'm')
      const v = m.get('a')!
      m.get('b')
      m.set('b', 2) // read and written in one turn
      await pause(run)
      m.set('a', v + 1)
    })
    expect(labels).toEqual([])
  })
})

describe('built-in methods', () => {
  it('reads made inside push belong to its write: pushing after an await is no race', async () => {
    const { races } = await inIteration(async (run) => {
      const list = run.tracker.track([] as number[], 'list')
      await fanOut(run, 3, async (i) => {
        await pause(run)
        list.push(i)
        list.splice(0, 0, i)
        list.sort()
      })
      expect(list.length).toBe(6)
    })
    expect(races).toEqual([])
  })

  it('a user read of length before the await makes the later push a race', async () => {
    const { labels } = await inIteration(async (run) => {
      const results = run.tracker.track([] as number[], 'results')
      await fanOut(run, 2, async (i) => {
        const slot = results.length
        await pause(run)
        results[slot] = i
      })
    })
    expect(labels).toEqual(['results.length'])
  })

  // The workers below write unconditionally, so that the race shows whatever the schedule:
  // the rule needs both writes to have happened in the run it sees.
  it('non-mutating built-ins read: some() before an await, push after, races', async () => {
    const { labels } = await inIteration(async (run) => {
      const seen = run.tracker.track([] as string[], 'seen')
      await fanOut(run, 2, async () => {
        const had = seen.some((s) => s === 'x')
        await pause(run)
        seen.push(had ? 'y' : 'x')
      })
    })
    expect(labels).toEqual(['seen.length'])
  })

  it('Set add after a stale has() races, even when the member already exists', async () => {
    const { labels } = await inIteration(async (run) => {
      const seen = run.tracker.track(new Set<string>(), 'seen')
      await fanOut(run, 2, async () => {
        seen.has('job-1')
        await pause(run)
        seen.add('job-1')
      })
    })
    expect(labels).toEqual(['seen.has("job-1")'])
  })

  it('Map size read before an await and a new key after: the capacity check races', async () => {
    const { labels } = await inIteration(async (run) => {
      const pool = run.tracker.track(new Map<number, number>(), 'pool')
      await fanOut(run, 2, async (i) => {
        const n = pool.size
        await pause(run)
        pool.set(i, n)
      })
    })
    expect(labels).toEqual(['pool.size'])
  })

  it('iterating a tracked Map yields tracked values and counts as reads', async () => {
    const { labels } = await inIteration(async (run) => {
      const m = run.tracker.track(new Map([['a', { hits: 0 }]]), 'm')
      await fanOut(run, 2, async () => {
        const snapshot = [...m.values()].map((v) => v.hits)
        await pause(run)
        for (const [, v] of m) v.hits = snapshot[0]! + 1
      })
    })
    expect(labels).toEqual(['m.get("a").hits'])
  })
})

describe('identity and pass-through', () => {
  it('returns the same proxy for the same object, and leaves primitives and promises alone', async () => {
    await inIteration((run) => {
      const inner = { x: 1 }
      const p = Promise.resolve(1)
      const o = run.tracker.track({ a: inner, b: inner, p, d: new Date(0) }, 'o')
      expect(o.a).toBe(o.b)
      expect(run.tracker.track(o)).toBe(o)
      expect(o.p).toBe(p)
      expect(o.d.getTime()).toBe(0)
      expect(run.tracker.track(5)).toBe(5)
    })
  })

  it('track outside a running concurrentTest returns the value untouched', () => {
    const v = { a: 1 }
    expect(track(v, 'v')).toBe(v)
  })

  it('frozen nested objects stay readable (Proxy invariants)', async () => {
    await inIteration((run) => {
      const inner = Object.freeze({ x: 1 })
      const o = run.tracker.track(Object.freeze({ inner }), 'o')
      expect(o.inner).toBe(inner)
    })
  })

  it('records nothing in stress mode, where the perturbed schedule loses updates under some seeds', async () => {
    const finals: number[] = []
    for (let seed = 1; seed <= 20; seed++) {
      const { run, value } = await inIteration(
        async (run) => {
          const m = run.tracker.track(new Map([['k', 1]]), 'm')
          await fanOut(run, 2, async () => {
            const v = m.get('k')!
            await pause(run)
            m.set('k', v + 1)
          })
          return m.get('k')!
        },
        { race: false, seed },
      )
      expect(run.detector).toBeUndefined()
      finals.push(value)
    }
    expect(finals).toContain(2) // interleaved: a lost update
    expect(finals).toContain(3) // one after the other
  })
})

describe('#private members', () => {
  class Account {
    #balance = 10
    get balance() {
      return this.#balance
    }
    async withdraw(n: number) {
      this.#balance -= n
    }
    deposit(n: number) {
      this.#balance += n
    }
  }

  it('explains why a method cannot run on a tracked instance, sync, async and through a getter', async () => {
    await inIteration(async (run) => {
      const a = run.tracker.track(new Account(), 'account')
      expect(() => a.deposit(1)).toThrow(PrivateFieldsError)
      expect(() => a.deposit(1)).toThrow(/Account\.deposit\(\) cannot run on a tracked object: Account uses #private members/)
      await expect(a.withdraw(1)).rejects.toThrow(/Account\.withdraw\(\) cannot run on a tracked object/)
      expect(() => a.balance).toThrow(/Account\.balance cannot run on a tracked object/)
      expect(() => a.deposit(1)).toThrow(/Track the state the instance keeps/)
    })
  })
})
