// Cost of one race-mode iteration as the number of workers grows. Each worker does what a
// typical concurrentTest worker does: a read-modify-write of its own key across an await
// (pause()) and one read of a key every worker shares. Figures: ms per iteration for each
// worker count, as a ratio of the time for BASE workers in the same run (linear cost gives a
// ratio equal to the worker ratio: ×10 for 10 × BASE). Target: 10,000 workers within ×10 of
// 1,000 (the goal).
// Run: node bench/workers-scaling.mjs   (BENCH_WORKERS="250,1000,10000" sets the counts)
import { fanOut, pause } from '../dist/runtime/workers.js'
import { DEFAULT_SETTINGS } from '../dist/options.js'
import { IterationRun } from '../dist/runtime/iteration.js'
import { randomSchedule, strategyFor } from '../dist/runtime/strategies.js'
import { median, num, ratio, releaseTurns, report, retainTurns, runAs } from './lib.mjs'

const COUNTS = (process.env.BENCH_WORKERS ?? '250,1000,2000,10000').split(',').map(Number)
const BASE = 1_000
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)

/** One race-mode iteration with `n` workers; ms. */
async function iteration(n) {
  // A random decision at every step, as fast-check draws them for an exploring iteration.
  const run = new IterationRun({ ...DEFAULT_SETTINGS, race: true }, 1, strategyFor(randomSchedule(1, 4 * n + 16)), undefined)
  const state = run.tracker.track({ counts: {}, shared: 1 }, 'state')
  retainTurns()
  const start = performance.now()
  try {
    await runAs({ run, worker: 0 }, async () => {
      for (let i = 0; i < n; i++) state.counts[`k${i}`] = 0
      await fanOut(run, n, async (i) => {
        const k = `k${i}`
        const v = state.counts[k]
        await pause(run)
        state.counts[k] = v + state.shared
      })
    })
    await Promise.all(run.settled)
  } finally {
    releaseTurns()
  }
  const ms = performance.now() - start
  if (run.detector.races.length !== 0) throw new Error(`bench: ${n} workers: unexpected race on ${run.detector.races[0].location.label}`)
  return ms
}

// Warm the JIT first: the first iterations of a process run slower whatever their size.
for (let r = 0; r < 3; r++) await iteration(BASE)
const times = new Map()
for (const n of [...new Set([BASE, ...COUNTS])].sort((a, b) => a - b)) {
  const samples = []
  for (let r = 0; r < ROUNDS; r++) samples.push(await iteration(n))
  times.set(n, median(samples))
  process.stderr.write(`workers-scaling: ${n} workers: ${num(times.get(n))} ms\n`)
}
const base = times.get(BASE)
const rows = [...times].map(([n, ms]) => ({
  part: 'workers',
  case: `${n.toLocaleString('en')} workers, race mode, one iteration`,
  measured: `${num(ms)} ms`,
  baseline: `${BASE.toLocaleString('en')} workers: ${num(base)} ms`,
  ratio: ratio(ms, base),
}))
const big = times.get(10_000)
report({
  title: 'workers',
  setup: `ms per race-mode iteration (median of ${ROUNDS}); each worker reads its own key, awaits pause(), writes it from the read plus one shared key; baseline: ${BASE.toLocaleString('en')} workers in the same run`,
  rows,
  targets: [
    {
      target: '10,000 workers within ×10 of the time for 1,000',
      met: big === undefined ? null : big / base <= 10,
      detail: big === undefined ? '10,000 not measured' : ratio(big, base),
    },
  ],
})
