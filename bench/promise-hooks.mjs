// The cost of race mode's async hooks (turns and promise edges) on await-heavy code: the
// same loop of awaits of a trivial async function with the hooks off (stress mode) and on
// (race mode), in one run. Figure: ns per await (median of ROUNDS rounds), as a ratio of
// the hooks-off loop.
// Run: node bench/promise-hooks.mjs   (BENCH_AWAITS sets the awaits per round; npm run bench runs it)
import { iterationRun, median, num, ratio, releaseTurns, report, retainTurns, runAs } from './lib.mjs'

const N = Number(process.env.BENCH_AWAITS ?? 200_000)
const ROUNDS = 7

async function step(i) {
  return i + 1
}

async function loop() {
  let x = 0
  for (let i = 0; i < N; i++) x = await step(x)
  return x
}

async function measure(hooks) {
  const times = []
  for (let r = 0; r < ROUNDS; r++) {
    const run = iterationRun(hooks)
    if (hooks) retainTurns()
    const start = process.hrtime.bigint()
    await runAs({ run, worker: 0 }, loop)
    times.push(Number(process.hrtime.bigint() - start) / N)
    if (hooks) releaseTurns()
  }
  return median(times)
}

const off = await measure(false)
const on = await measure(true)
report({
  title: 'async hooks',
  setup: `ns per await of a trivial async function, median of ${ROUNDS} rounds of ${N.toLocaleString('en')} awaits; baseline: hooks off (stress mode)`,
  rows: [{ part: 'async hooks', case: 'await loop, race mode (turns + promise edges)', measured: `${num(on)} ns`, baseline: `hooks off ${num(off)} ns`, ratio: ratio(on, off) }],
})
