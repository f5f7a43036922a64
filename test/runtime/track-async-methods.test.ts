import { describe, expect, it } from 'vitest'
import { fanOut } from '../../src/runtime/workers.js'
import { inIteration } from './in-iteration.js'

class Connection {
  state = 'closed'
  async open(): Promise<void> {
    this.state = 'opening'
    await Promise.resolve()
    this.state = 'open'
  }
}

class Counter {
  value = 0
  async set(v: number): Promise<void> {
    this.value = v
  }
  async touch(): Promise<void> {}
  async fail(): Promise<never> {
    this.value = -1
    throw new Error('failed on purpose')
  }
}

describe('async methods of tracked objects run their synchronous prefix in the caller’s turn', () => {
  it('open() has set the state before the call returns', async () => {
    await inIteration(async (run) => {
      const c = run.tracker.track(new Connection(), 'c')
      const p = c.open()
      expect(c.state).toBe('opening')
      await p
      expect(c.state).toBe('open')
    })
  })

  it('fanOut(4, () => c.set(c.value + 1)) ends at 4 and reports nothing, under every seed tried', async () => {
    for (let seed = 1; seed <= 10; seed++) {
      const { value, races } = await inIteration(
        async (run) => {
          const c = run.tracker.track(new Counter(), 'counter')
          await fanOut(run, 4, () => c.set(c.value + 1))
          return c.value
        },
        { seed },
      )
      expect(value).toBe(4)
      expect(races).toEqual([])
    }
  })

  it('a rejection still reaches the caller, after the settling point', async () => {
    await inIteration(async (run) => {
      const c = run.tracker.track(new Counter(), 'counter')
      const p = c.fail()
      expect(c.value).toBe(-1)
      await expect(p).rejects.toThrow('failed on purpose')
    })
  })

  it('the settling point stays: other workers may run between a method settling and its caller going on', async () => {
    const finals: number[] = []
    for (let seed = 1; seed <= 10; seed++) {
      const { value, labels } = await inIteration(
        async (run) => {
          const c = run.tracker.track(new Counter(), 'counter')
          await fanOut(run, 2, async () => {
            const v = c.value
            await c.touch() // no await of its own: only the settling point can let the other worker in
            c.value = v + 1
          })
          return c.value
        },
        { seed },
      )
      expect(labels).toEqual(['counter.value'])
      finals.push(value)
    }
    expect(finals).toContain(1) // a lost update: the other worker ran at the settling point
  })
})
