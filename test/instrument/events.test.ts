/** What each kind of code becomes: the events, their sites and what writes depend on. */
import { describe, expect, it, test } from 'vitest'
import { instrument, InstrumentParseError } from '../../src/instrument/transform.js'
import { runInstrumented, type Event } from './run-instrumented.js'

const shown = (events: Event[]) => events.map((e) => `${e.hook}${e.key === undefined ? '' : `(${String(e.key)})`} ${e.site.text}`)

describe('events', () => {
  test('a lost update on a module-level let: read, await, write that depends on the read', async () => {
    const { events, sites } = await runInstrumented(`let balance = 10; async function debit(a) { const before = balance; await null; balance = before - a } await debit(1); out(balance)`)
    expect(shown(events)).toEqual(['r(balance) balance', 'aw await null', 'aw await debit(1)', 'w(balance) balance = before - a', 'r(balance) balance'])
    const write = sites.find((s) => s.k === 'w')!
    expect(write.deps!.map((d) => sites[d]!.text)).toEqual(['balance'])
    expect(write.where).toBe('module src/case.js')
  })

  test('a blind write after a log read depends on nothing', async () => {
    const { sites } = await runInstrumented(`const st = { n: 0 }; async function f() { console.debug(st.n); await null; st.n = 5 } await f()`)
    expect(sites.find((s) => s.k === 'w')!.deps).toEqual([])
  })

  test('check-then-act: the write depends on the check that decided its branch', async () => {
    const { sites } = await runInstrumented(`const entries = new Map(); async function get(k) { if (!entries.has(k)) { const v = await k; entries.set(k, v) } return entries.get(k) } await get('a')`)
    const set = sites.find((s) => s.text === 'entries.set')!
    expect(set.deps!.map((d) => sites[d]!.text)).toEqual(['entries.has'])
  })

  test('an early return guards the writes after it', async () => {
    const { sites } = await runInstrumented(`const c = { v: null }; async function once() { if (c.v !== null) return c.v; const x = await 1; c.v = x } await once()`)
    const write = sites.find((s) => s.k === 'w')!
    expect(write.deps!.map((d) => sites[d]!.text)).toContain('c.v')
  })

  test('a stale write after a re-check depends on both reads', async () => {
    const { sites } = await runInstrumented(`const a = { balance: 100 }; async function w() { const bal = a.balance; await null; if (a.balance < 10) throw new Error('low'); a.balance = bal - 10 } await w()`)
    const write = sites.find((s) => s.k === 'w')!
    expect(write.deps!.length).toBe(2)
  })

  test('the read of a wait loop ends the wait (an edge)', async () => {
    const { sites } = await runInstrumented(`const st = { done: true }; async function wait() { while (!st.done) await null } await wait()`)
    expect(sites.find((s) => s.text === 'st.done')!.acq).toBe(1)
  })

  test('a local nobody captures is not instrumented; a captured, reassigned one is', async () => {
    const { events } = await runInstrumented(`function f() { let a = 1; a++; let b = 0; const inc = () => b++; inc(); return a + b } out(f())`)
    expect(shown(events)).toEqual(['u(b) b++', 'r(b) b'])
  })

  test('collection calls are dispatched at run time with their key', async () => {
    const { events } = await runInstrumented(`const m = new Map(); m.set('k', 1); m.get('k'); const s = new Set(); s.add(2); [1].push(3)`)
    expect(shown(events)).toEqual(['c.set(k) m.set', 'c.get(k) m.get', 'c.add(2) s.add', 'c.push(3) [1].push'])
  })

  test('#private fields name their class', async () => {
    const { events } = await runInstrumented(`class Wallet { #coins = 0; add() { this.#coins++ } } new Wallet().add()`)
    // `add` is dispatched at run time: on a Wallet it is no collection call, and the hook ignores it.
    expect(shown(events)).toEqual(['c.add new Wallet().add', 'u(#coins) this.#coins++'])
  })

  test('closure bindings say where they live', async () => {
    const { sites } = await runInstrumented(`function makeCache() {\n  let hits = 0\n  return () => hits++\n}\nmakeCache()()`)
    expect(sites[0]!.where).toBe('closure in makeCache, src/case.js:2')
  })

  test('stress mode instruments awaits only', async () => {
    const { events } = await runInstrumented(`const o = { a: 1 }; o.a = await o.a`, 'awaits')
    expect(shown(events)).toEqual(['aw await o.a'])
  })

  test('code without anything to instrument is left alone', () => {
    expect(instrument('export const x = 1', { mode: 'full', file: 'a.js' })).toBeUndefined()
    expect(instrument('const o = {}; o.a = 1', { mode: 'awaits', file: 'a.js' })).toBeUndefined()
  })

  test('code already instrumented is not instrumented twice', () => {
    const once = instrument('const o = {}; o.a = 1', { mode: 'full', file: 'a.js' })!
    expect(instrument(once.code, { mode: 'full', file: 'a.js' })).toBeUndefined()
  })

  test('code that does not parse is an InstrumentParseError naming the file', () => {
    expect(() => instrument('const = ;', { mode: 'full', file: 'src/broken.js' })).toThrow(InstrumentParseError)
    expect(() => instrument('const = ;', { mode: 'full', file: 'src/broken.js' })).toThrow(/src\/broken\.js/)
  })

  test('the source map points instrumented code back at the original lines', () => {
    const out = instrument('const o = {}\nasync function f() {\n  o.a = await 1\n}', { mode: 'full', file: 'a.js' })!
    expect(out.map.sources).toEqual(['a.js'])
    expect(out.map.mappings.split(';').length).toBeGreaterThanOrEqual(4)
  })
})

describe('test APIs are never calls that start tasks', () => {
  it('imported or global it/test/describe calls and their async bodies are left as written', async () => {
    const src = `import { describe, it } from 'vitest'
import { test } from './fixtures.js'
describe('s', () => { it('a', async () => { await null }); test('b', async () => { await null }) })
bench('c', async () => {})
function local(fn) { return fn() }
local(async () => {})`
    const { instrument } = await import('../../src/instrument/transform.js')
    const code = instrument(src, { mode: 'full', file: 'a.test.js' })!.code
    expect(code).toContain("describe('s', () => { ;it('a', async () => {")
    expect(code).toContain("test('b', async () => {")
    expect(code).toContain("bench('c', async () => {})")
    expect(code).not.toMatch(/__vitestRace\.f\(void 0, (describe|it|test|bench)\b/)
    expect(code.match(/__vitestRace\.t\(/g)).toHaveLength(1)
    // A local function called with an inline async callback is followed.
    expect(code).toMatch(/__vitestRace\.f\(void 0, local, __vm\+\d+, __vitestRace\.t\(async \(\) => \{\}, __vm\+\d+\)\)/)
  })
})

describe('stress mode', () => {
  it('routes calls through the call hook only in a file that imports vitest-race', async () => {
    const { instrument } = await import('../../src/instrument/transform.js')
    const body = `async function load() { await null }\nexport async function f() { await Promise.all([load(), load()]) }`
    const source = instrument(body, { mode: 'awaits', file: 'src/a.js' })!.code
    expect(source).not.toContain('__vitestRace.f(')
    const test = instrument(`import { concurrentTest } from 'vitest-race'\n${body}`, { mode: 'awaits', file: 'test/a.test.js' })!.code
    expect(test).toMatch(/__vitestRace\.f\(void 0, load, __vm\+\d+\)/)
  })
})
