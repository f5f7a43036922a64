import { expect, test } from 'vitest'
import '../../src/runtime/access-hooks.js'
import { instrument } from '../../src/instrument/transform.js'
import type { ConcurrentBody } from '../../src/runtime/iteration-runner.js'
import { runCase } from './harness.js'
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>
async function compile(name: string, source: string): Promise<ConcurrentBody> {
  const out = instrument(source, { mode: 'full', file: `cases/${name}.js` })
  let body: ConcurrentBody | undefined
  await new AsyncFunction('out', '"use strict";\n' + (out?.code ?? source))((b: ConcurrentBody) => (body = b))
  return body!
}
test('worker awaiting Promise.all of two instrumented async calls', async (vitest) => {
  const body = await compile('x', `
    async function one(k) { await Promise.resolve(); await null; return k }
    out(async ({ spawn }) => { await spawn(async () => { const r = await Promise.all([one(1), one(2)]); if (r[1] !== 2) throw new Error('bad') }) })`)
  const result = await runCase({ name: 'NoRaceX', body, iterations: 2 }, vitest)
  expect(result.error).toBeUndefined()
}, 5000)
