// The loops bench/instrument.mjs times: one small module per kind of access, loaded as written
// (raw) or as the plugin's transform rewrites it (instrument(), mode 'full'), each copy a fresh
// module so that V8 optimises every variant on its own type feedback. Each loop step is one
// read and one write of the same location.
import { instrument } from '../dist/instrument/transform.js'

/**
 * name → { source, make, tracked }: `source` exports `loop(value, steps)`; `make()` builds the
 * value a round starts from; `tracked` says whether track() (the Proxy path) applies.
 */
export const KINDS = {
  'object property': {
    source: 'export function loop(o, n) { for (let i = 0; i < n; i++) o.count = o.count + 1; return o.count }',
    make: () => ({ count: 0 }),
    tracked: true,
  },
  'Map entry': {
    source: "export function loop(m, n) { for (let i = 0; i < n; i++) m.set('k', m.get('k') + 1); return m.size }",
    make: () => new Map([['k', 0]]),
    tracked: true,
  },
  'array index': {
    source: 'export function loop(a, n) { for (let i = 0; i < n; i++) a[0] = a[0] + 1; return a.length }',
    make: () => [0],
    tracked: true,
  },
  // A module-level binding read and written by a function: what track() cannot reach.
  'module let binding': {
    source: 'let count = 0\nexport function loop(_, n) { for (let i = 0; i < n; i++) count = count + 1; return count }',
    make: () => undefined,
    tracked: false,
  },
}

let copies = 0

/** A fresh copy of `kind`'s module, instrumented or not; resolves to its `loop`. */
export async function loadLoop(kind, instrumented) {
  const { source } = KINDS[kind]
  const file = `bench/${kind.replaceAll(' ', '-')}.js`
  let code = source
  if (instrumented) {
    const out = instrument(source, { mode: 'full', file })
    if (out === undefined || out.sites < 2) throw new Error(`bench: instrument() left ${file} without its two access sites`)
    code = out.code
  }
  // A distinct URL per copy: a distinct module, compiled and optimised on its own.
  const url = `data:text/javascript;base64,${Buffer.from(`${code}\n// copy ${copies++}\n`).toString('base64')}`
  return (await import(url)).loop
}
