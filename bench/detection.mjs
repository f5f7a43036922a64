// How fast each approach finds four async bugs that only an assertion reveals (no race
// detector): iterations to the first failing run over seeds 1..30 (median and p90, capped at
// CAP per seed), for vitest-race's random and pct strategies and for fast-check's own
// fc.scheduler() written as its documentation shows; then the mean wall time per iteration,
// measured apart on equal work (every bug, CAP iterations each, the assertion's failure ignored).
// Run: npm run bench   (or, after a build, node bench/detection.mjs)
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { DEFAULT_SETTINGS } from '../dist/options.js'
import { explore } from '../dist/runtime/exploration.js'

const SEEDS = Array.from({ length: 30 }, (_, i) => i + 1)
const CAP = 500

// Each bug is written once against `env`: { wrap (mocked I/O), spawn, fanOut }. vitest-race
// passes the context's scheduled/spawn/fanOut; fc.scheduler wraps with s.scheduleFunction and
// starts tasks as plain calls. `run` starts the tasks concurrently; `check` is the assertion.
const bugs = {
  'ready-flag': ({ wrap, fanOut }) => {
    const fetchOrders = wrap(async function fetchOrders() {
      return ['o-1', 'o-2']
    })
    const cache = { ready: false, orders: [] }
    const load = async () => {
      cache.ready = true // the bug: announced before the data is there
      cache.orders = await fetchOrders()
    }
    const read = async () => {
      if (cache.ready) assert.equal(cache.orders.length, 2)
    }
    return { run: () => fanOut(2, (i) => (i === 0 ? load() : read())), check: () => {} }
  },
  crawler: ({ wrap, spawn }) => {
    const links = { '/a': ['/a/1'], '/b': [], '/a/1': [] }
    const fetchPage = wrap(async function fetchPage(url) {
      return links[url]
    })
    const parseLinks = wrap(async function parseLinks(found) {
      return found
    })
    const visited = []
    let visitedWhenDone
    let pending = 2
    const tasks = []
    const visit = async (url) => {
      visited.push(url)
      const page = await fetchPage(url)
      pending--
      if (pending === 0) visitedWhenDone ??= [...visited]
      const children = await parseLinks(page) // the bug: children are counted only after this await
      for (const child of children) {
        pending++
        tasks.push(spawn(() => visit(child)))
      }
    }
    const run = async () => {
      tasks.push(spawn(() => visit('/a')), spawn(() => visit('/b')))
      while (tasks.length > 0) await tasks.shift()
    }
    return { run, check: () => assert.deepEqual(visitedWhenDone?.sort(), ['/a', '/a/1', '/b']) }
  },
  'callback-twice': ({ wrap, fanOut }) => {
    const log = wrap(async function log(_outcome) {})
    let settled = false
    const calls = []
    const complete = async (outcome) => {
      if (settled) return
      await log(outcome) // the bug: checked before the await, set after it
      settled = true
      calls.push(outcome)
    }
    return { run: () => fanOut(2, (i) => complete(i === 0 ? 'response' : 'timeout')), check: () => assert.equal(calls.length, 1) }
  },
  'last-launched': ({ wrap, spawn }) => {
    const api = wrap(async function search(query) {
      return `results for ${query}`
    })
    let shown = ''
    const search = async (query) => {
      shown = await api(query) // the bug: the last to complete wins, not the last launched
    }
    const run = () => Promise.all([spawn(() => search('vitest')), spawn(() => search('vitest-race'))])
    return { run, check: () => assert.equal(shown, 'results for vitest-race') }
  },
}

// A concurrentTest body and an fc.scheduler property body (as fast-check's docs show) per bug.
const raceBody = (bug) => async ({ scheduled, spawn, fanOut }) => {
  const { run, check } = bug({ wrap: scheduled, spawn, fanOut })
  await run()
  check()
}
const fcBody = (bug) => async (s) => {
  const fanOut = (n, fn) => Promise.all(Array.from({ length: n }, (_, i) => fn(i)))
  const { run, check } = bug({ wrap: (fn) => s.scheduleFunction(fn), spawn: (fn) => fn(), fanOut })
  const done = run()
  await s.waitAll()
  await done // ready-flag asserts inside a task
  check()
}

