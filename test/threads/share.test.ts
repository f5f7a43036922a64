/** What `shared()` may build, and how it crosses to the threads. */
import { describe, expect, it } from 'vitest'
import { ThreadMutex, type ThreadContext } from '../../src/threads.js'
import { share } from '../../src/threads/thread-run.js'

describe('share', () => {
  it('copies typed arrays into SharedArrayBuffers, by value', () => {
    const source = Int32Array.of(1, 2)
    const s = share({ a: source })
    source[0] = 9
    expect([...s.arrays[0]!]).toEqual([1, 2])
    expect(s.arrays[0]!.buffer).toBeInstanceOf(SharedArrayBuffer)
    expect(s.names).toEqual(['shared.a'])
  })

  it('one primitive under two keys keeps one id (one clock)', () => {
    const mu = new ThreadMutex()
    const s = share({ a: mu, b: mu, c: new ThreadMutex() })
    expect(s.entries.map((e) => [e.key, e.id])).toEqual([['a', 0], ['b', 0], ['c', 1]])
  })

  it('rejects a primitive kept from an earlier iteration, naming it', () => {
    const earlier = new WeakSet<SharedArrayBuffer>()
    const mu = new ThreadMutex()
    share({ mu }, earlier)
    expect(() => share({ mu }, earlier)).toThrow('shared().mu is the same thread primitive as in an earlier iteration; build new ones in shared()')
  })

  it('rejects anything else, naming the key', () => {
    expect(() => share({ list: [1, 2] })).toThrow('shared().list is an object; expected an integer or float typed array')
    expect(() => share(new Int32Array(1))).toThrow('shared() returned an object; expected an object of typed arrays and thread primitives, such as { balance: Int32Array.of(100) }')
  })

  it('ThreadContext takes an interface as well as a type literal', () => {
    interface Accounts {
      balance: Int32Array
      mu: ThreadMutex
    }
    const worker = ({ shared }: ThreadContext<Accounts>) => shared.balance[0]
    expect(typeof worker).toBe('function')
  })
})
