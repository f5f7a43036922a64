// Heap growth over many tracked accesses in race mode, for history_size 0, 1 and 4: the
// detector keeps per-location, per-worker state and no ring of stacks, so the heap should
// stay flat in the number of accesses. Run: node --expose-gc bench/memory.mjs (npm run bench)
import { DEFAULT_SETTINGS } from '../dist/options.js'
import { runAs } from '../dist/runtime/context.js'
import { IterationRun } from '../dist/runtime/iteration.js'
import { randomSchedule, strategyFor } from '../dist/runtime/strategies.js'
import { releaseTurns, retainTurns } from '../dist/runtime/async-hooks.js'

const TOTAL = Number(process.env.BENCH_ACCESSES ?? 10_000_000)
const CHECKPOINTS = [TOTAL / 10, TOTAL / 2, TOTAL]
const KEYS = 1_000

function heapMiB() {
  globalThis.gc?.()
  return process.memoryUsage().heapUsed / 2 ** 20
}

function measure(historySize) {
  const run = new IterationRun({ ...DEFAULT_SETTINGS, race: true, historySize }, 1, strategyFor(randomSchedule(1)), undefined)
  const state = run.tracker.track({ counters: Object.fromEntries(Array.from({ length: KEYS }, (_, i) => [`k${i}`, 0])) }, 'state')
  const counters = state.counters
  const keys = Array.from({ length: KEYS }, (_, i) => `k${i}`)
  retainTurns()
  const base = heapMiB()
  const at = []
  let done = 0
  runAs({ run, worker: 0 }, () => {
    for (const checkpoint of CHECKPOINTS) {
      for (; done < checkpoint; done += 2) {
        const k = keys[done % KEYS]
        counters[k] = counters[k] + 1 // one read, one write
      }
      at.push(heapMiB() - base)
    }
  })
  releaseTurns()
  return at
}

if (globalThis.gc === undefined) console.log('(run with node --expose-gc for exact figures)')
console.log(`vitest-race bench: heap growth in race mode over ${TOTAL.toLocaleString('en')} tracked accesses (${KEYS} locations), Node ${process.version}`)
console.log(`| history_size | ${CHECKPOINTS.map((c) => `after ${(c / 1e6).toLocaleString('en')} M`).join(' | ')} |`)
console.log(`| --- | ${CHECKPOINTS.map(() => '---:').join(' | ')} |`)
for (const size of [0, 1, 4]) console.log(`| ${size} | ${measure(size).map((m) => `${m.toFixed(1)} MiB`).join(' | ')} |`)
