import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { fanOut, pause } from '../../src/runtime/workers.js'
import { PrivateFieldsError } from '../../src/runtime/private-fields.js'
import { inIteration } from './in-iteration.js'

class DefaultMap<K, V> extends Map<K, V> {
  constructor(private readonly make: () => V) {
    super()
  }
  override get(k: K): V {
    if (!super.has(k)) super.set(k, this.make())
    return super.get(k)!
  }
  /** A method of the subclass's own that calls super: runs on the real map. */
  size2(): number {
    let n = 0
    for (const _ of super.values()) n++
    return n
  }
}

describe('objects with internal slots work through a tracked parent', () => {
  it('URL, URLSearchParams, Date, RegExp, Promise, typed arrays, WeakRef, AbortController', async () => {
    await inIteration(async (run) => {
      const target = { n: 1 }
      const o = run.tracker.track(
        {
          u: new URL('https://example.com/a?x=1'),
          q: new URLSearchParams('a=1&b=2'),
          d: new Date(0),
          r: /a(b)/g,
          p: Promise.resolve(7),
          bytes: new Uint8Array([1, 2, 3]),
          buf: Buffer.from('hi'),
          ref: new WeakRef(target),
          ac: new AbortController(),
          it: [1, 2][Symbol.iterator](),
          gen: (function* () {
            yield 1
          })(),
        },
        'o',
      )
      expect(o.u.href).toBe('https://example.com/a?x=1')
      o.u.searchParams.set('y', '2')
      expect(o.u.search).toBe('?x=1&y=2')
      expect(o.q.get('b')).toBe('2')
      expect([...o.q.keys()]).toEqual(['a', 'b'])
      expect(o.d.getTime()).toBe(0)
      expect(o.d.toISOString()).toBe('1970-01-01T00:00:00.000Z')
      expect(o.r.exec('xab')?.[1]).toBe('b')
      expect(await o.p).toBe(7)
      expect(o.bytes.subarray(1).length).toBe(2)
      expect(o.buf.toString('utf8')).toBe('hi')
      expect(o.ref.deref()).toBe(target)
      o.ac.abort()
      expect(o.ac.signal.aborted).toBe(true)
      expect(o.it.next().value).toBe(1)
      expect(o.gen.next().value).toBe(1)
      expect(run.tracker.isTracked(o.u)).toBe(false)
      expect(run.tracker.isTracked(o.d)).toBe(false)
    })
  })

  it.runIf(typeof Headers === 'function' && typeof Request === 'function')('Headers and Request', async () => {
    await inIteration((run) => {
      const o = run.tracker.track({ h: new Headers({ 'x-a': '1' }), req: new Request('https://example.com/', { method: 'POST' }) }, 'o')
      o.h.set('x-b', '2')
      expect(o.h.get('x-b')).toBe('2')
      expect(o.req.method).toBe('POST')
      expect(o.req.url).toBe('https://example.com/')
      expect(o.req.headers.has('x-a')).toBe(false)
    })
  })

  it('a Map subclass: an override calling super works and is recorded as the built-in; its own methods run on the real map', async () => {
    const { labels, value } = await inIteration(async (run) => {
      const counts = run.tracker.track(new DefaultMap<string, number>(() => 0), 'counts')
      expect(counts.get('a')).toBe(0)
      await fanOut(run, 2, async () => {
        const v = counts.get('a')
        await pause(run)
        counts.set('a', v + 1)
      })
      return counts.size2()
    })
    expect(value).toBe(1)
    expect(labels).toEqual(['counts.get("a")'])
  })

  it('a class with #private members: still explained, sync and async (kept from private-fields.ts)', async () => {
    class Account {
      #balance = 10
      deposit(n: number) {
        this.#balance += n
      }
      async withdraw(n: number) {
        this.#balance -= n
      }
    }
    await inIteration(async (run) => {
      const a = run.tracker.track(new Account(), 'account')
      expect(() => a.deposit(1)).toThrow(PrivateFieldsError)
      await expect(a.withdraw(1)).rejects.toThrow(PrivateFieldsError)
    })
  })

  it('a method that returns a stored promise returns that very promise', async () => {
    class Service {
      ready = Promise.resolve('up')
      whenReady(): Promise<string> {
        return this.ready
      }
    }
    await inIteration(async (run) => {
      const s = run.tracker.track(new Service(), 's')
      expect(s.whenReady()).toBe(s.whenReady())
      expect(await s.whenReady()).toBe('up')
    })
  })

  it('an EventEmitter subclass: on/emit run on the real emitter; its bookkeeping is not a location (strict mode)', async () => {
    class Job extends EventEmitter {
      state = 'new'
      start() {
        this.state = 'running'
        this.emit('started', this.state)
      }
    }
    const { labels } = await inIteration(async (run) => {
      const job = run.tracker.track(new Job(), 'job')
      const got: string[] = []
      job.on('started', (s: string) => got.push(s))
      await fanOut(run, 2, async () => {
        await pause(run)
        job.once('started', () => {})
      })
      job.start()
      expect(got).toEqual(['running'])
      expect(job.listenerCount('started')).toBe(1)
    }, { semantics: 'strict' })
    expect(labels).toEqual([])
  })
})
