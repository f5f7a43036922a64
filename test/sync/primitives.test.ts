import { describe, expect, it } from 'vitest'
import { Atomic, Channel, Mutex, Once, RWMutex, Semaphore, WaitGroup } from '../../src/index.js'
import { DeadlockError } from '../../src/runtime/scheduler.js'
import { fanOut, pause, spawn } from '../../src/runtime/workers.js'
import { inIteration } from '../runtime/in-iteration.js'

describe('behaviour', () => {
  it('Semaphore(2) admits two holders at once, never three', async () => {
    const { value } = await inIteration(async (run) => {
      const sem = new Semaphore(2)
      let holders = 0
      let most = 0
      await fanOut(run, 6, () =>
        sem.runExclusive(async () => {
          most = Math.max(most, ++holders)
          await pause(run)
          holders--
        }),
      )
      return most
    })
    expect(value).toBe(2)
  })

  it('RWMutex: readers share, a writer is alone', async () => {
    const { value } = await inIteration(async (run) => {
      const rw = new RWMutex()
      let readers = 0
      let writers = 0
      const seen: string[] = []
      await fanOut(run, 6, async (i) => {
        if (i % 3 === 0) {
          await rw.lock()
          writers++
          seen.push(`w${writers}r${readers}`)
          await pause(run)
          writers--
          rw.unlock()
        } else {
          await rw.rLock()
          readers++
          seen.push(`r${readers}w${writers}`)
          await pause(run)
          readers--
          rw.rUnlock()
        }
      })
      return seen
    })
    for (const s of value) expect(s === 'w1r0' || /^r\dw0$/.test(s)).toBe(true)
  })

  it('WaitGroup.wait returns once every done is in', async () => {
    const { value } = await inIteration(async (run) => {
      const wg = new WaitGroup()
      const done: number[] = []
      wg.add(3)
      for (let i = 0; i < 3; i++) {
        void spawn(run, async () => {
          await pause(run)
          done.push(i)
          wg.done()
        })
      }
      await wg.wait()
      return done.length
    })
    expect(value).toBe(3)
  })

  it('Once runs the function once and gives every caller its result or its error', async () => {
    const { value } = await inIteration(async (run) => {
      const once = new Once<number>()
      let runs = 0
      const results = await fanOut(run, 4, () =>
        once.do(async () => {
          runs++
          await pause(run)
          return 42
        }),
      )
      const failing = new Once<number>()
      const errors = await fanOut(run, 2, () => failing.do(() => Promise.reject(new Error('no'))).catch((e: Error) => e.message))
      return { runs, results, errors }
    })
    expect(value).toEqual({ runs: 1, results: [42, 42, 42, 42], errors: ['no', 'no'] })
  })

  it('Channel: values arrive in order, buffered and unbuffered, and for await ends at close', async () => {
    for (const capacity of [0, 1, 3]) {
      const { value } = await inIteration(async (run) => {
        const ch = new Channel<number>(capacity)
        const producer = spawn(run, async () => {
          for (let i = 0; i < 5; i++) await ch.send(i)
          ch.close()
        })
        const got: number[] = []
        for await (const v of ch) got.push(v)
        await producer
        return { got, after: await ch.receiveResult() }
      })
      expect(value).toEqual({ got: [0, 1, 2, 3, 4], after: { value: undefined, ok: false } })
    }
  })

  it('Atomic operations', () => {
    const a = new Atomic(1)
    expect(a.add(2)).toBe(3)
    expect(a.swap(10)).toBe(3)
    expect(a.compareAndSwap(3, 4)).toBe(false)
    expect(a.compareAndSwap(10, 4)).toBe(true)
    a.store(7)
    expect(a.load()).toBe(7)
  })
})

describe('misuse fails clearly', () => {
  it.each([
    ['unlocking an unlocked Mutex', () => new Mutex().unlock(), 'Mutex.unlock() called on a Mutex that is not locked'],
    ['rUnlock without rLock', () => new RWMutex().rUnlock(), 'RWMutex.rUnlock() called without a matching rLock()'],
    ['unlock of an RWMutex not write-locked', () => new RWMutex().unlock(), 'RWMutex.unlock() called on an RWMutex that is not write-locked'],
    ['done() below zero', () => new WaitGroup().done(), 'WaitGroup counter below zero (0 + -1): done() called more times than add()'],
    ['releasing a Semaphore too often', () => new Semaphore(1).release(), 'Semaphore.release() called more times than acquire()'],
    ['a Semaphore of 0', () => new Semaphore(0), 'new Semaphore(n): n = 0 is not valid: expected an integer ≥ 1'],
    ['closing a closed Channel', () => { const c = new Channel(); c.close(); c.close() }, 'close of a closed Channel'],
    ['a Channel of capacity -1', () => new Channel(-1), 'capacity = -1 is not valid'],
  ])('%s', (_, f, message) => {
    expect(f).toThrow(message)
  })

  it('sending on a closed Channel', async () => {
    const c = new Channel<number>(1)
    c.close()
    await expect(c.send(1)).rejects.toThrow('send on a closed Channel')
  })
})

describe('deadlock', () => {
  it('two workers taking two mutexes in opposite order fail at once, listing who waits on what and where', async () => {
    const { value } = await inIteration(async (run) => {
      const a = new Mutex()
      const b = new Mutex()
      return fanOut(run, 2, async (i) => {
        const [first, second] = i === 0 ? [a, b] : [b, a]
        await first.lock()
        await pause(run)
        await pause(run)
        await second.lock()
      }).catch((e: unknown) => e)
    })
    expect(value).toBeInstanceOf(DeadlockError)
    const message = (value as Error).message
    expect(message).toMatch(/^vitest-race: all workers are asleep - deadlock!\n/)
    expect(message).toMatch(/ {2}the test body waits on fanOut\(2\) since .*test\/sync\/primitives\.test\.ts:\d+:\d+/)
    expect(message).toMatch(/ {2}worker 1 waits on Mutex\.lock\(\) since .*test\/sync\/primitives\.test\.ts:\d+:\d+/)
    expect(message).toMatch(/ {2}worker 2 waits on Mutex\.lock\(\) since .*test\/sync\/primitives\.test\.ts:\d+:\d+/)
  })

  it('a receive nobody will ever send to', async () => {
    const { value } = await inIteration(async (run) => {
      const ch = new Channel<number>()
      return fanOut(run, 1, () => ch.receive()).catch((e: unknown) => e)
    })
    expect((value as Error).message).toMatch(/worker 1 waits on Channel\.receive\(\)/)
  })

  it('a worker waiting on a timer is not deadlocked', async () => {
    const { value } = await inIteration(async (run) => {
      const ch = new Channel<number>()
      const [v] = await fanOut(run, 2, async (i) => {
        if (i === 0) return ch.receive()
        await new Promise((r) => setTimeout(r, 5))
        await ch.send(9)
        return 0
      })
      return v
    })
    expect(value).toBe(9)
  })
})
