// Cost of one race-mode iteration as the number of workers grows. Each worker does what a
// typical concurrentTest worker does: a read-modify-write of its own key across an await
// (pause()) and one read of a key every worker shares. Figures: ms per iteration for each
// worker count, as a ratio of the time for BASE workers in the same run (linear cost gives a
// ratio equal to the worker ratio: ×10 for 10 × BASE). Target: 10,000 workers within ×10 of
// 1,000 (the goal).
// Also the heap (needs --expose-gc): heap used after a full GC over HEAP_ITERATIONS race-mode
// iterations of 1,000 workers (after the last against after the tenth), and over the 20
// concurrentTests of 1,000 workers in test/fixtures/heap (Vitest run on it; each test's heap
// after its end), both as ratios against the early figure of the same run: flat is ×1.
// CPU time (process.cpuUsage, GC threads included) is measured beside: on a shared, loaded machine
// wall time also counts the time the process waited for a core, CPU time does not.
// Issue 12, paired runs (the commit before the detector's per-location index by worker, then
// after it) on the shared 2-core machine at load average 13-14, median of 3: one 10,000-worker
// iteration took 1,226-1,406 ms CPU before and 844-900 ms after; against 1,000 workers in the
// same run, CPU ×11-×12 before and ×6.9-×8.3 after, wall ×9.8-×16 before and ×4.7-×9.8 after
// (on a quieter machine, before: 71 ms and 1,940 ms wall, ×27).
// Run: node --expose-gc bench/workers-scaling.mjs   (BENCH_WORKERS="250,1000,10000" sets the
// counts, BENCH_HEAP_ITERATIONS the iterations; npm run bench runs it)
import { DEFAULT_SETTINGS } from '../dist/options.js'
import { IterationRun } from '../dist/runtime/iteration.js'
import { randomSchedule, strategyFor } from '../dist/runtime/strategies.js'
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { keyedWorkers, median, num, ratio, report } from './lib.mjs'

const COUNTS = (process.env.BENCH_WORKERS ?? '250,1000,2000,10000').split(',').map(Number)
const BASE = 1_000
const HEAP_ITERATIONS = Number(process.env.BENCH_HEAP_ITERATIONS ?? 200)
/** Heap after the last iteration (or test) within this ratio of the early figure counts as flat. */
const FLAT = 1.1
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
/** Figures from earlier runs (issue 12), printed beside this run's for comparison. */
const HISTORY = [
  'issue 12, before the per-location index by worker: 10,000 workers 1,226-1,406 ms CPU per iteration, ×11-×12 CPU and ×9.8-×16 wall against 1,000 (×27 wall on a quieter machine)',
  'issue 12, after: 10,000 workers 844-900 ms CPU per iteration, ×6.9-×8.3 CPU and ×4.7-×9.8 wall against 1,000 (paired runs, load average 13-14 on 2 cores)',
  'issue 12, heap: 6.66 → 6.38 MiB over 200 iterations of 1,000 workers; 17.5 → 18.0 MiB over 20 tests in one file (27 KiB per test)',
]

/** One race-mode iteration with `n` workers: { ms, cpuMs }. */
function iteration(n) {
  // A random decision at every step, as fast-check draws them for an exploring iteration.
  return keyedWorkers(new IterationRun({ ...DEFAULT_SETTINGS, race: true }, 1, strategyFor(randomSchedule(1, 4 * n + 16)), undefined), n)
}

// Warm the JIT first: the first iterations of a process run slower whatever their size.
for (let r = 0; r < 3; r++) await iteration(BASE)
const times = new Map()
const cpuTimes = new Map()
for (const n of [...new Set([BASE, ...COUNTS])].sort((a, b) => a - b)) {
  const samples = []
  for (let r = 0; r < ROUNDS; r++) samples.push(await iteration(n))
  times.set(n, median(samples.map((s) => s.ms)))
  cpuTimes.set(n, median(samples.map((s) => s.cpuMs)))
  process.stderr.write(`workers-scaling: ${n} workers: ${num(times.get(n))} ms, ${num(cpuTimes.get(n))} ms CPU\n`)
}
const base = times.get(BASE)
const cpuBase = cpuTimes.get(BASE)
const rows = [...times].flatMap(([n, ms]) => [
  {
    part: 'workers',
    case: `${n.toLocaleString('en')} workers, race mode, one iteration`,
    measured: `${num(ms)} ms`,
    baseline: `${BASE.toLocaleString('en')} workers: ${num(base)} ms`,
    ratio: ratio(ms, base),
  },
  {
    part: 'workers',
    case: `${n.toLocaleString('en')} workers, race mode, one iteration, CPU time`,
    measured: `${num(cpuTimes.get(n))} ms`,
    baseline: `${BASE.toLocaleString('en')} workers: ${num(cpuBase)} ms`,
    ratio: ratio(cpuTimes.get(n), cpuBase),
  },
])
const big = times.get(10_000)
const bigCpu = cpuTimes.get(10_000)

