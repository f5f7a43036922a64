/** concurrentTest as a Vitest test function: its modifiers, fixtures, Vitest options and time budget (test/fixtures/api). */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { runVitest, type VitestRun } from './run-vitest.js'

const RACE = { VITEST_RACE: '1' }

describe('the Vitest test API of concurrentTest, in race mode', () => {
  let r: VitestRun
  beforeAll(() => {
    r = runVitest('api', ['--allowOnly', '--reporter=verbose', 'modifiers', 'only', 'for', 'extend', 'vitest-options', 'prop-record'], RACE)
  })

  it('passes as a whole: no skipped body and no sibling of .only ran, every check in the files held', () => {
    expect(r.output).toContain('Tests  13 passed | 4 skipped | 1 todo (18)')
    expect(r.code).toBe(0)
  })

  it('.skip, .skipIf(true), .runIf(false) skip; .todo is a todo; .skipIf(false) runs', () => {
    expect(r.output).toContain('↓ modifiers.test.ts > a skipped body never runs')
    expect(r.output).toContain('↓ modifiers.test.ts > skipIf(true) skips')
    expect(r.output).toContain('↓ modifiers.test.ts > runIf(false) skips')
    expect(r.output).toContain('□ modifiers.test.ts > a todo')
    expect(r.output).toMatch(/✓ modifiers\.test\.ts > skipIf\(false\) runs/)
    expect(r.output).toMatch(/✓ modifiers\.test\.ts > the bodies that should run ran, once per iteration/)
  })

  it('.only runs alone in its file', () => {
    expect(r.output).toContain('↓ only.test.ts > a sibling of .only never runs')
    expect(r.output).toMatch(/✓ only\.test\.ts > only this one runs/)
  })

  it('.for names each case as Vitest does (%i, $prop) and gives the body the case', () => {
    expect(r.output).toMatch(/✓ for\.test\.ts > 2 workers count up/)
    expect(r.output).toMatch(/✓ for\.test\.ts > 3 workers count up/)
    expect(r.output).toMatch(/✓ for\.test\.ts > '?alice'? debits 2 times/) // Vitest 5 prints $name without quotes
  })

  it('.extend: the fixture is in the context and built once per test, torn down after it', () => {
    expect(r.output).toMatch(/✓ extend\.test\.ts > the fixture is in the context, built once for every iteration/)
    expect(r.output).toMatch(/✓ extend\.test\.ts > a \.for case sees the fixture too \(a\)/)
    expect(r.output).toMatch(/✓ extend\.test\.ts > one fixture per test, not per iteration/)
  })

  it('retry and repeats reach Vitest', () => {
    expect(r.output).toMatch(/✓ vitest-options\.test\.ts > retry: the first attempt fails, the retry passes.*\(retry x1\)/)
    expect(r.output).toMatch(/✓ vitest-options\.test\.ts > repeats: runs 1 \+ 2 times.*\(repeat x2\)/)
    expect(r.output).toMatch(/✓ vitest-options\.test\.ts > retry and repeats reached Vitest/)
  })

  it('.prop takes a record of arbitraries', () => {
    expect(r.output).toMatch(/✓ prop-record\.test\.ts > a record of arbitraries/)
  })

  it('without --allowOnly in CI, Vitest itself rejects the .only', () => {
    const ci = runVitest('api', ['only'], RACE)
    expect(ci.code).toBe(1)
    expect(ci.output).toContain('--allowOnly')
  })
})

describe('the time budget', () => {
  it('ends exploring before the timeout, passes, and says how many runs it made', () => {
    // 400 ms a run, 51 runs asked for, an 8 s timeout from the suite: the budget stops at
    // 60 % of it. Whatever the load, some runs fit and not all of them.
    const json = join(mkdtempSync(join(tmpdir(), 'vitest-race-api-')), 'results.json')
    const b = runVitest('api', ['budget', '--reporter=default', '--reporter=json', `--outputFile.json=${json}`])
    expect(b.output).toContain('1 passed')
    expect(b.code).toBe(0)
    const m = /stdout \| budget\.test\.ts > under a time budget > a slow test explores what fits in its timeout\nvitest-race: budget\.test\.ts > under a time budget > a slow test explores what fits in its timeout: the time budget ended exploring after (\d+) of 51 runs, with no failure \(\d+\.\d s of the 8\.0 s timeout\)\. Pass a larger timeout in the test's options to run them all\./.exec(b.output)
    expect(m).not.toBeNull()
    expect(Number(m![1])).toBeGreaterThanOrEqual(1)
    expect(Number(m![1])).toBeLessThan(51)
    // The same facts in the test's meta, for machine-readable reporters.
    const results = JSON.parse(readFileSync(json, 'utf8')) as { testResults: { assertionResults: { meta: Record<string, unknown> }[] }[] }
    expect(results.testResults[0]!.assertionResults[0]!.meta['vitest-race:budget']).toMatchObject({ runs: Number(m![1]), planned: 51, timeoutMs: 8_000 })
  })

  it("the README's headline test (50 workers, 50 iterations, default timeout) passes in race mode", () => {
    const h = runVitest('api', ['headline'], RACE)
    expect(h.output).toContain('1 passed')
    expect(h.code).toBe(0)
  })
})
