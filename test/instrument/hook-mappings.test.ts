/**
 * The source map places each inserted call hook where V8 places the original call
 * (src/instrument/hook-mappings.ts): a frame calling through `H.f` shows the call's own line
 * and column, as without instrumentation. Checked on hand-written shapes and on every
 * TypeScript file of the fixture projects and the example project (types stripped by Vite, as
 * the plugin sees them): each hook maps to its `f` site's position, which the transform computes
 * on its own.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping'
import { transformWithOxc } from 'vite'
import { describe, expect, it } from 'vitest'
import { mapHookCalls, type Segment } from '../../src/instrument/hook-mappings.js'
import { LineTable } from '../../src/instrument/line-table.js'
import { instrument } from '../../src/instrument/transform.js'

const MARK = '__vitestRace.f('

/** The site table the transform put in the prelude: the first `]` after its start that closes valid JSON. */
function siteTable(code: string): { k: string; line: number; col: number; how?: string }[] {
  const prefix = '__vitestRace.m("x.js", '
  const start = code.indexOf(prefix) + prefix.length
  for (let end = code.indexOf(']', start); end >= 0; end = code.indexOf(']', end + 1)) {
    try {
      return JSON.parse(code.slice(start, end + 1)) as { k: string; line: number; col: number; how?: string }[]
    } catch {
      // not the end yet
    }
  }
  throw new Error('no site table')
}

/** For each hook in the output: the original position its `f` maps to (1-based line and column). */
function hookPositions(code: string): { expected: string[]; mapped: string[] } | undefined {
  const out = instrument(code, { mode: 'full', file: 'x.js' })
  if (out === undefined) return undefined
  const map = new TraceMap(out.map.toString())
  const lines = out.code.split('\n')
  const mapped: string[] = []
  lines.forEach((text, i) => {
    for (let c = text.indexOf(MARK); c >= 0; c = text.indexOf(MARK, c + 1)) {
      const p = originalPositionFor(map, { line: i + 1, column: c + MARK.length - 2 })
      mapped.push(`${p.line}:${p.column === null ? null : p.column + 1}`)
    }
  })
  // `f` sites of calls (an inline async callback's `H.t` site names the callback, not a call).
  const sites = siteTable(out.code).filter((s) => s.k === 'f' && !(s.how ?? '').startsWith('async callback of'))
  return { expected: sites.map((s) => `${s.line}:${s.col}`).sort(), mapped: mapped.sort() }
}

describe('mapHookCalls (pure)', () => {
  it('adds a segment at each marker, pairing them with hooks by input position', () => {
    const input = 'a(b())\nc()'
    const output = 'M(a, M(b))\nM(c)'
    const mappings: Segment[][] = [[[2, 0, 0, 0]], [[2, 0, 1, 0]]]
    expect(mapHookCalls(new LineTable(input), output, mappings, [{ start: 7, at: 7 }, { start: 0, at: 0 }, { start: 2, at: 2 }], 'M(')).toBe(true)
    expect(mappings).toEqual([
      [[0, 0, 0, 0], [2, 0, 0, 0], [5, 0, 0, 2]],
      [[0, 0, 1, 0], [2, 0, 1, 0]],
    ])
  })

  it('changes nothing when the marker count differs from the hooks (the user wrote the marker)', () => {
    const mappings: Segment[][] = [[[0, 0, 0, 0]]]
    expect(mapHookCalls(new LineTable('x'), 'M(x) "M("', mappings, [{ start: 0, at: 0 }], 'M(')).toBe(false)
    expect(mappings).toEqual([[[0, 0, 0, 0]]])
  })

  it('replaces a segment already at the marker’s column, and adds rows the map lacked', () => {
    const mappings: Segment[][] = [[[0, 0, 0, 5]]]
    expect(mapHookCalls(new LineTable('a\nb()'), 'x\nM(b)', mappings, [{ start: 2, at: 2 }], 'M(')).toBe(true)
    expect(mappings).toEqual([[[0, 0, 0, 5]], [[0, 0, 1, 0]]])
  })
})

describe('instrumented code', () => {
  it.each([
    ['a call that starts a line', 'export function f() {\n  g(1)\n}\nfunction g() {}'],
    ['a call after return', 'export function f() { return g(1) + 1 }\nfunction g() { return 1 }'],
    ['a method call (V8 places it at the name)', 'export function f(o) {\n  o.save(1)\n  return o.deep.load()\n}'],
    ['nested and chained calls', 'export function f(o) {\n  a(b(c()))\n  o.x().y().z()\n  return a()()\n}\nfunction a() { return a }\nfunction b() {}\nfunction c() {}'],
    ['calls in arrows, conditions and template literals', 'export const f = (o) => o.ok() ? g(`${h()}`) : [g(), h()].map((x) => g(x))\nfunction g() {}\nfunction h() {}'],
    ['a call in a class method and a getter', 'export class A { m() { this.n() } get v() { return this.n() } n() {} }'],
  ])('%s: every hook maps to its call', (_name, code) => {
    const r = hookPositions(code)!
    expect(r.mapped.length).toBeGreaterThan(0)
    expect(r.mapped).toEqual(r.expected)
  })

  it('a string holding the marker: the hooks keep the map magic-string made, and the string is unchanged', () => {
    const out = instrument('export function f() {\n  g("__vitestRace.f(")\n}\nfunction g() {}', { mode: 'full', file: 'x.js' })!
    expect(out.code).toContain('__vitestRace.f(void 0, g, __vm+0, "__vitestRace.f(")')
    expect(() => new TraceMap(out.map.toString())).not.toThrow()
  })
})

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

function tsFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...tsFiles(path))
    else if (/\.[cm]?ts$/.test(name) && !name.endsWith('.d.ts')) out.push(path)
  }
  return out
}

describe('every fixture and example file', () => {
  const files = [...tsFiles(join(ROOT, 'test/fixtures')), ...tsFiles(join(ROOT, 'example-project/src')), ...tsFiles(join(ROOT, 'example-project/test'))]

  it('maps each hook to its call', async () => {
    let hooks = 0
    for (const file of files) {
      let js: string
      try {
        js = (await transformWithOxc(readFileSync(file, 'utf8'), file, { lang: 'ts' })).code
      } catch {
        continue // a fixture that is not TypeScript on purpose
      }
      const r = hookPositions(js)
      if (r === undefined) continue
      expect(r.mapped, file).toEqual(r.expected)
      hooks += r.mapped.length
    }
    expect(files.length).toBeGreaterThan(100)
    expect(hooks).toBeGreaterThan(500)
  })
})
