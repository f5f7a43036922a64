// The cost of race mode's stacks without vitest-race's frames (src/runtime/own-frames.ts): an
// error made 20 user calls deep, each call through a stand-in for the call hook in a folder
// that counts as ours, its `stack` read (formatted) at once. Baseline: the same error and
// stack with the filter off (V8's default limit of 10, every frame shown). The filter asks V8
// for 30 frames and drops ours, so each error costs more to capture and format.
// Figures: µs per error (median of ROUNDS rounds), with its stack read, and never read.
// Run: node bench/error-stacks.mjs   (BENCH_ERRORS sets the errors per round; npm run bench runs it)
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { median, num, ratio, report } from './lib.mjs'

const N = Number(process.env.BENCH_ERRORS ?? 20_000)
const ROUNDS = 7
const DEPTH = 20

const own = join(mkdtempSync(join(tmpdir(), 'vitest-race-bench-')), 'dist') + '/'
mkdirSync(own, { recursive: true })
writeFileSync(join(own, 'hook.mjs'), 'export function through(fn) { return fn() }\n')
const { through } = await import(pathToFileURL(join(own, 'hook.mjs')).href)
const { hideOwnFrames } = await import('../dist/runtime/own-frames.js')

function chain(depth, read) {
  return depth === 0 ? (read ? new Error('deep').stack.length : new Error('deep') && 1) : through(() => chain(depth - 1, read))
}

function measure(read) {
  const times = []
  let sum = 0
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < N; i++) sum += chain(DEPTH, read)
    times.push(Number(process.hrtime.bigint() - start) / N / 1000)
  }
  return { us: median(times), sum }
}

const off = measure(true)
const offMade = measure(false)
hideOwnFrames([own])
const on = measure(true)
const onMade = measure(false)
report({
  title: 'error stacks',
  setup: `µs per error made ${DEPTH} calls deep through a hook frame each, stack read at once, median of ${ROUNDS} rounds of ${N.toLocaleString('en')}; baseline: no filter (V8's default limit, hook frames shown)`,
  rows: [
    { part: 'error stacks', case: 'stack read: 30 frames captured, ours dropped, cut to 10', measured: `${num(on.us)} µs`, baseline: `${num(off.us)} µs`, ratio: ratio(on.us, off.us) },
    { part: 'error stacks', case: 'error made, stack never read (capture only)', measured: `${num(onMade.us)} µs`, baseline: `${num(offMade.us)} µs`, ratio: ratio(onMade.us, offMade.us) },
  ],
})
