// Cost per tracked access: the same loop on a raw value, on a tracked one in stress mode
// (proxies, no detector) and on a tracked one in race mode (proxies, detector, turn hooks),
// for an object property, a Map entry and an array slot, all in one run. Each loop step is
// one read and one write. Figures: ns per access (median of ROUNDS rounds), as a ratio of
// the raw loop's ns per access for the same kind.
// Run: node bench/track-access.mjs   (BENCH_N sets the accesses per round; npm run bench runs it)
import { iterationRun, median, num, ratio, releaseTurns, report, retainTurns, runAs } from './lib.mjs'

const N = Number(process.env.BENCH_N ?? 1_000_000)
const ROUNDS = 7

const kinds = {
  'object property': { make: () => ({ count: 0 }), step: (o) => (o.count = o.count + 1) },
  'Map entry': { make: () => new Map([['k', 0]]), step: (m) => m.set('k', m.get('k') + 1) },
  'array index': { make: () => [0], step: (a) => (a[0] = a[0] + 1) },
}

function loop(value, step) {
  for (let i = 0; i < N / 2; i++) step(value)
}

/** ns per access of one kind in one mode ('raw', 'stress' or 'race'), median of ROUNDS rounds. */
function measure(kind, mode) {
  const { make, step } = kinds[kind]
  const times = []
  for (let r = 0; r < ROUNDS; r++) {
    let value = make()
    let run
    if (mode !== 'raw') {
      run = iterationRun(mode === 'race')
      value = run.tracker.track(value, 'bench')
    }
    if (mode === 'race') retainTurns()
    const start = process.hrtime.bigint()
    if (run) runAs({ run, worker: 0 }, () => loop(value, step))
    else loop(value, step)
    const ns = Number(process.hrtime.bigint() - start)
    if (mode === 'race') releaseTurns()
    times.push(ns / N)
  }
  return median(times)
}

const rows = []
for (const kind of Object.keys(kinds)) {
  const raw = measure(kind, 'raw')
  for (const mode of ['stress', 'race']) {
    const ns = measure(kind, mode)
    rows.push({ part: 'access cost', case: `${kind}, ${mode} mode`, measured: `${num(ns)} ns`, baseline: `raw ${num(raw)} ns`, ratio: ratio(ns, raw) })
  }
}
report({
  title: 'access cost',
  setup: `ns per access (one read + one write per step), median of ${ROUNDS} rounds of ${N.toLocaleString('en')} accesses; baseline: the same loop on the raw value`,
  rows,
})
