/**
 * Instrumentation end to end: Vitest runs fixture projects whose state lives where track()
 * never reached (a module-level let, a closure's Map, a #private field, a dependency's own
 * closure), and we read what it prints and its exit code.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { reportCount, runVitest, type VitestRun } from './run-vitest.js'

const RACE = { VITEST_RACE: '1' }

describe('race mode sees state without track()', () => {
  let run: VitestRun
  beforeAll(() => {
    run = runVitest('instrument', ['--reporter=verbose'], RACE)
  })

  it('exits 66 and reports each racy test once', () => {
    expect(run.code).toBe(66)
    expect(run.output).toContain('Found 4 data race(s)')
    expect(run.output).toMatch(/✓ .*module-level balance, read and written in one turn/)
    expect(run.output).toMatch(/✓ .*a closure cache of promises loads a key once/)
  })

  it('names a module-level let by its module, with both accesses and the read-await-write lines', () => {
    expect(run.output).toMatch(/Write at balance \(module src\/ledger\.ts\) by worker \d:\n  debit  src\/ledger\.ts:20:\d+\nPrevious write at balance \(module src\/ledger\.ts\) by worker \d:\n  debit  src\/ledger\.ts:20:\d+/)
    expect(run.output).toMatch(/read it at src\/ledger\.ts:18:\d+ and awaited at src\/ledger\.ts:19:3 \(await fee\(\)\) before writing/)
  })

  it('names a #private field by its class', () => {
    expect(run.output).toMatch(/Write at Wallet#coins by worker \d:\n  Wallet\.spend  src\/wallet\.ts:12:\d+/)
  })

  it('names a closure Map entry by the closure that holds it', () => {
    expect(run.output).toContain('Write at entries.get("a") (closure in makeCache, src/cache.ts:3) by worker')
    expect(run.output).toMatch(/read it at src\/cache\.ts:5:\d+ and awaited at src\/cache\.ts:6:\d+/)
  })

  it('stress mode instruments the awaits: exploration finds the lost debit through the test’s own invariant', () => {
    const stress = runVitest('instrument', ['ledger-invariant', 'ledger-fixed'])
    expect(stress.code).toBe(1)
    expect(reportCount(stress.output)).toBe(0)
    expect(stress.output).toContain('AssertionError: expected 900 to be 800')
    expect(stress.output).toMatch(/failed in stress mode on run \d+ \(seed 0x1, path [\d:]+, random strategy\)/)
    expect(stress.output).toMatch(/resumed after await fee\(\)/)
  })
})

describe('instrument.deps', () => {
  it('reports p-memoize 6.0.1 running the function for each concurrent call, in its own file, and not 7.0.0', () => {
    const r = runVitest('deps', ['p-memoize'], RACE)
    expect(r.code).toBe(66)
    expect(reportCount(r.output)).toBe(1)
    expect(r.output).toMatch(/Write at cache\.get\("a"\) \(closure in pMemoize, .*p-memoize-6\/dist\/index\.js:\d+\) by worker \d:\n  .*node_modules\/p-memoize-6\/dist\/index\.js:44:\d+/)
    expect(r.output).toMatch(/read it at .*node_modules\/p-memoize-6\/dist\/index\.js:34:\d+/)
    expect(r.output).not.toContain('[failed to restore the stack]')
    expect(r.output).toMatch(/✓ p-memoize-7\.test\.ts \(1 test\)/)
  })

  it('instruments a CommonJS dependency file by file, also the files its entry require()s', () => {
    const r = runVitest('deps', ['toy-memoize-cjs'], RACE)
    expect(r.code).toBe(66)
    expect(reportCount(r.output)).toBe(1)
    expect(r.output).toMatch(/Write at cache\.get\("a"\) \(closure in memoize, node_modules\/toy-memoize-cjs\/lib\/memoize\.js:5\) by worker \d:\n  memoized  node_modules\/toy-memoize-cjs\/lib\/memoize\.js:9:\d+/)
    expect(r.output).toMatch(/read it at node_modules\/toy-memoize-cjs\/lib\/memoize\.js:7:\d+ and awaited at node_modules\/toy-memoize-cjs\/lib\/memoize\.js:8:\d+ \(await fn\(key\)\)/)
  })

  it('a dependency that is not installed is one clear error, before any test', () => {
    const r = runVitest('bad-instrument', [])
    expect(r.code).not.toBe(0)
    expect(r.output).toContain('instrument.deps = "no-such-package-for-vitest-race" (from race() plugin options) is not valid: the package is not installed')
    expect(r.output).not.toContain('never runs')
  })
})
