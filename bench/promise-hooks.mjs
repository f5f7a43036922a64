// The cost of race mode's async_hooks (turns and promise edges) on await-heavy code: the
// same loop of awaits of a trivial async function, hooks off and on, in one run.
// Run: npm run bench   (BENCH_AWAITS sets the number of awaits per round)
import { DEFAULT_SETTINGS } from '../dist/options.js'
import { runAs } from '../dist/runtime/context.js'
import { IterationRun } from '../dist/runtime/iteration.js'
import { randomSchedule, strategyFor } from '../dist/runtime/strategies.js'
import { releaseTurns, retainTurns } from '../dist/runtime/async-hooks.js'

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
    const run = new IterationRun({ ...DEFAULT_SETTINGS, race: hooks }, 1, strategyFor(randomSchedule(1)), undefined)
    if (hooks) retainTurns()
    const start = process.hrtime.bigint()
    await runAs({ run, worker: 0 }, loop)
    times.push(Number(process.hrtime.bigint() - start) / N)
    if (hooks) releaseTurns()
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(ROUNDS / 2)]
}

const off = await measure(false)
const on = await measure(true)
console.log(`vitest-race bench: await-heavy loop, ns per await (median of ${ROUNDS} rounds of ${N.toLocaleString('en')}), Node ${process.version}`)
console.log('| hooks | ns/await | × off |')
console.log('| --- | ---: | ---: |')
console.log(`| off (stress mode) | ${off.toFixed(0)} | 1.0 |`)
console.log(`| on (race mode: turns + promise edges) | ${on.toFixed(0)} | ${(on / off).toFixed(1)} |`)
