/**
 * Nothing lost, nothing hung (issue 12): a worker's error reaches the body as the same value,
 * whatever its type, and fanOut rejects with it even while another worker waits forever.
 */
import { describe, expect, it, type TestContext } from 'vitest'
import { DEFAULT_SETTINGS } from '../../src/options.js'
import { fanOut, FANOUT_MAX, pause, spawn } from '../../src/runtime/workers.js'
import { runIteration } from '../../src/runtime/iteration-runner.js'
import { randomSchedule } from '../../src/runtime/strategies.js'
import { describeThrown, failWith, withNote } from '../../src/runtime/error-notes.js'
import { inIteration } from './in-iteration.js'
import { currentContext } from '../../src/runtime/context.js'
import type { IterationRun } from '../../src/runtime/iteration.js'

class ReadOnlyMessage extends Error {
  override get message(): string {
    return 'read-only'
  }
}

const throwingMessage = {
  name: 'Weird',
  get message(): string {
    throw new Error('message getter threw')
  },
}

const oddValues: [string, () => unknown][] = [
  ['a DOMException AbortError', () => new DOMException('The operation was aborted', 'AbortError')],
  ['a frozen Error', () => Object.freeze(new Error('x'))],
  ['a string', () => 'plain string'],
  ['null', () => null],
  ['a Symbol', () => Symbol('odd')],
  ['an object whose message getter throws', () => throwingMessage],
  ['an Error class with a read-only message', () => new ReadOnlyMessage()],
]

describe('a worker error reaches the body unchanged', () => {
  it.each(oddValues)('%s: fanOut rejects with the same value', async (_, make) => {
    const thrown = make()
    await inIteration(async (run) => {
      const got = await fanOut(run, 3, async (i) => {
        await pause(run)
        if (i === 1) throw thrown
      }).then(
        () => 'resolved',
        (e: unknown) => e,
      )
      expect(got).toBe(thrown)
    })
    if (thrown instanceof DOMException) expect([thrown.name, thrown.message]).toEqual(['AbortError', 'The operation was aborted'])
    if (thrown instanceof ReadOnlyMessage) expect(thrown.message).toBe('read-only')
  })

  it.each(oddValues)('%s: an awaited spawn rejects with the same value', async (_, make) => {
    const thrown = make()
    await inIteration(async (run) => {
      const got = await spawn(run, async () => {
        await pause(run)
        throw thrown
      }).then(
        () => 'resolved',
        (e: unknown) => e,
      )
      expect(got).toBe(thrown)
    })
  })

  it('the frozen error is still frozen and its message and stack are what it had', async () => {
    const frozen = Object.freeze(new Error('x'))
    const stack = frozen.stack
    await inIteration(async (run) => {
      await fanOut(run, 2, (i) => {
        if (i === 0) throw frozen
      }).catch(() => undefined)
    })
    expect(Object.isFrozen(frozen)).toBe(true)
    expect([frozen.message, frozen.stack]).toEqual(['x', stack])
  })
})

/** One iteration through the runner concurrentTest uses, with Vitest's own context. */
function iterate(vitest: TestContext, body: Parameters<typeof runIteration>[0]['body']) {
  return runIteration({ settings: { ...DEFAULT_SETTINGS, race: true }, seed: 1, iteration: 0, schedule: randomSchedule(1), body, vitest })
}

describe('the iteration outcome keeps the error and notes which worker threw it', () => {
  it.each(oddValues)('%s', async (_, make, ) => {
    const thrown = make()
    const vitest = expect.getState() as never
    const outcome = await iterate(vitest, async ({ fanOut }) => {
      await fanOut(2, (i) => {
        if (i === 1) throw thrown
      })
    })
    expect(outcome.error).toBe(thrown)
    expect(outcome.notes).toEqual(['thrown by worker 2 (fanOut index 1 of 2)'])
  })

  it('an unawaited failure is the outcome, noted as never awaited', async () => {
    const frozen = Object.freeze(new Error('lost'))
    const outcome = await iterate(expect.getState() as never, async ({ spawn }) => {
      void spawn(() => {
        throw frozen
      })
    })
    expect(outcome.error).toBe(frozen)
    expect(outcome.notes).toEqual(['thrown by worker 1 (its promise was never awaited)'])
  })
})

