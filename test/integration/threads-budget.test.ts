/** The time budget of a threads test (test/fixtures/threads/budget.test.ts): stop early, pass, say how many ran. */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { runVitest } from './run-vitest.js'

it('slow iterations stop at 60 % of the timeout: the test passes and says how many of its iterations ran', () => {
  const json = join(mkdtempSync(join(tmpdir(), 'vitest-race-')), 'report.json')
  const r = runVitest('threads', ['budget.test.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${json}`], { VITEST_RACE: '1' })
  expect(r.code).toBe(0)
  // 50 iterations of at least 200 ms each ask for 10 s or more: they cannot all fit in 4.8 s (60 % of 8 s).
  const m = /vitest-race: budget\.test\.ts > slow iterations stop at the time budget: the time budget ended exploring after (\d+) of 50 runs, with no failure \(\d+\.\d s of the 8\.0 s timeout\)\. Pass a larger timeout in the test's options to run them all\./.exec(r.output)
  expect(m).not.toBeNull()
  expect(Number(m![1])).toBeGreaterThanOrEqual(1)
  expect(Number(m![1])).toBeLessThan(50)
  const results = JSON.parse(readFileSync(json, 'utf8')) as { testResults: { assertionResults: { meta: Record<string, unknown> }[] }[] }
  expect(results.testResults[0]!.assertionResults[0]!.meta['vitest-race:budget']).toMatchObject({ runs: Number(m![1]), planned: 50, timeoutMs: 8_000 })
})
