// Threads (concurrentTest.threads) in race mode: how many events per second the trace merge
// feeds the detector, against only reading the same logs; and how much slower a 4-thread
// counter loop runs on instrumented shared views (logged, merged while it runs) than the same
// loop on raw typed arrays in the same pool setup.
// Run: npm run bench   (or, after a build, node bench/threads.mjs)
import { fileURLToPath } from 'node:url'
import Tinypool from 'tinypool'
import { Ev, EVENT_WORDS, Log } from '../dist/threads/protocol.js'
import { newLogBuffer } from '../dist/threads/thread-log.js'
import { share, runThreadsOnce } from '../dist/threads/thread-run.js'
import { threadsDetector, TraceMerge } from '../dist/threads/trace-merge.js'
import { median, num, ratio, report } from './lib.mjs'

const THREADS = 4
const ROUNDS = 5

// ---- 1. The trace merge on prepared logs -------------------------------------------------
const EVENTS = 1 << 20 // per thread
const LOCATIONS = 1000
const SYNC_EVERY = 64 // a lock / unlock pair around every 64 accesses

/** Four logs as threads would leave them: accesses to their own 1000 elements, under one mutex. */
function preparedLogs() {
  const rings = Array.from({ length: THREADS }, () => new Int32Array(newLogBuffer(EVENTS)))
  let ticket = 0
  const pos = rings.map(() => 0)
  const put = (k, kind, target, index, t = -1) => {
    const o = Log.HEADER + pos[k]++ * EVENT_WORDS
    rings[k].set([kind | (target << 4), index, t, -1], o)
  }
  // Round robin in blocks, so tickets interleave across threads as under a contended lock.
  while (pos.every((p) => p + SYNC_EVERY + 2 <= EVENTS)) {
    for (let k = 0; k < THREADS; k++) {
      put(k, Ev.ACQUIRE, 0, 0, ticket++)
      for (let i = 0; i < SYNC_EVERY; i++) put(k, i % 2 === 0 ? Ev.READ : Ev.WRITE, 0, k * LOCATIONS + ((pos[k] * 7) % LOCATIONS))
      put(k, Ev.RELEASE, 0, 0, ticket++)
    }
  }
  rings.forEach((r, k) => Atomics.store(r, Log.WRITE_POS, pos[k]))
  return { rings, events: pos.reduce((a, b) => a + b, 0) }
}

function mergeRound(rings) {
  const { detector, initial } = threadsDetector(THREADS, 1)
  const merge = new TraceMerge(detector, rings, ['shared.data'], initial)
  const start = performance.now()
  merge.finish()
  const ms = performance.now() - start
  if (detector.races.length > 0) throw new Error('the prepared logs are race-free; the merge reported a race')
  return ms
}

/** The baseline: read every event's words once, in the same order, without the detector. */
function readRound(rings) {
  const start = performance.now()
  let sum = 0
  for (const ring of rings) {
    const end = Atomics.load(ring, Log.WRITE_POS)
    for (let p = 0; p < end; p++) {
      const o = Log.HEADER + p * EVENT_WORDS
      sum += ring[o] + ring[o + 1] + ring[o + 2]
    }
  }
  const ms = performance.now() - start
  if (sum === 0.5) console.log(sum) // keep the loop
  return ms
}

const { rings, events } = preparedLogs()
for (const ring of rings) Atomics.store(ring, Log.READ_POS, 0)
mergeRound(rings)
const mergeMs = median(Array.from({ length: ROUNDS }, () => mergeRound(rings)))
const readMs = median(Array.from({ length: ROUNDS }, () => readRound(rings)))
const perSecond = (ms) => events / (ms / 1000)

// ---- 2. A 4-thread counter loop, instrumented against raw ---------------------------------
const N = 500_000 // increments per thread: a read and a write each
const instrumentedPool = new Tinypool({ filename: new URL('../dist/threads/thread-entry.js', import.meta.url).href, minThreads: THREADS, maxThreads: THREADS, isolateWorkers: false })
const rawPool = new Tinypool({ filename: fileURLToPath(new URL('./threads/raw-counter.worker.mjs', import.meta.url)), minThreads: THREADS, maxThreads: THREADS, isolateWorkers: false })
const module = new URL('./threads/counter.worker.mjs', import.meta.url).href

async function instrumentedRound(race) {
  const shared = share({ counts: new Int32Array(THREADS), n: Int32Array.of(N) })
  const start = performance.now()
  const run = await runThreadsOnce({ pool: instrumentedPool, module, threads: THREADS, shared, race, historySize: 1, seed: 1, capture: [] })
  const ms = performance.now() - start
  if (run.failure !== undefined) throw run.failure.error
  if ([...shared.arrays[0]].some((c) => c !== N)) throw new Error(`counts ${[...shared.arrays[0]]}`)
  return { ms, events: run.merge?.events ?? 0 }
}

async function rawRound() {
  const buffer = new SharedArrayBuffer(THREADS * 4)
  const start = performance.now()
  await Promise.all(Array.from({ length: THREADS }, (_, index) => rawPool.run({ buffer, index, n: N })))
  return performance.now() - start
}

await instrumentedRound(true)
await rawRound()
const race = []
const raw = []
let loggedEvents = 0
for (let i = 0; i < ROUNDS; i++) {
  const r = await instrumentedRound(true)
  race.push(r.ms)
  loggedEvents = r.events
  raw.push(await rawRound())
}
const raceMs = median(race)
const rawMs = median(raw)
await Promise.all([instrumentedPool.destroy(), rawPool.destroy()])

report({
  title: 'threads',
  setup: `race mode; merge: ${THREADS} prepared logs of ${EVENTS.toLocaleString('en')} events (accesses to ${LOCATIONS} elements each, a ThreadMutex lock/unlock around every ${SYNC_EVERY}), median of ${ROUNDS}; counter: ${THREADS} threads × ${N.toLocaleString('en')} increments of their own slot (${loggedEvents.toLocaleString('en')} events logged and merged while they run), warm pools, median of ${ROUNDS}`,
  rows: [
    { part: 'threads', case: 'trace merge into the detector, events per second', measured: `${num(perSecond(mergeMs) / 1e6)} M/s`, baseline: `reading the logs ${num(perSecond(readMs) / 1e6)} M/s`, ratio: ratio(mergeMs, readMs) },
    { part: 'threads', case: `${THREADS}-thread counter loop, race mode`, measured: `${num(raceMs)} ms`, baseline: `raw typed arrays ${num(rawMs)} ms`, ratio: ratio(raceMs, rawMs) },
  ],
  notes: [`merge ratio: time to merge over time to only read the same events; counter ratio: instrumented over raw (both include dispatching the tasks to a warm pool)`],
})
