/** The scheduler on its own: who goes when, cancellation, blocking, deadlock, starvation, silence. */
import { describe, expect, it } from 'vitest'
import { DeadlockError, lowerBound, Scheduler, WorkerCancelledError, type Strategy } from '../../src/runtime/scheduler.js'
import { DecisionStrategy, RoundRobinStrategy } from '../../src/runtime/strategies.js'

/** A strategy that records what it was offered and picks by `choose`. */
function recording(choose: (pending: readonly number[], last: number | undefined) => number = (p) => p[0]!): Strategy & { offered: { pending: number[]; last: number | undefined }[] } {
  const offered: { pending: number[]; last: number | undefined }[] = []
  return {
    offered,
    pick(pending, last) {
      offered.push({ pending: [...pending], last })
      return choose(pending, last)
    },
  }
}

function scheduler(strategy: Strategy): Scheduler {
  return new Scheduler({ strategy, stack: () => 'Error\n    at where (test.ts:1:1)', describe: (s) => (s === undefined ? '?' : 'test.ts:1:1') })
}

/** Worker `w` passes `points` scheduling points, logging each step it makes; then it finishes. */
async function worker(s: Scheduler, w: number, points: number, log: string[]): Promise<void> {
  for (let i = 0; i < points; i++) {
    await s.point(w, `pause() ${i}`)
    log.push(`${w}.${i}`)
  }
  s.finish(w)
}