describe('nothing hangs', () => {
  it('fanOut rejects with the first error while another worker waits on a promise that never settles', async () => {
    const never = new Promise<void>(() => {})
    const boom = new Error('boom')
    let run: IterationRun | undefined
    const outcome = await iterate(expect.getState() as never, async ({ fanOut }) => {
      run = currentContext()!.run
      await fanOut(3, async (i) => {
        if (i === 0) await never
        await pause0()
        if (i === 1) throw boom
      })
    })
    expect(outcome.error).toBe(boom)
    expect(run!.workers.get(1)!.state).toBe('running') // still waiting: not awaited
  })

  it('a cancelled worker that goes on to lock a mutex fails there instead of waiting', async () => {
    const { Mutex } = await import('../../src/sync/mutex.js')
    const { run } = await inIteration(async (run) => {
      const mu = new Mutex()
      let held!: () => void
      const holding = new Promise<void>((resolve) => (held = resolve))
      await fanOut(run, 2, async (i) => {
        if (i === 0) {
          await mu.lock()
          held()
          await pause(run)
          throw new Error('holder fails')
        }
        // Whatever the schedule, the lock is held by then: this worker blocks on it.
        await holding
        await mu.lock()
      }).catch(() => undefined)
    })
    expect([...run.workers.values()].map((w) => w.state)).toEqual(['running', 'failed', 'cancelled'])
  })
})

async function pause0(): Promise<void> {
  await null
}

describe('fanOut(n) above the maximum', () => {
  it.each([FANOUT_MAX + 1, 10 ** 9])('n = %s is a RangeError naming n and the maximum, before any worker starts', async (n) => {
    const { run } = await inIteration(async (run) => {
      await expect(fanOut(run, n, () => 1)).rejects.toThrow(
        new RangeError(`vitest-race: fanOut(n, fn): n = ${n} is not valid: expected an integer ≥ 1 and ≤ ${FANOUT_MAX} (the most workers one fanOut starts)`),
      )
    })
    expect(run.workers.size).toBe(1)
  })
})

describe('notes beside the error', () => {
  it('failWith annotates the test and returns the error itself', async () => {
    const annotations: [string, string | undefined][] = []
    const vitest = { annotate: async (message: string, type?: string) => void annotations.push([message, type]) } as unknown as TestContext
    const frozen = Object.freeze(new Error('x'))
    expect(await failWith(vitest, frozen, ['thrown by worker 1', 'replay'])).toBe(frozen)
    expect(annotations).toEqual([
      ['thrown by worker 1', 'vitest-race'],
      ['replay', 'vitest-race'],
    ])
  })

  it('without annotations, a frozen error is kept whole as the cause of the note', () => {
    const frozen = Object.freeze(new Error('x'))
    const out = withNote(frozen, 'replay with seed 1')
    expect(out).not.toBe(frozen)
    expect(out.cause).toBe(frozen)
    expect(out.message).toBe('Error: x\nreplay with seed 1')
    expect(frozen.message).toBe('x')
  })

  it('describeThrown never throws', () => {
    expect(oddValues.map(([, make]) => describeThrown(make()))).toEqual([
      'AbortError: The operation was aborted',
      'Error: x',
      'plain string',
      'null',
      'Symbol(odd)',
      '[object Object]',
      'Error: read-only',
    ])
  })
})

describe('the event loop runs during a long iteration', () => {
  it('a timer set when the iteration starts fires before it ends (so the test timeout can)', async () => {
    let fired = false
    let firedAtStep: number | undefined
    await inIteration(async (run) => {
      setTimeout(() => {
        fired = true
        firedAtStep = run.scheduler.steps.length
      }, 0)
      // Promise reactions only: 4,000 steps, no timer or I/O of its own.
      await fanOut(run, 20, async () => {
        for (let i = 0; i < 200; i++) await pause(run)
      })
      expect(fired).toBe(true)
    })
    expect(firedAtStep).toBeLessThan(4_000)
  })
})
