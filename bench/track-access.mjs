// Cost per tracked access: a raw value, tracked in stress mode (proxies, no detector) and
// tracked in race mode (proxies, detector, turn hooks), for an object property, a Map entry
// and an array slot, all measured in one run. Each loop step is one read and one write.
// Prints ns per access and ratios against the raw baseline of the same kind.
// Run: npm run bench   (BENCH_N sets the number of accesses per round)
import { DEFAULT_SETTINGS } from '../dist/options.js'
import { runAs } from '../dist/runtime/context.js'
import { IterationRun } from '../dist/runtime/iteration.js'
import { randomSchedule, strategyFor } from '../dist/runtime/strategies.js'
import { releaseTurns, retainTurns } from '../dist/runtime/async-hooks.js'

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

function measure(kind, mode) {
  const { make, step } = kinds[kind]
  const times = []
  for (let r = 0; r < ROUNDS; r++) {
    let value = make()
    let run
    if (mode !== 'raw') {
      run = new IterationRun({ ...DEFAULT_SETTINGS, race: mode === 'race' }, 1, strategyFor(randomSchedule(1)), undefined)
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
  times.sort((x, y) => x - y)
  return times[Math.floor(ROUNDS / 2)]
}

console.log(`vitest-race bench: ns per tracked access, median of ${ROUNDS} rounds of ${N.toLocaleString('en')} accesses, Node ${process.version}`)
console.log('| access | raw ns | stress ns | race ns | stress × raw | race × raw |')
console.log('| --- | ---: | ---: | ---: | ---: | ---: |')
for (const kind of Object.keys(kinds)) {
  const raw = measure(kind, 'raw')
  const stress = measure(kind, 'stress')
  const race = measure(kind, 'race')
  console.log(`| ${kind} | ${raw.toFixed(1)} | ${stress.toFixed(1)} | ${race.toFixed(1)} | ${(stress / raw).toFixed(0)} | ${(race / raw).toFixed(0)} |`)
}