describe('Scheduler', () => {
  it('offers every worker started together at once, in id order, and plays the strategy', async () => {
    const strategy = recording()
    const s = scheduler(strategy)
    const log: string[] = []
    for (const w of [1, 2, 3]) s.add(w)
    await Promise.all([3, 1, 2].map((w) => worker(s, w, 1, log)))
    expect(strategy.offered[0]).toEqual({ pending: [1, 2, 3], last: undefined })
    expect(log).toEqual(['1.0', '2.0', '3.0'])
    expect(s.steps).toEqual([1, 2, 3].map((w) => ({ worker: w, after: 'pause() 0', forced: false })))
    expect(s.unfinished()).toEqual([])
  })

  it('tells the strategy which worker went last when it waits again (continuing it is no switch)', async () => {
    const strategy = recording((pending, last) => last ?? pending[0]!)
    const s = scheduler(strategy)
    const log: string[] = []
    s.add(1)
    s.add(2)
    await Promise.all([worker(s, 1, 3, log), worker(s, 2, 3, log)])
    expect(log).toEqual(['1.0', '1.1', '1.2', '2.0', '2.1', '2.2'])
    expect(strategy.offered[1]).toEqual({ pending: [1, 2], last: 1 })
  })

  it('interleaves as the decisions say, the same way every time', async () => {
    const run = async () => {
      const s = scheduler(new DecisionStrategy([1, 1, 0, 1, 1, 0]))
      const log: string[] = []
      s.add(1)
      s.add(2)
      await Promise.all([worker(s, 1, 3, log), worker(s, 2, 3, log)])
      return log
    }
    const first = await run()
    expect(first).toEqual(await run())
    expect(first).toEqual(['2.0', '1.0', '1.1', '2.1', '1.2', '2.2'])
  })

  it('a cancelled worker that waits fails now; a running one at its next point', async () => {
    const s = scheduler(new RoundRobinStrategy())
    s.add(1)
    s.add(2)
    s.add(3)
    // 1 waits at a point the strategy will not reach before the cancel (cancelled in the same turn).
    const waiting = s.point(1, 'pause()')
    s.cancel([1, 2])
    await expect(waiting).rejects.toBeInstanceOf(WorkerCancelledError)
    await expect(s.point(2, 'pause()')).rejects.toMatchObject({ name: 'WorkerCancelledError', worker: 2, message: 'worker 2 was cancelled because another worker failed' })
    // 3 was not cancelled: it goes on.
    await s.point(3, 'pause()')
    s.finish(3)
  })

  it('never picks a blocked worker until it is woken', async () => {
    const strategy = recording()
    const s = scheduler(strategy)
    const log: string[] = []
    s.add(1)
    s.add(2)
    const blocked = s.block(1, 'Mutex.lock()')
    const two = (async () => {
      await s.point(2, 'pause()')
      log.push('2 ran')
      blocked.wake()
      s.finish(2)
    })()
    await blocked.gate
    log.push('1 woke')
    s.finish(1)
    await two
    expect(log).toEqual(['2 ran', '1 woke'])
    expect(strategy.offered[0]!.pending).toEqual([2])
    expect(s.steps.map((x) => `${x.worker} after ${x.after}`)).toEqual(['2 after pause()', '1 after Mutex.lock()'])
  })

  it('lists unfinished workers with what each waits on', async () => {
    const s = scheduler(recording())
    s.add(1)
    s.add(2)
    const blocked = s.block(1, 'WaitGroup.wait()')
    expect(s.unfinished()).toEqual([
      { worker: 1, status: 'blocked', waitingOn: 'WaitGroup.wait()' },
      { worker: 2, status: 'running', waitingOn: '' },
    ])
    s.cancel([1, 2])
    await expect(blocked.gate).rejects.toBeInstanceOf(WorkerCancelledError)
  })

  it("fails every blocked worker and the test body with Go's deadlock error when nothing can wake them", async () => {
    const s = scheduler(recording())
    s.add(1)
    const one = s.block(1, 'Mutex.lock()')
    const body = s.block(0, 'fanOut(1)')
    const [a, b] = await Promise.allSettled([one.gate, body.gate])
    for (const r of [a, b]) {
      expect(r.status).toBe('rejected')
      const e = (r as PromiseRejectedResult).reason as DeadlockError
      expect(e).toBeInstanceOf(DeadlockError)
      expect(e.message).toBe(['vitest-race: all workers are asleep - deadlock!', '  the test body waits on fanOut(1) since test.ts:1:1', '  worker 1 waits on Mutex.lock() since test.ts:1:1'].join('\n'))
    }
  })

  it('is no deadlock while a blocked worker can still be woken by a timer', async () => {
    const s = scheduler(recording())
    s.add(1)
    const one = s.block(1, 'Mutex.lock()')
    const body = s.block(0, 'fanOut(1)')
    setTimeout(() => one.wake(), 1)
    await one.gate
    s.finish(1)
    body.wake()
    await body.gate
  })

  it('lets a starving worker go after 64 steps of another spinning on pause()', async () => {
    // The strategy always continues the worker that went last: 1 would spin forever.
    const s = scheduler(recording((pending, last) => last ?? pending[0]!))
    let ready = false
    let spins = 0
    s.add(1)
    s.add(2)
    const spinner = (async () => {
      while (!ready) {
        await s.point(1, 'pause()')
        spins++
      }
      s.finish(1)
    })()
    const setter = (async () => {
      await s.point(2, 'pause()')
      ready = true
      s.finish(2)
    })()
    await Promise.all([spinner, setter])
    // 64 steps of 1 in a row, then 2 (waiting since the start), then 1 sees the flag.
    expect(s.steps.findIndex((x) => x.worker === 2)).toBe(64)
    expect(spins).toBe(65)
  })

  it('lets a pending worker go when the running ones stay silent for an event-loop turn (real I/O), marked forced', async () => {
    const s = scheduler(recording())
    s.add(1)
    s.add(2)
    const log: string[] = []
    // 1 stays running while it waits for a timer the scheduler cannot see.
    const one = (async () => {
      await new Promise((r) => setTimeout(r, 5))
      log.push('1 done')
      s.finish(1)
    })()
    const two = (async () => {
      await s.point(2, 'pause()')
      log.push('2 went')
      s.finish(2)
    })()
    await Promise.all([one, two])
    expect(log).toEqual(['2 went', '1 done'])
    expect(s.steps).toEqual([{ worker: 2, after: 'pause()', forced: true }])
  })

  it('lets the event loop run during a long run of steps (a timer fires before it ends)', async () => {
    const s = scheduler(new RoundRobinStrategy())
    let fired = -1
    let steps = 0
    setTimeout(() => (fired = steps), 0)
    s.add(1)
    for (let i = 0; i < 2_000; i++) {
      await s.point(1, 'pause()')
      steps++
    }
    s.finish(1)
    expect(fired).toBeGreaterThan(0)
    expect(fired).toBeLessThan(2_000)
  })

  it('ignores workers it never saw: their points pass at once', async () => {
    const s = scheduler(recording())
    await s.point(9, 'pause()')
    expect(s.steps).toEqual([])
  })
})

describe('lowerBound', () => {
  it('finds the first element not below the value', () => {
    const list = [1, 3, 3, 7]
    expect([0, 1, 2, 3, 4, 7, 8].map((v) => lowerBound(list, v))).toEqual([0, 0, 1, 1, 3, 3, 4])
    expect(lowerBound([], 5)).toBe(0)
  })
})
