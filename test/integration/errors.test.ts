import { describe, expect, it } from 'vitest'
import { reportCount, runVitest } from './run-vitest.js'

const RACE = { VITEST_RACE: '1' }

describe('bad input fails clearly', () => {
  it('zero iterations names the option, the value and what is allowed', () => {
    const r = runVitest('errors', ['bad-iterations'], RACE)
    expect(r.code).toBe(1)
    expect(r.output).toContain('RaceOptionError: vitest-race: iterations = 0 (from concurrentTest options) is not valid: expected an integer ≥ 1.')
  })

  it('a body that is not a function', () => {
    const r = runVitest('errors', ['bad-body'], RACE)
    expect(r.code).toBe(1)
    expect(r.output).toContain('TypeError: vitest-race: concurrentTest(name, body, options): body = number 42 is not valid: expected a function')
  })

  it('fanOut(0, …)', () => {
    const r = runVitest('errors', ['fanout-zero'], RACE)
    expect(r.code).toBe(1)
    expect(r.output).toContain('RangeError: vitest-race: fanOut(n, fn): n = 0 is not valid: expected an integer ≥ 1')
  })

  it('a bad plugin option stops the run before any test', () => {
    const r = runVitest('bad-plugin', [])
    expect(r.code).not.toBe(0)
    expect(r.output).toContain('historySize = 9 (from race() plugin options) is not valid: expected an integer from 0 to 7.')
    expect(r.output).not.toContain('never runs')
  })

  it('a bad VITEST_RACE stops the run before any test', () => {
    const r = runVitest('core', ['debit-mutex'], { VITEST_RACE: 'history_size=1 halt_on_eror=1' })
    expect(r.code).not.toBe(0)
    expect(r.output).toContain('halt_on_eror = "1" (from VITEST_RACE) is not valid')
    expect(r.output).not.toContain('passed')
  })
})

describe('worker failures', () => {
  it('a throwing worker fails the test saying which worker threw', () => {
    const r = runVitest('errors', ['worker-throws'], RACE)
    expect(r.code).toBe(1)
    // The error as thrown; which worker threw it is an annotation printed under it.
    expect(r.output).toContain('Error: card declined\n')
    expect(r.output).toContain('❯ vitest-race\n   ↳ thrown by worker 2 (fanOut index 1 of 3)\n')
    expect(r.output).toMatch(/concurrentTest "a worker throws" failed in race mode on the run in Promise\.all's order \(every worker to its next await in turn\)\./)
    expect(r.output).not.toContain('Unhandled')
  })

  it('a spawned worker that fails unawaited is reported, not lost, and not as an unhandled rejection', () => {
    const r = runVitest('errors', ['unobserved'], RACE)
    expect(r.code).toBe(1)
    expect(r.output).toContain('Error: lost in the background\n')
    expect(r.output).toContain('↳ thrown by worker 1 (its promise was never awaited)\n')
    expect(r.output).not.toContain('Unhandled')
  })
})

describe('odd errors reach Vitest unchanged, notes beside them', () => {
  const r = runVitest('errors', ['odd-errors'], RACE)
  /** The failure block of one test, up to the next divider. */
  const block = (test: string) => r.output.split(`FAIL  odd-errors.test.ts > ${test}\n`)[1]!.split('⎯⎯⎯')[0]!

  it.each([
    ['throws an AbortError', 'AbortError: The operation was aborted\n'],
    ['throws a frozen error', 'Error: frozen x\n'],
    ['throws a string', 'Unknown Error: plain string\n'],
    ['throws null', 'Unknown Error: null\n'],
    ['throws a Symbol', 'Unknown Error: Symbol(odd)\n'],
    ['throws a throwing message getter', 'Weird: <unserializable>: getter threw\n'],
    ['throws a read-only message', 'Error: read-only message\n'],
  ])('%s: Vitest prints the value as thrown, then the notes', (test, printed) => {
    const text = block(test)
    expect(text.startsWith(printed)).toBe(true)
    expect(text).toContain('❯ vitest-race\n   ↳ thrown by worker 2 (fanOut index 1 of 2)\n')
    expect(text).toContain(`↳ concurrentTest "${test}" failed in race mode`)
    expect(text).not.toContain('vitest-race: worker')
  })

  it('fanOut ends with the first error while another worker waits forever: no timeout', () => {
    const text = block('fanOut ends with the first error while a worker waits forever')
    expect(text.startsWith('Error: the real failure\n')).toBe(true)
    expect(r.output).not.toContain('timed out')
    expect(r.code).toBe(1)
  })
})

describe('reports', () => {
  it('every distinct race of the failing iteration is reported, each pair of code locations once', () => {
    const r = runVitest('errors', ['two-races'], RACE)
    expect(r.code).toBe(66)
    expect(reportCount(r.output)).toBe(2)
    expect(r.output).toContain('Write at stock.apples by worker 2:\n  two-races.test.ts:9:11')
    expect(r.output).toContain('Write at stock.pears by worker 2:\n  two-races.test.ts:10:11')
  })

  it('history_size: an evicted previous access prints [failed to restore the stack]', () => {
    const r = runVitest('errors', ['history'], RACE)
    const [evicted, kept] = r.output.split('FAIL ').slice(1)
    expect(evicted).toContain('history 0 evicts')
    expect(evicted).toContain('Previous write at s.x by worker 1:\n  [failed to restore the stack]')
    expect(kept).toContain('history 1 keeps')
    expect(kept).toContain('Previous write at s.x by worker 1:\n  history.test.ts:14:9')
  })
})

describe('deadlock and strict semantics', () => {
  it('a deadlock fails at once, listing each worker, its wait and where it started', () => {
    const r = runVitest('errors', ['deadlock'], RACE)
    expect(r.code).toBe(1)
    expect(r.output).toContain(
      [
        'DeadlockError: vitest-race: all workers are asleep - deadlock!',
        '  the test body waits on fanOut(2) since deadlock.test.ts:6:9',
        '  worker 1 waits on Mutex.lock() since deadlock.test.ts:10:18',
        '  worker 2 waits on Mutex.lock() since deadlock.test.ts:10:18',
      ].join('\n'),
    )
    expect(r.output).not.toContain('timed out')
  })

  it('blind writes are silent by default and a race under semantics: strict', () => {
    const r = runVitest('errors', ['strict'], RACE)
    expect(r.output).toMatch(/Tests +1 failed \| 1 passed/)
    expect(r.output).toMatch(/× blind writes under strict semantics/)
    expect(reportCount(r.output)).toBe(1)
    expect(r.output).toContain('Write at status.state by worker 2:\n  strict.test.ts:7:12\nPrevious write at status.state by worker 1:')
  })
})
