// Heap growth over many tracked accesses in race mode, for history_size 0, 1 and 4. The
// detector keeps per-location, per-worker state and a bounded history ring (2^n × 1024
// events per worker, full long before 1 M accesses), so the heap should stay flat in the
// number of accesses. Figure: heap used (after a forced GC) once TOTAL accesses are made, as
// a ratio of the heap used after TOTAL / 10 accesses, in the same run. A leak of one byte per
// access would add ~9 MB between the two and show as a ratio well above 1.
// Run: node --expose-gc bench/memory.mjs   (BENCH_ACCESSES sets TOTAL; npm run bench runs it)
import { iterationRun, num, ratio, releaseTurns, report, retainTurns, runAs } from './lib.mjs'

const TOTAL = Number(process.env.BENCH_ACCESSES ?? 10_000_000)
const CHECKPOINTS = [TOTAL / 10, TOTAL]
const KEYS = 1_000
const HISTORY_SIZES = [0, 1, 4]
/** The target: heap after TOTAL accesses within 10% of the heap after TOTAL / 10. */
const FLAT = 1.1

function heapMiB() {
  globalThis.gc?.()
  return process.memoryUsage().heapUsed / 2 ** 20
}

/** Heap used (MiB) at each checkpoint, accessing KEYS locations round robin (one read, one write per step). */
function measure(historySize) {
  const run = iterationRun(true, { historySize })
  const state = run.tracker.track({ counters: Object.fromEntries(Array.from({ length: KEYS }, (_, i) => [`k${i}`, 0])) }, 'state')
  const counters = state.counters
  const keys = Array.from({ length: KEYS }, (_, i) => `k${i}`)
  retainTurns()
  const at = []
  let done = 0
  runAs({ run, worker: 0 }, () => {
    for (const checkpoint of CHECKPOINTS) {
      for (; done < checkpoint; done += 2) {
        const k = keys[done % KEYS]
        counters[k] = counters[k] + 1
      }
      at.push(heapMiB())
    }
  })
  releaseTurns()
  return at
}

const millions = (n) => `${(n / 1e6).toLocaleString('en')} M`
const rows = []
const ratios = []
for (const size of HISTORY_SIZES) {
  const [early, late] = measure(size)
  ratios.push({ size, r: late / early, growth: late - early })
  rows.push({
    part: 'heap',
    case: `race mode, history_size ${size}, after ${millions(TOTAL)} accesses`,
    measured: `${num(late)} MiB`,
    baseline: `after ${millions(CHECKPOINTS[0])}: ${num(early)} MiB`,
    ratio: ratio(late, early),
  })
}
const worst = ratios.reduce((a, b) => (b.r > a.r ? b : a))
report({
  title: 'heap',
  setup: `heap used after a forced GC, race mode, ${KEYS} locations accessed round robin by one worker; baseline: the same run after ${millions(CHECKPOINTS[0])} accesses`,
  rows,
  notes: globalThis.gc === undefined ? ['run with node --expose-gc: without it the heap figures include garbage'] : [],
  targets: [
    {
      target: `heap stays flat in the number of accesses (after ${millions(TOTAL)} within ×${FLAT} of after ${millions(CHECKPOINTS[0])}, every history_size)`,
      met: globalThis.gc === undefined ? null : worst.r <= FLAT,
      detail: `worst ${ratio(worst.r, 1)} (history_size ${worst.size}, ${worst.growth >= 0 ? '+' : ''}${worst.growth.toFixed(2)} MiB)`,
    },
  ],
})
