/**
 * The transform changes no program's meaning: each case runs untransformed and instrumented
 * (hooks on, recording) and must give the same result, evaluation order log included.
 */
import { describe, expect, test } from 'vitest'
import { runInstrumented, runPlain } from './run-instrumented.js'

const CASES: Record<string, string> = {
  'member reads and writes': `const o = { a: { b: 1 }, c: [1, 2, 3] }; o.a.b = o.c[1] + o['c'][2]; o.a.x = 1; out(JSON.stringify(o))`,
  'evaluation order of a computed write': `const log = []; const o = {}; const f = (n) => (log.push(n), n); (f(o))[f('k')] = f(1); out(log.join() + JSON.stringify(o))`,
  'compound and logical assignment': `const o = { a: 1, b: null, c: 0 }; o.a += 2; o.b ??= 5; o.c ||= 7; o.a **= 2; let k = 'a'; o[k] -= 1; out(JSON.stringify(o))`,
  'logical assignment short-circuits the value': `const log = []; const o = { a: 1 }; o.a ||= (log.push('x'), 2); out(log.length + ':' + o.a)`,
  'update expressions, prefix and postfix': `const o = { a: 1, b: [5] }; const x = o.a++; const y = ++o.b[0]; out([x, y, o.a, o.b[0]].join())`,
  'delete and in': `const o = { a: 1, b: 2 }; const d = delete o.a; out([d, 'a' in o, 'b' in o].join())`,
  'optional chains': `const o = { a: { b: 1 } }; const n = null; out([o?.a.b, n?.a.b, o.a?.b, n?.a, o.x?.y].join())`,
  'this in methods and class fields': `class A { x = 1; y = this.x + 1; get z() { return this.y * 2 } inc() { this.x++; return this.x } } const a = new A(); out([a.inc(), a.z].join())`,
  'private fields': `class W { #c = 1; add(n) { this.#c += n; return this.#c } has(o) { return #c in o } } const w = new W(); out([w.add(2), w.has(w), w.has({})].join())`,
  'function names survive': `const o = {}; o.f = () => 1; let g; g = () => 2; const m = new Map(); m.set('h', () => 3); const arr = [1].map((x) => x); out([o.f.name, g.name, m.get('h').name].join('|'))`,
  'closures over shared lets': `function counter() { let n = 0; return { inc: () => ++n, add(k) { n += k; return n }, get: () => n } } const c = counter(); c.inc(); c.add(5); out(c.get())`,
  'module-level let': `let total = 0; function add(x) { total = total + x } add(2); add(3); total++; out(total)`,
  'collections': `const m = new Map([['a', 1]]); const s = new Set(); s.add(1).add(2); m.set('b', m.get('a') + 1); m.delete('a'); const arr = []; arr.push(1, 2); arr.unshift(0); out([m.size, m.has('b'), s.size, arr.join(), arr.includes(2), arr.indexOf(2)].join())`,
  'spread, rest and destructuring': `const o = { a: 1, b: 2, c: 3 }; const { a, ...rest } = o; let x, y; ({ x, y = 4 } = { x: 9 }); const arr = [...[1, 2], 3]; const obj = { ...o, d: 4 }; out(JSON.stringify([a, rest, x, y, arr, obj]))`,
  'for-of, for-in and iteration targets': `const o = {}; const out2 = []; for (o.k of [1, 2]) out2.push(o.k); for (const k in { p: 1, q: 2 }) out2.push(k); let v; for (v of new Set([7])) out2.push(v); out(out2.join())`,
  'arrow expression bodies': `const f = (o) => o.a.b; const g = (o) => ({ v: o.a }); const h = async (o) => (await o).x; out([f({ a: { b: 1 } }), g({ a: 2 }).v].join() + (await h(Promise.resolve({ x: 3 }))))`,
  'default parameters read members': `const d = { v: 5 }; function f(a = d.v, { b } = { b: d.v + 1 }) { return a + b } out(f())`,
  'ASI: a line starting with a parenthesis': `const o = { a: 1 }
const p = { a: 2 }
o.a++
p.a += o.a
out(o.a + p.a)`,
  'await, for await and async generators': `async function* gen() { yield 1; yield await Promise.resolve(2) } const r = []; for await (const x of gen()) r.push(x); const o = { p: Promise.resolve(3) }; r.push(await o.p); out(r.join())`,
  'generators and yield': `function* g(o) { o.n = yield o.n; yield o.n } const o = { n: 1 }; const it = g(o); it.next(); out(it.next(5).value)`,
  'super, new.target, tagged templates': `class A { m() { return 1 } } class B extends A { m() { return super.m() + 1 } } function F() { return new.target === F } const tag = (s, v) => s[0] + v; const o = { t: 2 }; out([new B().m(), new F() instanceof F, tag\`x\${o.t}\`].join())`,
  'switch with shared lets and labels': `let s = 0; outer: for (let i = 0; i < 3; i++) { switch (i) { case 1: s += 10; continue outer; default: s++ } } out(s)`,
  'getters and setters on plain objects': `const o = { _v: 1, get v() { return this._v }, set v(x) { this._v = x * 2 } }; o.v = 3; o.v += 1; out(o.v)`,
  'frozen objects and symbols': `const sym = Symbol('s'); const o = Object.freeze({ a: 1, [sym]: 2 }); let err = ''; try { o.a = 2 } catch (e) { err = e.constructor.name } out([o.a, o[sym], err].join())`,
  'URL and Date keep their internal slots': `const u = new URL('https://a.test/x?y=1'); const d = new Date(0); const o = { u, d }; out([o.u.searchParams.get('y'), o.d.getTime(), o.u.href].join())`,
  'identity is kept': `const item = {}; const arr = []; arr.push(item); const m = new Map([[item, 1]]); out([arr.includes(item), arr[0] === item, m.get(item)].join())`,
  'Object.keys and values': `const o = { a: 1, b: 2 }; out([Object.keys(o).join(), Object.values(o).join(), Object.entries(o).length].join('|'))`,
  'inline async callbacks keep their meaning': `const log = []; const r = await Promise.all([1, 2].map(async (x) => { log.push('a' + x); await null; log.push('b' + x); return x * 2 }))
const fns = []; [0].forEach(function (i) { fns.push(async function named(a, b) { return a + b + i }) })
const seen = []; const keep = (f) => (seen.push([f.name, f.length, typeof f, f.toString().slice(0, 5)].join(':')), f)
keep(async (a) => a); const p = Promise.resolve(5).then(async (v) => v + 1)
out([r.join(), log.join(), fns[0].name, await fns[0](1, 2), seen.join(), await p].join('|'))`,
  'async functions passed by name keep their meaning': `const log = []; async function twice(x, i, arr) { log.push(x + ':' + i + ':' + arr.length); await null; return x * 2 }
async function withThis(x) { return this.k + x } async function step(acc, x) { return (await acc) + x }
async function bump(v) { log.push('then ' + v); return v + 1 } async function rescue(e) { return 'rescued ' + e.message } async function last() { log.push('finally') }
const m = new Map([['a', 1]]); async function entry(v, k, map) { log.push(k + v + map.size) }
const r = await Promise.all([1, 2].map(twice)); const t = await Promise.all([1].map(withThis, { k: 10 })); const sum = [1, 2, 3].reduce(step, 0); const s = await sum
const one = Promise.resolve(1); const failing = () => Promise.reject(new Error('x'))
m.forEach(entry); const chain = one.then(bump).then(bump).finally(last); const p = await chain; const caught = failing().catch(rescue); const c = await caught
const f = [twice].map((g) => [g.name, g.length, g === twice].join())
out([r.join(), t.join(), s, p, c, f.join(), log.join()].join('|'))`,
  'sequence in a computed key': `const o = { b: 1 }; let a = 0; out(o[(a++, 'b')] + a)`,
  'class static blocks and static fields': `const cfg = { n: 2 }; class C { static x = cfg.n; static { this.y = cfg.n + C.x } } out(C.x + C.y)`,
  'directive prologue stays first': `function f() { 'use strict'; const o = { a: 1 }; return o.a + (this === undefined ? 1 : 0) } out(f())`,
  'string and number receivers': `const s = 'abc'; const n = 5; out([s.length, s[1], n.toFixed(1), 'x'.padStart(3)].join())`,
}

describe('the transform keeps every program meaning the same', () => {
  test('(the case of functions passed by name runs them through the wrapper: map, reduce, forEach, then, finally, catch)', async () => {
    const { events } = await runInstrumented(CASES['async functions passed by name keep their meaning']!)
    expect(events.filter((e) => e.hook === 'named').map((e) => e.site.text)).toEqual(['[1, 2].map', '[1].map', '[1, 2, 3].reduce', 'm.forEach', 'one.then', 'one.then(bump).then', 'one.then(bump).then(bump).finally', 'failing().catch'])
  })

  for (const [name, body] of Object.entries(CASES)) {
    test(name, async () => {
      const plain = await runPlain(body)
      const { result, code } = await runInstrumented(body)
      expect(result, code).toEqual(plain)
      const awaitsOnly = await runInstrumented(body, 'awaits')
      expect(awaitsOnly.result).toEqual(plain)
    })
  }
})