// One seed of one approach: { runs to the first failure (CAP + 1 if none), iterations made, ms }.
async function raceSeed(strategy, body, seed) {
  let calls = 0
  const settings = { ...DEFAULT_SETTINGS, race: false, strategy, seed, iterations: CAP }
  const start = performance.now()
  // explore always shrinks a failure (no option skips it); only failedRun is reported.
  const failure = await explore({ settings, body: (ctx) => (calls++, body(ctx)), vitest: {} })
  return { runs: failure?.failedRun ?? CAP + 1, calls, ms: performance.now() - start }
}

async function fcSeed(body, seed) {
  let calls = 0
  let failedAt
  const prop = fc.asyncProperty(fc.scheduler(), async (s) => {
    calls++
    try {
      await body(s)
    } catch (e) {
      failedAt ??= calls
      throw e
    }
  })
  const start = performance.now()
  await fc.check(prop, { seed, numRuns: CAP, endOnFailure: true })
  return { runs: failedAt ?? CAP + 1, calls, ms: performance.now() - start }
}

const approaches = {
  random: (bug, seed, wrap = (b) => b) => raceSeed('random', wrap(raceBody(bug)), seed),
  pct: (bug, seed, wrap = (b) => b) => raceSeed('pct', wrap(raceBody(bug)), seed),
  'fc.scheduler': (bug, seed, wrap = (b) => b) => fcSeed(wrap(fcBody(bug)), seed),
}

// Nearest-rank percentile (the median of 30 is the 15th value); a value past the cap (some seed found nothing) prints as >CAP.
function percentile(sorted, p) {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]
}
const cell = (v) => (v > CAP ? `>${CAP}` : String(v))

const rows = []
const misses = []
const atOnce = []
for (const [name, bug] of Object.entries(bugs)) {
  const cells = []
  for (const [approach, run] of Object.entries(approaches)) {
    const found = []
    for (const seed of SEEDS) found.push((await run(bug, seed)).runs)
    found.sort((a, b) => a - b)
    const missed = found.filter((v) => v > CAP).length
    if (missed > 0) misses.push(`${name} / ${approach}: ${missed} of ${SEEDS.length} seeds found nothing in ${CAP} iterations`)
    if (found.at(-1) === 1) atOnce.push(`${name} / ${approach}`)
    cells.push(cell(percentile(found, 50)), cell(percentile(found, 90)))
  }
  rows.push(`| ${name} | ${cells.join(' | ')} |`)
}

// Wall time per iteration, on equal work: every bug, CAP iterations per approach, with the
// assertion's failure swallowed so that no run stops early or shrinks; a warm-up round first.
const swallow = (body) => async (x) => {
  try {
    await body(x)
  } catch {}
}
const time = Object.fromEntries(Object.keys(approaches).map((a) => [a, { calls: 0, ms: 0 }]))
for (const round of [0, 1, 2, 3]) {
  for (const bug of Object.values(bugs)) {
    for (const [approach, run] of Object.entries(approaches)) {
      const r = await run(bug, round + 1, swallow)
      if (r.runs <= CAP) throw new Error(`${approach}: the timing run failed`)
      if (round === 0) continue
      time[approach].calls += r.calls
      time[approach].ms += r.ms
    }
  }
}

console.log(`vitest-race bench: iterations to the first failure over seeds 1..${SEEDS.length} (cap ${CAP}), Node ${process.version}`)
console.log('| bug | random median | random p90 | pct median | pct p90 | fc.scheduler median | fc.scheduler p90 |')
console.log('|---|---:|---:|---:|---:|---:|---:|')
for (const row of rows) console.log(row)
for (const line of misses) console.log(line)
if (atOnce.length > 0) console.log(`failed on the first iteration for every seed: ${atOnce.join(', ')}`)
const perIteration = Object.fromEntries(Object.entries(time).map(([a, t]) => [a, t.ms / t.calls]))
for (const [approach, ms] of Object.entries(perIteration)) {
  const ratio = ms / perIteration['fc.scheduler']
  console.log(`${approach}: ${ms.toFixed(3)} ms per iteration (mean of ${time[approach].calls} iterations, failures ignored, ×${ratio.toFixed(1)} fc.scheduler)`)
}
