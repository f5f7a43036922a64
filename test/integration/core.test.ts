import { describe, expect, it } from 'vitest'
import { reportCount, runVitest } from './run-vitest.js'

const RACE = { VITEST_RACE: '1' }

describe('race mode', () => {
  it('reports the racy debit once, naming balances, merchant-1 and both write lines', () => {
    const r = runVitest('core', ['debit-racy'], RACE)
    expect(r.code).toBe(66) // GORACE's default exitcode for a run with races
    expect(reportCount(r.output)).toBe(1)
    expect(r.output).toContain('DataRaceError: WARNING: DATA RACE\nWrite at')
    expect(r.output).toMatch(/Write at svc\.balances\.get\("merchant-1"\) by worker \d+:\n  BalanceService\.debit  src\/balance\.ts:22:19/)
    expect(r.output).toMatch(/Previous write at svc\.balances\.get\("merchant-1"\) by worker \d+:\n  BalanceService\.debit  src\/balance\.ts:22:19/)
    expect(r.output).toMatch(/Worker \d+ read it at src\/balance\.ts:19:35 and awaited at src\/balance\.ts:21:5 \(await this\.audit\(id, amount\)\) before writing\./)
    expect(r.output).toMatch(/Worker \d+ \(fanOut index \d+ of 50, finished\) created at: debit-racy\.test\.ts:8:9/)
    expect(r.output).toContain('Replay: VITEST_RACE="seed=0x7" npx vitest run debit-racy.test.ts -t "racy debit"')
    expect(r.output).toContain('Caused by: PreviousAccess: Previous write at svc.balances.get("merchant-1")')
    // no line of the report may look like a stack frame to Vitest
    const report = r.output.slice(r.output.indexOf('WARNING: DATA RACE'), r.output.lastIndexOf('=================='))
    expect(report.split('\n').filter((l) => /^\s*at /.test(l))).toEqual([])
  })

  it('replays the reported seed to the same report', () => {
    const first = runVitest('core', ['debit-racy'], RACE)
    const again = runVitest('core', ['debit-racy.test.ts', '-t', 'racy debit'], { VITEST_RACE: 'seed=0x7' })
    const lines = (o: string) => o.split('\n').filter((l) => /^(Write|Previous write|Worker \d+) /.test(l))
    expect(lines(again.output)).toEqual(lines(first.output))
    expect(lines(again.output).length).toBeGreaterThan(3)
  })

  it.each([
    ['debit-mutex', 'Mutex.runExclusive around read-await-write'],
    ['debit-no-await', 'no await between read and write'],
    ['debit-disjoint', 'read-await-write on disjoint keys'],
    ['singleton-fixed', 'singleton caching the promise'],
  ])('%s passes: %s', (file) => {
    const r = runVitest('core', [file], RACE)
    expect(reportCount(r.output)).toBe(0)
    expect(r.output).toContain('1 passed')
    expect(r.code).toBe(0)
  })

  it('reports the cache check-then-set across an await', () => {
    const r = runVitest('core', ['cache-racy'], RACE)
    expect(r.code).toBe(66) // GORACE's default exitcode for a run with races
    expect(reportCount(r.output)).toBe(1)
    expect(r.output).toMatch(/Write at cache\.get\("user:1"\) by worker \d+:\n  getOrLoad  cache-racy\.test\.ts:13:13/)
    expect(r.output).toMatch(/read it at cache-racy\.test\.ts:11:16 and awaited at cache-racy\.test\.ts:12:21 \(await load\(key\)\)/)
  })

  it('reports the async singleton created twice', () => {
    const r = runVitest('core', ['singleton-racy'], RACE)
    expect(r.code).toBe(66) // GORACE's default exitcode for a run with races
    expect(reportCount(r.output)).toBe(1)
    expect(r.output).toMatch(/Write at holder\.db by worker \d+:\n  getDb  singleton-racy\.test\.ts:9:/)
  })
})

describe('async-mutex is recognised unchanged', () => {
  it('runExclusive, acquire/release and Semaphore, contended or not: no race', () => {
    const r = runVitest('core', ['async-mutex.test'], RACE)
    expect(reportCount(r.output)).toBe(0)
    expect(r.output).toContain('3 passed')
    expect(r.code).toBe(0)
  })

  it('a read outside its lock still races', () => {
    const r = runVitest('core', ['async-mutex-racy'], RACE)
    expect(r.code).toBe(66) // GORACE's default exitcode for a run with races
    expect(reportCount(r.output)).toBe(1)
    expect(r.output).toContain('Write at acct.balance by worker')
  })
})

describe('stress mode', () => {
  it('the racy debit fails through the test’s own expect, with a replay seed', () => {
    const r = runVitest('core', ['debit-racy'])
    expect(r.code).toBe(1)
    expect(reportCount(r.output)).toBe(0)
    expect(r.output).toMatch(/AssertionError: expected \d+ to be 5000/)
    expect(r.output).toMatch(/failed in stress mode on run \d+ \(seed 0x7, path [\d:]+, random strategy\), shrunk \d+ times\./)
    expect(r.output).toMatch(/Minimal interleaving \(\d+ steps; the first failing run took \d+\):\n {2}1\. worker \d+ started/)
  })

  it('the fixed debit passes', () => {
    const r = runVitest('core', ['debit-mutex'])
    expect(r.output).toContain('1 passed')
    expect(r.code).toBe(0)
  })
})
