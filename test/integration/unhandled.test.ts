/**
 * Nothing lost: an async call nobody awaits that rejects is an unhandled rejection, which
 * Vitest reports (and fails the run for), with or without race mode. Race mode watches a
 * task's promise through the promise hooks, never with a handler of its own that would
 * swallow the rejection (seen on a real library: 26 unhandled rejections, none in race mode).
 */
import { describe, expect, it } from 'vitest'
import { runVitest } from './run-vitest.js'

describe('a rejection nobody handles stays unhandled', () => {
  for (const race of [false, true]) {
    it(`in a plain test and a concurrentTest body (${race ? 'race' : 'stress'} mode)`, () => {
      const run = runVitest('unhandled', [], race ? { VITEST_RACE: '1' } : {})
      expect(run.output).toContain('Unhandled Rejection')
      expect(run.output).toContain('Error: lost subscription')
      expect(run.output).toContain('Error: lost in a concurrentTest body')
      expect(run.code).toBe(1)
    })
  }
})
