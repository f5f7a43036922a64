/**
 * A worker (or the body) that throws a falsy value fails the test with that value (issue 12):
 * the iteration outcome carries an explicit `failed` flag instead of testing the value.
 */
import { describe, expect, it } from 'vitest'
import { runVitest } from './run-vitest.js'

describe.each([
  ['race mode', { VITEST_RACE: '1' }],
  ['stress mode', {}],
])('throw undefined, null, 0 or an empty string: %s', (_, env) => {
  const r = runVitest('errors', ['falsy-throws'], env)
  /** The failure block of one test, up to the next divider. */
  const block = (test: string) => r.output.split(`FAIL  falsy-throws.test.ts > ${test}\n`)[1]?.split('⎯⎯⎯')[0] ?? ''

  it('every test fails', () => {
    expect(r.code).toBe(1)
    expect(r.output).toMatch(/Tests +5 failed \(5\)/)
  })

  it.each([
    ['a worker throws undefined', 'Unknown Error: undefined\n'],
    ['a worker throws null', 'Unknown Error: null\n'],
    ['a worker throws 0', 'Unknown Error: 0\n'],
    // Vitest prints a thrown '' as the object it made of it.
    ["a worker throws ''", "{ message: '', stacks: [] }\n"],
  ])('%s: the value as thrown, noted with the worker that threw it', (test, printed) => {
    const text = block(test)
    expect(text.startsWith(printed)).toBe(true)
    expect(text).toContain('↳ thrown by worker 2 (fanOut index 1 of 2)\n')
  })

  it('the body throwing undefined fails too', () => {
    expect(block('the body throws undefined after its workers finished').startsWith('Unknown Error: undefined\n')).toBe(true)
  })
})
