// The PCT strategy as the number of waiting workers grows. Two figures, each as a ratio of
// the figure for BASE workers in the same run: (1) the pick alone, µs per step with n workers
// waiting (each step picks the highest-priority one, which goes and waits again, announced as
// the scheduler announces it); (2) one race-mode iteration of n workers under a PCT schedule
// (the workers-scaling body: each reads its own key, awaits pause(), writes it from the read
// plus one shared key), the schedule drawn as exploration draws it (a priority per worker, two
// change points). A pick linear in the waiting workers makes (1) grow ×10 for ×10 workers and
// (2) quadratic; the target is 10,000 workers within ×10 of 1,000 for the iteration.
// Issue 12: before and after the heap (PctStrategy scanned every pending worker at each
// pick), paired runs on the shared 2-core machine: see HISTORY.
// Run: node bench/pct-scaling.mjs (after npm run build; BENCH_WORKERS="1000,10000" sets the counts)
import { DEFAULT_SETTINGS } from '../dist/options.js'
import { IterationRun } from '../dist/runtime/iteration.js'
import { Random } from '../dist/runtime/random.js'
import { PctStrategy } from '../dist/runtime/strategies.js'
import { keyedWorkers, median, num, ratio, report } from './lib.mjs'

const COUNTS = (process.env.BENCH_WORKERS ?? '1000,2000,10000').split(',').map(Number)
const BASE = 1_000
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const HISTORY = [
  'issue 12, 3 paired runs (load average 6-13 on 2 cores), before the heap (a scan of every pending worker per pick): pick 4.5-11 µs with 1,000 waiting, 39-75 µs with 10,000; a 10,000-worker PCT iteration 1,273-2,474 ms, ×6.4-×30 of 1,000',
  'issue 12, after: pick 0.12-0.50 µs with 1,000 waiting, 0.15-0.35 µs with 10,000; a 10,000-worker PCT iteration 1,314-1,778 ms, ×4.9-×9.8 of 1,000 (the iteration figures swing with the load; the pick ones do not)',
]

/** A PCT schedule for `n` workers, as exploration draws one: priorities for 2n workers, two change points among 4n steps. */
function pctSchedule(n, seed) {
  const random = new Random(seed)
  return {
    priorities: Array.from({ length: 2 * n }, () => random.int(0x10000)),
    changes: [random.int(4 * n), random.int(4 * n)],
  }
}

/** µs per pick with `n` workers waiting: the picked one waits again at once, as a worker looping on pause() does. */
function pickMicros(n) {
  const { priorities, changes } = pctSchedule(n, 7)
  const s = new PctStrategy(priorities, changes)
  const pending = Array.from({ length: n }, (_, i) => i + 1)
  for (const w of pending) s.becamePending?.(w)
  const steps = 20_000
  const start = performance.now()
  for (let i = 0; i < steps; i++) {
    const w = s.pick(pending, undefined)
    s.becamePending?.(w) // (a strategy without it, as before the heap, picks from `pending` alone)
  }
  return ((performance.now() - start) * 1000) / steps
}

/** One race-mode iteration of `n` workers under a PCT schedule: ms. */
async function iteration(n) {
  const { priorities, changes } = pctSchedule(n, 1)
  return (await keyedWorkers(new IterationRun({ ...DEFAULT_SETTINGS, race: true }, 1, new PctStrategy(priorities, changes), undefined), n)).ms
}

// Warm the JIT first.
for (let r = 0; r < 3; r++) {
  pickMicros(BASE)
  await iteration(BASE)
}
const counts = [...new Set([BASE, ...COUNTS])].sort((a, b) => a - b)
const picks = new Map()
const times = new Map()
for (const n of counts) {
  const p = []
  const t = []
  for (let r = 0; r < ROUNDS; r++) {
    p.push(pickMicros(n))
    t.push(await iteration(n))
  }
  picks.set(n, median(p))
  times.set(n, median(t))
  process.stderr.write(`pct-scaling: ${n} workers: pick ${num(picks.get(n))} µs, iteration ${num(times.get(n))} ms\n`)
}
const rows = counts.flatMap((n) => [
  { part: 'pct', case: `pick with ${n.toLocaleString('en')} workers waiting`, measured: `${num(picks.get(n))} µs`, baseline: `${BASE.toLocaleString('en')}: ${num(picks.get(BASE))} µs`, ratio: ratio(picks.get(n), picks.get(BASE)) },
  { part: 'pct', case: `${n.toLocaleString('en')} workers, race mode, one PCT iteration`, measured: `${num(times.get(n))} ms`, baseline: `${BASE.toLocaleString('en')}: ${num(times.get(BASE))} ms`, ratio: ratio(times.get(n), times.get(BASE)) },
])
const big = times.get(10_000)
report({
  title: 'pct',
  setup: `median of ${ROUNDS}; the pick over 20,000 steps; the iteration as bench/workers-scaling.mjs's, under a PCT schedule; baseline: ${BASE.toLocaleString('en')} workers in the same run`,
  rows,
  notes: HISTORY,
  targets: [
    {
      target: 'a PCT iteration of 10,000 workers within ×10 of the time for 1,000',
      met: big === undefined ? null : big / times.get(BASE) <= 10,
      detail: big === undefined ? '10,000 not measured' : ratio(big, times.get(BASE)),
    },
  ],
})
