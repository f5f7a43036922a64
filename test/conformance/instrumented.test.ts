/**
 * The race rule through the transform (DESIGN §4, "Dependence"): each clause has a Race and a
 * NoRace case whose code is instrumented by `instrument()` exactly as the plugin does, then run
 * under race mode by the same harness as the track() conformance suite. No track() here: the
 * state is module-level, in closures, in #private fields and in collections.
 */
import { describe, expect, test } from 'vitest'
import '../../src/runtime/access-hooks.js'
import { compileCase as compile, runCase } from './harness.js'

/**
 * name → module source; the module calls `out(async (ctx) => …)` with the case body. Module
 * state outlives iterations: a NoRace case that needs fresh state resets it in its body.
 */
const CASES: Record<string, string> = {
  // A read-await-write whose written value is computed from the read: a lost update.
  RaceModuleLetLostUpdate: `let balance = 100
    async function debit(n, pause) { const before = balance; await pause(); balance = before - n }
    out(async ({ fanOut, pause }) => { await fanOut(2, () => debit(10, pause)) })`,
  NoRaceModuleLetNoAwait: `let balance = 100
    async function debit(n, pause) { await pause(); const before = balance; balance = before - n }
    out(async ({ fanOut, pause }) => { await fanOut(2, () => debit(10, pause)) })`,

  // A closure's counter: ++ inside one turn is atomic; a stale copy across an await is not.
  RaceClosureStaleCopy: `function counter() { let n = 0; return async (pause) => { const c = n; await pause(); n = c + 1 } }
    out(async ({ fanOut, pause }) => { const inc = counter(); await fanOut(3, () => inc(pause)) })`,
  NoRaceClosureIncrementInOneTurn: `function counter() { let n = 0; return async (pause) => { await pause(); n++ } }
    out(async ({ fanOut, pause }) => { const inc = counter(); await fanOut(3, () => inc(pause)) })`,

  // Check-then-act: the read decided the branch that writes.
  RaceMapCheckThenSet: `function makeCache(load) { const entries = new Map()
      return async (k) => { if (!entries.has(k)) { const v = await load(k); entries.set(k, v) } return entries.get(k) } }
    out(async ({ fanOut, pause }) => { const get = makeCache(async (k) => { await pause(); return k }); await fanOut(2, () => get('a')) })`,
  NoRaceMapCachedPromise: `function makeCache(load) { const entries = new Map()
      return (k) => { if (!entries.has(k)) entries.set(k, load(k)); return entries.get(k) } }
    out(async ({ fanOut, pause }) => { const get = makeCache(async (k) => { await pause(); return k }); await fanOut(2, () => get('a')) })`,
  RaceEarlyReturnGuard: `const holder = { db: null }
    async function getDb(pause) { if (holder.db !== null) return holder.db; const db = await pause().then(() => ({})); holder.db = db; return db }
    out(async ({ fanOut, pause }) => { await fanOut(2, () => getDb(pause)) })`,
  NoRaceDisjointKeys: `const balances = new Map([['a', 10], ['b', 10]])
    async function debit(id, pause) { const b = balances.get(id); await pause(); balances.set(id, b - 1) }
    out(async ({ fanOut, pause }) => { await fanOut(2, (i) => debit(i === 0 ? 'a' : 'b', pause)) })`,

  // The read may sit in a helper whose result the write uses.
  RaceReadInAHelper: `class Ledger { balances = new Map([['a', 10]]); get() { return this.balances.get('a') ?? 0 }
      async debit(pause) { const before = this.get(); await pause(); this.balances.set('a', before - 1) } }
    out(async ({ fanOut, pause }) => { const l = new Ledger(); await fanOut(2, () => l.debit(pause)) })`,
  NoRaceBlindWriteFromAnImportedLikeCall: `const st = { n: 0 }
    async function reset(pause, now) { void st.n; await pause(); st.n = now() }
    out(async ({ fanOut, pause }) => { await fanOut(2, () => reset(pause, () => 0)) })`,

  // A blind write after a read that fed nothing is not a race.
  NoRaceBlindWriteAfterLogRead: `const st = { n: 0, log: [] }
    async function reset(pause) { st.log.push(String(st.n)); await pause(); st.n = 0 }
    out(async ({ fanOut, pause }) => { await fanOut(2, () => reset(pause)) })`,
  RaceWriteFromTheRead: `const st = { n: 0 }
    async function bump(pause) { const seen = st.n; await pause(); st.n = seen + 1 }
    out(async ({ fanOut, pause }) => { await fanOut(2, () => bump(pause)) })`,

  // Reading size or length for a log line, then adding a distinct member.
  NoRaceSizeThenDistinctAdd: `const seen = new Set(); const lines = []
    async function note(k, pause) { lines.push(seen.size); await pause(); seen.add(k) }
    out(async ({ fanOut, pause }) => { await fanOut(3, (i) => note('k' + i, pause)) })`,
  NoRaceLengthThenPush: `const items = []
    async function add(x, pause) { const n = items.length; await pause(); items.push(x + n) }
    out(async ({ fanOut, pause }) => { await fanOut(3, (i) => add(i, pause)) })`,
  RaceCapacityCheckThenAdd: `const pool = new Map()
    async function join(k, pause) { if (pool.size < 1) { await pause(); pool.set(k, true) } }
    out(async ({ fanOut, pause }) => { pool.clear(); await fanOut(2, (i) => join('k' + i, pause)) })`,
  RaceIncludesThenPush: `const queue = []
    async function enqueue(x, pause) { if (!queue.includes(x)) { await pause(); queue.push(x) } }
    out(async ({ fanOut, pause }) => { queue.length = 0; await fanOut(2, () => enqueue('job', pause)) })`,
  RaceSetHasThenAddSameMember: `const seen = new Set(); let dupes = 0
    async function once(k, pause) { if (!seen.has(k)) { await pause(); seen.add(k) } }
    out(async ({ fanOut, pause }) => { await fanOut(2, () => once('k', pause)) })`,

  RaceSlotFromLength: `const results = []
    async function put(v, pause) { const i = results.length; await pause(); results[i] = v }
    out(async ({ fanOut, pause }) => { results.length = 0; await fanOut(2, (k) => put(k, pause)) })`,

  // A stale write after a re-check is still a lost update.
  RaceStaleWriteAfterRecheck: `const a = { balance: 100 }
    async function withdraw(pause) { const bal = a.balance; await pause(); if (a.balance < 10) throw new Error('low'); a.balance = bal - 10 }
    out(async ({ fanOut, pause }) => { await fanOut(2, () => withdraw(pause)) })`,

  // A read that ends a wait loop has seen the writer's store: an edge.
  NoRaceSpinWaitOnFlag: `const st = { done: false, v: 0 }
    async function producer(pause) { await pause(); st.v = 41; st.done = true }
    async function consumer(pause) { while (!st.done) await pause(); const v = st.v; await pause(); st.v = v + 1 }
    out(async ({ fanOut, pause }) => { st.done = false; st.v = 0; await fanOut(2, (i) => (i === 0 ? producer(pause) : consumer(pause))) })`,
  RaceNoWaitOnFlag: `const st = { done: false, v: 0 }
    async function producer(pause) { await pause(); st.v = 41; st.done = true }
    async function consumer(pause) { const v = st.v; await pause(); st.v = v + 1 }
    out(async ({ fanOut, pause }) => { await fanOut(2, (i) => (i === 0 ? producer(pause) : consumer(pause))) })`,

  // #private fields, class fields and arrow-function fields are just code now.
  RacePrivateFieldLostUpdate: `class Wallet { #coins = 10; spend = async (n, pause) => { const c = this.#coins; await pause(); this.#coins = c - n } }
    out(async ({ fanOut, pause }) => { const w = new Wallet(); await fanOut(2, () => w.spend(1, pause)) })`,
  NoRacePrivateFieldOneTurn: `class Wallet { #coins = 10; async spend(n, pause) { await pause(); this.#coins -= n } }
    out(async ({ fanOut, pause }) => { const w = new Wallet(); await fanOut(2, () => w.spend(1, pause)) })`,

  // Promise hand-off: what the resolver did happens-before the awaiter's continuation.
  NoRacePromiseHandOff: `const st = { n: 0 }
    out(async ({ fanOut, pause }) => {
      let handOff; const ready = new Promise((r) => (handOff = r))
      await fanOut(2, async (i) => {
        if (i === 0) { const v = st.n; await pause(); st.n = v + 1; handOff() }
        else { await ready; const v = st.n; await pause(); st.n = v + 1 }
      })
    })`,
  // A blind write whose key (not its value) comes from a helper: the worker's earlier read of
  // the entry fed nothing it writes (a keyed store with a namespaced key, read for a log line).
  NoRaceBlindWriteKeyFromAHelper: `class Store { m = new Map([['ns:a', 0]]); key(k) { return 'ns:' + k }
      get(k) { return this.m.get(this.key(k)) } set(k, v) { this.m.set(this.key(k), v) } }
    const lines = []
    async function refresh(s, pause) { lines.push(String(s.get('a'))); await pause(); s.set('a', 42) }
    out(async ({ fanOut, pause }) => { const s = new Store(); await fanOut(2, () => refresh(s, pause)) })`,
  // Metadata computed by a method of an options object the caller passed (a Date's getTime())
  // is no read of the entry: reading it for a log line, then overwriting it, is a blind write.
  NoRaceBlindWriteWithMetadataFromAnOptionsMethod: `const entries = new Map([['cfg', { value: 'v0', expires: 0 }]]); const lines = []
    function put(k, value, ttl) { const item = { value, ttl }; const opts = item.ttl; const expires = opts.at.getTime(); entries.set(k, { value, expires }) }
    async function refresh(i, pause) { lines.push(entries.get('cfg').value); await pause(); put('cfg', 'fresh' + i, { at: new Date(0) }) }
    out(async ({ fanOut, pause }) => { await fanOut(2, (i) => refresh(i, pause)) })`,
  // A method of an object the program made may read the location and return it.
  RaceReadThroughALocalObjectsMethod: `const st = { n: 0 }; class View { read() { return st.n } }
    async function bump(pause) { const v = new View(); const before = v.read(); await pause(); st.n = before + 1 }
    out(async ({ fanOut, pause }) => { await fanOut(2, () => bump(pause)) })`,
  // The test body's own calls left in flight are tasks, scheduled like workers (DESIGN §4b).
  RaceBodyPromiseAllLostUpdate: `let balance = 100
    async function debit(n) { const before = balance; await Promise.resolve(); balance = before - n }
    out(async () => { balance = 100; await Promise.all([debit(10), debit(10)]) })`,
  NoRaceBodySequentialDebits: `let balance = 100
    async function debit(n) { const before = balance; await Promise.resolve(); balance = before - n }
    out(async () => { balance = 100; await debit(10); await debit(10) })`,
  NoRaceBodyPromiseAllDisjointKeys: `const balances = new Map()
    async function debit(k, n) { const before = balances.get(k) ?? 100; await Promise.resolve(); balances.set(k, before - n) }
    out(async () => { balances.clear(); await Promise.all([debit('a', 10), debit('b', 10)]) })`,
  RaceBodyCallLeftInFlight: `const st = { n: 0 }
    async function bump() { const v = st.n; await null; st.n = v + 1 }
    out(async () => { st.n = 0; const p = bump(); await bump(); await p })`,
  NoRaceBodyCallAwaitedBeforeTheNext: `const st = { n: 0 }
    async function bump() { const v = st.n; await null; st.n = v + 1 }
    out(async () => { st.n = 0; const p = bump(); await p; await bump() })`,
  // An async function written inline as an argument: each of its calls is a task.
  RaceBodyMapAsyncCallbackLostUpdate: `let total = 0
    out(async () => { total = 0; await Promise.all([1, 2].map(async (n) => { const t = total; await null; total = t + n })) })`,
  NoRaceBodyMapAsyncCallbackOneTurn: `let total = 0
    out(async () => { total = 0; await Promise.all([1, 2].map(async (n) => { await null; total += n })) })`,
  NoRaceBodyMapAsyncCallbackDisjoint: `const totals = [0, 0]
    out(async () => { await Promise.all([0, 1].map(async (i) => { const t = totals[i]; await null; totals[i] = t + 1 })) })`,
  RaceBodyForEachAsyncCallback: `const st = { n: 0 }
    out(async () => { st.n = 0; const done = []; [1, 2].forEach(async (k) => { const v = st.n; await null; st.n = v + k; done.push(k) }); while (done.length < 2) await null })`,
  // An async function passed by name to a built-in that calls it (map, forEach, then): each call is a task too.
  RaceBodyMapNamedAsyncCallback: `let total = 0
    async function add(n) { const t = total; await null; total = t + n }
    out(async () => { total = 0; await Promise.all([1, 2].map(add)) })`,
  RaceBodyThenNamedAsyncCallback: `const st = { n: 0 }
    async function bump() { const v = st.n; await null; st.n = v + 1 }
    out(async () => { st.n = 0; const ready = Promise.resolve(); const a = ready.then(bump); const b = ready.then(bump); await a; await b })`,
  RaceBodyMapForEachNamedAsyncCallback: `const st = { n: 0 }; const amounts = new Map([['a', 1], ['b', 2]]); const done = []
    async function bump(k) { const v = st.n; await null; st.n = v + k; done.push(k) }
    out(async () => { st.n = 0; done.length = 0; amounts.forEach(bump); while (done.length < 2) await null })`,
  NoRaceBodyMapNamedAsyncCallbackOneTurn: `let total = 0
    async function add(n) { await null; total += n }
    out(async () => { total = 0; await Promise.all([1, 2].map(add)) })`,
  NoRaceBodyMapNamedAsyncCallbackDisjoint: `const totals = [0, 0]
    async function bump(i) { const t = totals[i]; await null; totals[i] = t + 1 }
    out(async () => { await Promise.all([0, 1].map(bump)) })`,
  NoRaceBodyForOfNamedAsyncSequential: `let total = 0
    async function add(n) { const t = total; await null; total = t + n }
    out(async () => { total = 0; for (const n of [1, 2]) await add(n) })`,
  NoRaceFrozenAndSymbols: `const sym = Symbol('k'); const cfg = Object.freeze({ limit: 5, [sym]: 1 })
    async function read(pause) { const l = cfg.limit + cfg[sym]; await pause(); return l }
    out(async ({ fanOut, pause }) => { await fanOut(3, () => read(pause)) })`,
}

describe('the race rule through the transform', () => {
  for (const [name, source] of Object.entries(CASES)) {
    test(name, async (vitest) => {
      const body = await compile(name, source)
      const result = await runCase({ name, body, iterations: 6 }, vitest)
      expect(result.error).toBeUndefined()
      expect(result.reported, result.reported ? `reported ${result.labels.join(', ')}` : 'no race reported').toBe(result.expectedRace)
    })
  }
})
