/** The thread primitives on one thread: their contracts and their errors (threads: test/integration/threads.test.ts). */
import { describe, expect, it } from 'vitest'
import { ThreadMutex, ThreadOnce, ThreadWaitGroup } from '../../src/threads.js'
import { primitiveState } from '../../src/threads/thread-primitive.js'

describe('ThreadMutex', () => {
  it('lock, tryLock, unlock', () => {
    const mu = new ThreadMutex()
    expect(mu.tryLock()).toBe(true)
    expect(mu.tryLock()).toBe(false)
    mu.unlock()
    mu.lock()
    expect(mu.tryLock()).toBe(false)
    mu.unlock()
  })

  it('unlock of an unlocked mutex throws, as in Go', () => {
    expect(() => new ThreadMutex().unlock()).toThrow('vitest-race: ThreadMutex.unlock of an unlocked mutex')
  })

  it('its state is shared memory that crosses to threads', () => {
    expect(primitiveState(new ThreadMutex())).toEqual({ kind: 'mutex', buffer: expect.any(SharedArrayBuffer) })
    expect(primitiveState({})).toBeUndefined()
  })
})

describe('ThreadWaitGroup', () => {
  it('wait returns at once at zero, after done brings it there', () => {
    const wg = new ThreadWaitGroup(2)
    wg.done()
    wg.add(-1)
    wg.wait()
  })

  it('a negative counter throws and leaves the counter alone', () => {
    const wg = new ThreadWaitGroup(1)
    wg.done()
    expect(() => wg.done()).toThrow('vitest-race: ThreadWaitGroup: negative counter')
    wg.wait()
  })

  it('rejects a bad count or delta, naming it', () => {
    expect(() => new ThreadWaitGroup(-1)).toThrow('new ThreadWaitGroup(count): count = -1 is not valid: expected an integer >= 0')
    expect(() => new ThreadWaitGroup(1).add(0.5)).toThrow('ThreadWaitGroup.add(delta): delta = 0.5 is not valid: expected an integer')
  })
})

describe('ThreadOnce', () => {
  it('runs the function once', () => {
    const once = new ThreadOnce()
    let calls = 0
    once.do(() => void calls++)
    once.do(() => void calls++)
    expect(calls).toBe(1)
    expect(once.done).toBe(true)
  })

  it('a function that threw counts as done, as in Go', () => {
    const once = new ThreadOnce()
    expect(() => once.do(() => { throw new Error('no table') })).toThrow('no table')
    let calls = 0
    once.do(() => void calls++)
    expect(calls).toBe(0)
  })

  it('rejects an async function', () => {
    expect(() => new ThreadOnce().do((async () => {}) as () => void)).toThrow('ThreadOnce.do(fn): fn returned a promise; it must be synchronous')
  })
})
