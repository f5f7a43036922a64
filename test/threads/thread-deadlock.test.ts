/** The deadlock watch on hand-set wait words: it fires only when no wait can ever end. */
import { describe, expect, it } from 'vitest'
import { A } from '../../src/threads/atomics-originals.js'
import { CONTROL_WORDS, THREAD_WAITS, THREAD_WORDS, Wait, WaitWord, WHERE_BYTES, type SharedEntry } from '../../src/threads/protocol.js'
import { DeadlockWatch, ThreadsDeadlockError } from '../../src/threads/thread-deadlock.js'

function setup(threads: number) {
  const control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4))
  const waits = new SharedArrayBuffer(WHERE_BYTES * threads)
  const mu = new Int32Array(new SharedArrayBuffer(8))
  const wg = new Int32Array(new SharedArrayBuffer(4))
  const entries: SharedEntry[] = [
    { key: 'mu', kind: 'mutex', buffer: mu.buffer as SharedArrayBuffer, id: 0 },
    { key: 'wg', kind: 'wait-group', buffer: wg.buffer as SharedArrayBuffer, id: 1 },
  ]
  const block = (thread: number, kind: number, id: number) => {
    const base = THREAD_WAITS + THREAD_WORDS * thread
    A.store(control, base + WaitWord.KIND, kind | (id << 4))
    A.add(control, base + WaitWord.EPOCH, 1)
  }
  const place = (thread: number, where: string) => new Uint8Array(waits, WHERE_BYTES * thread).set(new TextEncoder().encode(where))
  return { watch: new DeadlockWatch(control, waits, threads, entries), mu, wg, block, place }
}

const running = () => false

describe('DeadlockWatch', () => {
  it('fires when every thread waits on a held mutex and nothing changed for 100 ms', () => {
    const { watch, mu, block, place } = setup(2)
    mu[0] = 2
    mu[1] = 1 // held by thread 0, which takes it again
    block(0, Wait.LOCK, 0)
    block(1, Wait.LOCK, 0)
    place(1, '/repo/w.ts:6:13')
    expect(watch.check(1000, running)).toBeUndefined()
    expect(watch.check(1050, running)).toBeUndefined()
    expect(watch.check(1100, running)).toBeUndefined() // thread 0 has not said where yet
    const blocked = watch.check(2000, running)
    expect(blocked).toEqual([
      { thread: 0, waitsIn: 'ThreadMutex.lock() on shared.mu (held by thread 0)', since: undefined },
      { thread: 1, waitsIn: 'ThreadMutex.lock() on shared.mu (held by thread 0)', since: '/repo/w.ts:6:13' },
    ])
    expect(new ThreadsDeadlockError(blocked!, '/repo').message).toBe(
      'vitest-race: all threads are asleep - deadlock!\n  thread 0 waits in ThreadMutex.lock() on shared.mu (held by thread 0)\n  thread 1 waits in ThreadMutex.lock() on shared.mu (held by thread 0) since w.ts:6:13',
    )
  })

  it('stays silent while the lock is between a release and its next holder', () => {
    const { watch, mu, block } = setup(2)
    mu[0] = 2 // taken by a waiter that is still marked, not yet named
    mu[1] = 0
    block(0, Wait.LOCK, 0)
    block(1, Wait.LOCK, 0)
    watch.check(0, running)
    expect(watch.check(5000, running)).toBeUndefined()
  })

  it('stays silent while a thread runs, or has finished and another still runs', () => {
    const { watch, mu, block } = setup(3)
    mu[0] = 1
    block(0, Wait.LOCK, 0)
    expect(watch.check(0, running)).toBeUndefined()
    expect(watch.check(500, running)).toBeUndefined()
    expect(watch.check(1000, (k) => k === 2)).toBeUndefined() // thread 1 runs
  })

  it('stays silent when a wait can end: the mutex was released, the counter reached zero', () => {
    const { watch, mu, wg, block } = setup(2)
    mu[1] = 2 // held by thread 1
    block(0, Wait.LOCK, 0)
    block(1, Wait.WAIT_GROUP, 1)
    mu[0] = 0
    wg[0] = 1
    watch.check(0, running)
    expect(watch.check(200, running)).toBeUndefined()
    mu[0] = 1
    wg[0] = 0
    expect(watch.check(400, running)).toBeUndefined()
    wg[0] = 2
    expect(watch.check(1000, running)?.map((b) => b.waitsIn)).toEqual(['ThreadMutex.lock() on shared.mu (held by thread 1)', 'ThreadWaitGroup.wait() on shared.wg (counter 2)'])
  })

  it('starts over when a wait changed in between', () => {
    const { watch, mu, block } = setup(1)
    mu[0] = 2
    mu[1] = 1
    block(0, Wait.LOCK, 0)
    watch.check(0, running)
    block(0, Wait.LOCK, 0) // woke, and waits again
    expect(watch.check(150, running)).toBeUndefined()
    expect(watch.check(1100, running)).toBeUndefined()
    expect(watch.check(1200, running)).toHaveLength(1)
  })
})
