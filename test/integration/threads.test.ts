/**
 * concurrentTest.threads end to end: Vitest runs the fixture project's threads tests (worker
 * modules in .ts: tsx on Node 20, type stripping on Node 22.6+) and we read what it prints.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { reportCount, runVitest, type VitestRun } from './run-vitest.js'

/** The lines Vitest's verbose reporter prints for one test, passed (✓) or failed (×). */
function outcome(output: string, name: string): 'passed' | 'failed' | 'missing' {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  if (new RegExp(`[✓√] (?:\\S+ > )?${escaped}`).test(output)) return 'passed'
  if (new RegExp(`[×✗] (?:\\S+ > )?${escaped}`).test(output)) return 'failed'
  return 'missing'
}

/** The text of the failure block of one test. */
function failure(output: string, name: string): string {
  const start = output.indexOf(`> ${name}\n`)
  if (start < 0) return ''
  const end = output.slice(start).search(/⎯+\[\d+\/\d+\]⎯/)
  return output.slice(start, end < 0 ? undefined : start + end)
}

describe('race mode', () => {
  let run: VitestRun
  beforeAll(() => {
    run = runVitest('threads', ['race.test.ts', 'norace.test.ts', 'errors.test.ts', '--reporter=verbose'], { VITEST_RACE: '1' })
  })

  it('exits with GORACE exitcode 66 and sums the races up', () => {
    expect(run.code).toBe(66)
    expect(run.output).toContain('Found 5 data race(s)')
  })

  it('reports counter++ from 4 threads: a read and a write of the same element by two threads', () => {
    const text = failure(run.output, 'counter++ from 4 threads')
    expect(reportCount(text)).toBe(1)
    expect(text).toMatch(/(Read|Write) at shared\.count\[0\] by thread \d:\n  default  workers\/counter\.worker\.ts:6:\d+\nPrevious (read|write) at shared\.count\[0\] by thread \d:\n  default  workers\/counter\.worker\.ts:6:\d+/)
    expect(text).toContain('failed in race mode on iteration 1 of 5 (seed 0x1, 4 threads)')
    expect(text).toMatch(/Caused by: PreviousAccess: Previous (read|write) at shared\.count\[0\] by thread \d/)
  })

  it('reports data published through a plain flag: the flag and the data', () => {
    const text = failure(run.output, 'data published through a plain flag')
    expect(reportCount(text)).toBe(2)
    // Which access the merge saw first depends on the threads' timing; the pair does not.
    const pair = (location: string, readLine: number, writeLine: number) =>
      new RegExp(
        `(Read at ${location} by thread 1:\\n  default  workers/plain-flag\\.worker\\.ts:${readLine}:\\d+\\nPrevious write at ${location} by thread 0:\\n  default  workers/plain-flag\\.worker\\.ts:${writeLine}:\\d+` +
          `|Write at ${location} by thread 0:\\n  default  workers/plain-flag\\.worker\\.ts:${writeLine}:\\d+\\nPrevious read at ${location} by thread 1:\\n  default  workers/plain-flag\\.worker\\.ts:${readLine}:\\d+)`,
      )
    expect(text).toMatch(pair('shared\\.flag\\[0\\]', 9, 7))
    expect(text).toMatch(pair('shared\\.data\\[0\\]', 10, 6))
  })

  it('reports a plain write against an atomic load, naming the atomic access', () => {
    const text = failure(run.output, 'a plain write against an atomic load')
    expect(reportCount(text)).toBe(1)
    expect(text).toMatch(/(Write at shared\.cell\[0\] by thread 0:[^]*Previous atomic read at shared\.cell\[0\] by thread 1:|Atomic read at shared\.cell\[0\] by thread 1:[^]*Previous write at shared\.cell\[0\] by thread 0:)/)
  })

  it('reports parts added up without waiting for the ThreadWaitGroup', () => {
    const text = failure(run.output, 'parts added up without waiting')
    expect(reportCount(text)).toBeGreaterThanOrEqual(1)
    expect(text).toMatch(/at shared\.parts\[[123]\] by thread/)
  })

  it.each([
    'Atomics.add from 4 threads',
    'disjoint indexes',
    'data published with Atomics.store, read after Atomics.load sees it',
    'debits across threads under a ThreadMutex',
    'written in shared before the start, read in check',
    'parts added up after a ThreadWaitGroup',
    'a table filled under ThreadOnce',
  ])('stays silent: %s', (name) => {
    expect(outcome(run.output, name)).toBe('passed')
  })

  it('fails a test whose thread throws with its own error, thread number and line', () => {
    const text = failure(run.output, 'a thread throws')
    expect(text).toContain('ThreadError: thread 2 threw: the ledger is closed')
    expect(text).toMatch(/workers\/throws\.worker\.ts:4:\d+/)
    expect(reportCount(text)).toBe(0)
  })

  it('fails a test whose worker module cannot start, saying why', () => {
    expect(failure(run.output, 'a worker module without a default export')).toMatch(/ThreadError: thread \d could not start: the worker module \S+no-default\.worker\.ts has no default export function/)
    expect(failure(run.output, 'a worker module that does not compile')).toMatch(/ThreadError: thread \d could not start: the worker module \S+syntax-error\.worker\.ts could not be loaded/)
    expect(failure(run.output, 'a worker module that does not exist')).toMatch(/the worker module \S+missing\.worker\.ts does not exist/)
    expect(failure(run.output, 'shared holds something else')).toContain('shared().count is an object; expected an integer or float typed array')
  })

  it("diagnoses threads blocked for good as Go does, with each thread's wait, before the test's timeout", () => {
    const text = failure(run.output, 'a thread that never gets its lock')
    expect(text).toContain('DeadlockError: vitest-race: all threads are asleep - deadlock!')
    expect(text).toMatch(/  thread [01] waits in ThreadMutex\.lock\(\) on shared\.mu \(held by thread [01]\) since workers\/deadlock\.worker\.ts:6:13/)
    expect(text).toMatch(/  thread [01] waits in ThreadMutex\.lock\(\) on shared\.mu \(held by thread [01]\) since workers\/deadlock\.worker\.ts:[56]:13/)
    expect(text).not.toContain('Test timed out')
  })

  it('leaves no stray error behind', () => {
    expect(run.output).not.toMatch(/Unhandled (Rejection|Error)/)
    expect(run.output).not.toContain('Terminating worker thread')
    expect(run.output).toMatch(/Tests +10 failed \| 7 passed \(17\)/)
  })
})

describe('stress mode', () => {
  it('passes the race-free tests and shows the racy counter as lost updates', () => {
    const r = runVitest('threads', ['norace.test.ts', 'stress.test.ts', '--reporter=verbose'])
    expect(reportCount(r.output)).toBe(0)
    expect(r.output).toMatch(/Tests +1 failed \| 7 passed \(8\)/)
    // 4 threads × 100 increments: the pauses inside the read-modify-write lose some of them.
    expect(failure(r.output, 'counter++ from 4 threads loses updates')).toMatch(/AssertionError: expected \d+ to be 400[^]*failed in stress mode/)
  })
})

it('rejects a bad option in one line, naming it and the range', () => {
  const r = runVitest('threads', ['bad-options.test.ts'])
  expect(r.code).toBe(1)
  expect(r.output).toContain('RaceOptionError: vitest-race: threads = 0 (from concurrentTest.threads options) is not valid: expected an integer from 1 to 128.')
})
