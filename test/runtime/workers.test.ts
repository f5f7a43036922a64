import { describe, expect, it } from 'vitest'
import { fanOut, pause, scheduled, spawn } from '../../src/runtime/workers.js'
import { WorkerCancelledError } from '../../src/runtime/scheduler.js'
import { Mutex } from '../../src/sync/mutex.js'
import { inIteration } from './in-iteration.js'

describe('fanOut', () => {
  it('resolves to the results in index order', async () => {
    const { value } = await inIteration(async (run) =>
      fanOut(run, 5, async (i) => {
        await pause(run)
        return i * 10
      }),
    )
    expect(value).toEqual([0, 10, 20, 30, 40])
  })

  it.each([0, -1, 1.5, Number.NaN])('rejects n = %s with the value and what is allowed', async (n) => {
    await inIteration(async (run) => {
      await expect(fanOut(run, n, () => 1)).rejects.toThrow(`fanOut(n, fn): n = ${n} is not valid: expected an integer ≥ 1`)
    })
  })

  it('rejects a non-function', async () => {
    await inIteration(async (run) => {
      await expect(fanOut(run, 2, 'nope' as never)).rejects.toThrow('fanOut(n, fn): fn must be a function, got string')
    })
  })

  it('when a worker throws, cancels the others and rejects with its error', async () => {
    const aborted: boolean[] = []
    const { run } = await inIteration(async (run) => {
      const error = await fanOut(run, 4, async (i, signal) => {
        await pause(run)
        if (i === 2) throw new Error('boom')
        try {
          for (;;) await pause(run) // would never end without cancellation
        } finally {
          aborted.push(signal.aborted)
        }
      }).catch((e: unknown) => e)
      // The worker's own error, untouched: which worker threw it is noted beside it, in the report.
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).message).toBe('boom')
    })
    // Every worker that got into its loop saw its signal aborted; all of them were cancelled.
    expect(aborted.every((a) => a)).toBe(true)
    expect([...run.workers.values()].map((w) => w.state)).toEqual(['running', 'cancelled', 'cancelled', 'failed', 'cancelled'])
  })

  it('rejects with a thrown non-Error as it is', async () => {
    await inIteration(async (run) => {
      await expect(fanOut(run, 1, () => Promise.reject('plain string'))).rejects.toBe('plain string')
    })
  })

  it('outside its iteration says where it may be called', async () => {
    const { run } = await inIteration(() => undefined)
    await expect(fanOut(run, 1, () => 1)).rejects.toThrow('fanOut must be called while its concurrentTest body runs')
  })
})

describe('happens-before edges', () => {
  it('fork: what the body wrote before fanOut is ordered before the workers', async () => {
    const { races } = await inIteration(async (run) => {
      const o = run.tracker.track({ n: 0 }, 'o')
      o.n = 1
      await fanOut(run, 2, async () => {
        await pause(run)
        const v = o.n
        await pause(run)
        return v
      })
    })
    expect(races).toEqual([])
  })

  it('join: after awaiting spawn, the body may read-await-write what the worker wrote', async () => {
    const { races } = await inIteration(async (run) => {
      const o = run.tracker.track({ n: 0 }, 'o')
      await spawn(run, async () => {
        const v = o.n
        await pause(run)
        o.n = v + 1
      })
      const v = o.n
      await Promise.resolve()
      o.n = v + 1
    })
    expect(races).toEqual([])
  })

  it('without the join, the body writing while the worker runs races', async () => {
    const { labels } = await inIteration(async (run) => {
      const o = run.tracker.track({ n: 0 }, 'o')
      const h = spawn(run, async () => {
        const v = o.n
        await pause(run)
        o.n = v + 1
      })
      o.n = 5
      await h
    })
    expect(labels).toEqual(['o.n'])
  })

  it('Mutex: unlock → later lock orders read-await-write sections', async () => {
    const { races, value } = await inIteration(async (run) => {
      const mu = new Mutex()
      const o = run.tracker.track({ n: 0 }, 'o')
      const audit = scheduled(run, async function audit() {})
      await fanOut(run, 5, () =>
        mu.runExclusive(async () => {
          const v = o.n
          await audit()
          o.n = v + 1
        }),
      )
      return o.n
    })
    expect(races).toEqual([])
    expect(value).toBe(5)
  })

  it('Mutex: a write between the read and taking the lock still races', async () => {
    const { labels } = await inIteration(async (run) => {
      const mu = new Mutex()
      const o = run.tracker.track({ n: 0 }, 'o')
      await fanOut(run, 2, async () => {
        const v = o.n // read outside the lock
        await pause(run)
        await mu.runExclusive(() => {
          o.n = v + 1
        })
      })
    })
    expect(labels).toEqual(['o.n'])
  })

  it('the scheduler releasing a worker is not an edge: a scheduled settle does not order workers', async () => {
    const { labels } = await inIteration(async (run) => {
      const o = run.tracker.track({ n: 0 }, 'o')
      const io = scheduled(run, async function io() {})
      await fanOut(run, 2, async () => {
        const v = o.n
        await io()
        o.n = v + 1
      })
    })
    expect(labels).toEqual(['o.n'])
  })
})