function heapMiB() {
  globalThis.gc()
  return process.memoryUsage().heapUsed / 2 ** 20
}

/** Heap after the iteration's last scheduler callbacks (one event-loop turn and a timer) have run. */
async function settledHeapMiB() {
  await new Promise((resolve) => setTimeout(resolve, 50))
  return heapMiB()
}

/** Heap (MiB) after the tenth and after the last of HEAP_ITERATIONS iterations of BASE workers. */
async function heapOverIterations() {
  let early
  for (let i = 1; i <= HEAP_ITERATIONS; i++) {
    await iteration(BASE)
    if (i === 10) early = await settledHeapMiB()
  }
  return { early, late: await settledHeapMiB() }
}

/** Heap (MiB) after each of the 20 tests of test/fixtures/heap, run by Vitest in race mode. */
function heapOverTests() {
  const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs')
  const root = fileURLToPath(new URL('../test/fixtures/heap/', import.meta.url))
  const r = spawnSync(process.execPath, [vitest, 'run'], { cwd: root, env: { ...process.env, VITEST_RACE: '1', NO_COLOR: '1', CI: 'true' }, encoding: 'utf8' })
  const line = /HEAP (\{.*\})/.exec(r.stdout ?? '')
  if (line === null) throw new Error(`bench: no HEAP line from the heap fixture:\n${(r.stdout + r.stderr).slice(-2000)}`)
  return JSON.parse(line[1]).heap.map((b) => b / 2 ** 20)
}

const heapRows = []
const heapTargets = []
if (globalThis.gc !== undefined) {
  const { early, late } = await heapOverIterations()
  heapRows.push({ part: 'workers heap', case: `after ${HEAP_ITERATIONS} iterations of ${BASE.toLocaleString('en')} workers`, measured: `${num(late)} MiB`, baseline: `after 10: ${num(early)} MiB`, ratio: ratio(late, early) })
  const perTest = heapOverTests()
  const first = perTest[0]
  const last = perTest.at(-1)
  heapRows.push({ part: 'workers heap', case: `after test ${perTest.length} of ${perTest.length} (1,000 workers each, one file)`, measured: `${num(last)} MiB`, baseline: `after test 1: ${num(first)} MiB`, ratio: ratio(last, first) })
  heapTargets.push(
    { target: `heap flat over ${HEAP_ITERATIONS} iterations of 1,000 workers (within ×${FLAT})`, met: late / early <= FLAT, detail: `${ratio(late, early)}, ${(late - early) >= 0 ? '+' : ''}${(late - early).toFixed(2)} MiB` },
    { target: `heap flat over ${perTest.length} tests in one file (within ×${FLAT})`, met: last / first <= FLAT, detail: `${ratio(last, first)}, ${(((last - first) / (perTest.length - 1)) * 1024).toFixed(0)} KiB per test` },
  )
}
report({
  title: 'workers',
  setup: `ms per race-mode iteration (median of ${ROUNDS}); each worker reads its own key, awaits pause(), writes it from the read plus one shared key; baseline: ${BASE.toLocaleString('en')} workers in the same run`,
  rows: [...rows, ...heapRows],
  notes: [...HISTORY, ...(globalThis.gc === undefined ? ['run with node --expose-gc for the heap figures'] : [])],
  targets: [
    ...heapTargets,
    {
      target: '10,000 workers within ×10 of the time for 1,000',
      met: big === undefined ? null : big / base <= 10,
      detail: big === undefined ? '10,000 not measured' : `${ratio(big, base)} (CPU time ${ratio(bigCpu, cpuBase)})`,
    },
  ],
})
