/**
 * Race mode on plain Vitest tests (DESIGN §4b, issue 13): a fixture project whose tests never
 * import vitest-race. In race mode each test runs once, as written, with the detector on;
 * calls left in flight, timers and async listeners are tasks. We read what Vitest prints and
 * its exit code.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { reportCount, runVitest, type VitestRun } from './run-vitest.js'

describe('plain tests in race mode', () => {
  let run: VitestRun
  beforeAll(() => {
    run = runVitest('plain', ['--reporter=verbose'], { VITEST_RACE: '1' })
  })

  it('fails each racy test with one report, passes every fixed one, and exits 66', () => {
    expect(run.code).toBe(66)
    expect(run.output).toContain('Found 6 data race(s) (2 more suppressed)')
    const summary = run.output.slice(run.output.indexOf('Found 6 data race(s)'))
    for (const name of ['two debits in Promise.all', 'a debit left in flight, awaited later', 'two async listeners of one event', 'a timer callback against the test', 'debits in items.map(async …)', 'debits in items.map(debitAccount7), a function passed by name']) {
      expect(summary).toContain(`  ${name}: `)
    }
    for (const name of [
      'debits one after the other',
      'debits under a mutex',
      'debits that read after the await',
      'debits of different accounts',
      'a debit handed over by a promise',
      'listeners chained one after the other',
      'a timer that starts after the test is done with the counter',
      'a cached promise shared by three callers',
      'a known race, suppressed by a comment',
      'a racy test that turns race mode off',
      'a known race in a function the suppressions option names',
      'an interval sweeps entries the test adds between its runs',
      'debits in items\\.map\\(async …\\) that read after the await',
      'debits in a for…of loop, one after the other',
      'debits in items\\.map\\(auditedDebitAccount8\\) that read after the await',
    ]) {
      expect(run.output).toMatch(new RegExp(`✓ .*${name}`))
    }
    for (const name of ['two debits in Promise.all', 'a debit left in flight, awaited later', 'two async listeners of one event', 'a timer callback against the test']) {
      expect(run.output).toMatch(new RegExp(`× .*${name.replace('.', '\\.')}`))
    }
  })

  it('names Promise.all elements as tasks, with both accesses and the read-await-write lines', () => {
    expect(run.output).toMatch(
      /Write at balances\.get\("acct-1"\) \(module src\/ledger\.ts\) by task \d+:\n  debit  src\/ledger\.ts:20:3\nPrevious write at balances\.get\("acct-1"\) \(module src\/ledger\.ts\) by task \d+:\n  debit  src\/ledger\.ts:20:3\nTask \d+ read it at src\/ledger\.ts:18:\d+ and awaited at src\/ledger\.ts:19:3 \(await audit\(account\)\) before writing\./,
    )
    expect(run.output).toMatch(/Task \d+ \(finished\) started at: test\/ledger-racy\.test\.ts:7:43 \(Promise\.all element 2\)/)
    expect(run.output).toMatch(/Task \d+ \(finished\) started at: test\/ledger-racy\.test\.ts:7:22 \(Promise\.all element 1\)/)
  })

  it('a call left in flight races with the test body', () => {
    expect(run.output).toMatch(/The test body read it at src\/ledger\.ts:18:\d+ and awaited at test\/ledger-racy\.test\.ts:13:3/)
    expect(run.output).toMatch(/Task \d+ \(finished\) started at: test\/ledger-racy\.test\.ts:12:17 \(debit\(…\) not awaited at once\)/)
  })

  it('each call of an async function written inline as an argument is a task', () => {
    expect(run.output).toMatch(/× .*debits in items\.map\(async …\) \d+ms\n/)
    expect(run.output).toMatch(/Task \d+ \(finished\) started at: test\/callbacks\.test\.ts:6:34 \(async callback of \[30, 20\]\.map\(…\)\)/)
  })

  it('so is each call of an async function passed by name to a built-in (items.map(debit))', () => {
    expect(run.output).toMatch(/× .*debits in items\.map\(debitAccount7\), a function passed by name \d+ms\n/)
    expect(run.output).toMatch(/Task \d+ \(finished\) started at: test\/callbacks\.test\.ts:36:30 \(async callback of \[30, 20\]\.map\(…\)\)/)
  })

  it('async listeners and timer callbacks are tasks', () => {
    expect(run.output).toMatch(/Task \d+ \(finished\) started at: test\/events-racy\.test\.ts:8:10 \(listener of "paid"\)/)
    expect(run.output).toMatch(/Write at count \(module src\/counter\.ts\) by task \d+:\n  increment  src\/counter\.ts:22:3\nPrevious write at count \(module src\/counter\.ts\) by the test body:/)
  })

  it('without race mode the same tests all pass', () => {
    const plain = runVitest('plain', [])
    expect(plain.code).toBe(0)
    expect(reportCount(plain.output)).toBe(0)
  })
})