describe('Mutex', () => {
  it('unlocking an unlocked mutex fails clearly', () => {
    expect(() => new Mutex().unlock()).toThrow('Mutex.unlock() called on a Mutex that is not locked')
  })

  it('works outside concurrentTest and hands over in FIFO order', async () => {
    const mu = new Mutex()
    const order: number[] = []
    await mu.lock()
    const waiters = [1, 2, 3].map((i) => mu.lock().then(() => order.push(i)))
    mu.unlock()
    await waiters[0]
    mu.unlock()
    await waiters[1]
    mu.unlock()
    await waiters[2]
    mu.unlock()
    expect(order).toEqual([1, 2, 3])
    expect(mu.isLocked).toBe(false)
  })

  it('a cancelled waiter gives its place up', async () => {
    await inIteration(async (run) => {
      const mu = new Mutex()
      const error = await fanOut(run, 3, async (i) => {
        if (i === 0) {
          await mu.lock()
          await pause(run)
          await pause(run)
          throw new Error('holder fails')
        }
        await pause(run)
        await mu.lock()
        mu.unlock()
      }).catch((e: unknown) => e)
      expect((error as Error).message).toContain('holder fails')
      expect(mu.isLocked).toBe(true) // the failed holder never unlocked: the waiters left
      mu.unlock()
      expect(mu.isLocked).toBe(false)
    })
  })

  it('cancellation reaches a worker waiting at a point', async () => {
    await inIteration(async (run) => {
      const result = await fanOut(run, 2, async (i) => {
        if (i === 0) throw new Error('first')
        for (;;) await pause(run)
      }).catch((e: unknown) => e)
      expect(result).not.toBeInstanceOf(WorkerCancelledError)
      expect((result as Error).message).toContain('first')
    })
  })
})

describe('the settling of async methods of tracked objects is a scheduling point', () => {
  class Inventory {
    stock = 1
    async available(): Promise<boolean> {
      return this.stock > 0
    }
    take(): void {
      this.stock--
    }
  }

  it('their settling lets other workers in (their call does not: the synchronous prefix runs in the caller’s turn): check-then-act across a call oversells under some schedules', async () => {
    const finals = new Set<number>()
    let labels: string[] = []
    for (let seed = 1; seed <= 20; seed++) {
      const { value, run } = await inIteration(
        async (run) => {
          const inv = run.tracker.track(new Inventory(), 'inv')
          await fanOut(run, 2, async () => {
            if (await inv.available()) inv.take()
          })
          return inv.stock
        },
        { race: false, seed },
      )
      finals.add(value)
      labels = run.scheduler.steps.map((s) => s.after)
    }
    expect(finals).toEqual(new Set([0, -1]))
    expect(labels).not.toContain('call inv.available()')
    expect(labels).toContain('inv.available() settled')
  })
})
