// The compile-time instrumentation's costs (issue 11), all in one run:
// 1. ns per instrumented access inside a race-mode iteration (hooks on, events recorded by the
//    iteration's detector), for an object property, a Map entry, an array index and a
//    module-level `let`, against the same loop uninstrumented (raw) and, where it applies,
//    against track() (the Proxy path: the raw loop on a tracked value, same iteration setup);
// 2. ns per instrumented access outside any iteration (the flag off: one flag check per
//    access) against raw;
// 3. transform time per 1,000 lines of real dist files: instrument() against Vite's own
//    transforms of the same code (instrument-transform.mjs says which and why).
// Rounds are interleaved (every variant once per round) and each figure is the median of
// ROUNDS rounds after a warm-up round (each round a median of short runs, see CHUNK_NS);
// ratios compare figures of the same run.
// Run: node bench/instrument.mjs   (BENCH_CHUNK_NS sets the length of one timed run; npm run bench runs it)
import '../dist/runtime/access-hooks.js'
import { DEFAULT_SETTINGS } from '../dist/options.js'
import { HOOKS_GLOBAL } from '../dist/instrument/sites.js'
import { runIteration } from '../dist/runtime/iteration-runner.js'
import { KINDS, loadLoop } from './instrument-loops.mjs'
import { transformTimes } from './instrument-transform.mjs'
import { median, num, ratio, report } from './lib.mjs'

/**
 * Each round times CHUNKS short runs of a loop (about CHUNK_NS each, sized from the warm-up
 * round) and keeps their median: on a loaded machine a run this short is seldom preempted,
 * and the median drops those that were. The figure is the median of ROUNDS such rounds.
 */
const CHUNK_NS = Number(process.env.BENCH_CHUNK_NS ?? 250_000)
const CHUNKS = 40
const ROUNDS = 7
/** Accesses of the warm-up round (each loop step is 2); outside an iteration, OFF_FACTOR times more. */
const WARM_UP = 40_000
const OFF_FACTOR = 25
const TRANSFORM_ROUNDS = 5
const GOAL_NS = 100
const GOAL_OFF = 2
const GOAL_TRANSFORM = 1

const hooks = globalThis[HOOKS_GLOBAL]
const settings = { ...DEFAULT_SETTINGS, race: true }
const stubVitest = {}

/**
 * A variant's timer: its first call (the warm-up round) runs `warmUp` accesses in one go and
 * sizes the chunks from it; each later call returns the median ns per access of CHUNKS chunks.
 */
function chunkedTimer(loop, warmUp) {
  let chunk
  return (value) => {
    if (chunk === undefined) {
      const ns = timeRun(loop, value, warmUp)
      chunk = Math.max(2, 2 * Math.round(CHUNK_NS / ns / 2))
      return ns
    }
    const times = []
    for (let c = 0; c < CHUNKS; c++) times.push(timeRun(loop, value, chunk))
    return median(times)
  }
}

function timeRun(loop, value, accesses) {
  const start = process.hrtime.bigint()
  loop(value, accesses / 2)
  return Number(process.hrtime.bigint() - start) / accesses
}

/**
 * ns per access of `timer` run by the body of a fresh race-mode iteration (worker 0), on
 * make()'s value, tracked first when `track`. Checks that the hooks were on and, for an
 * instrumented loop, that its accesses reached the iteration's shadows.
 */
async function inRaceIteration(timer, make, { track, instrumented }) {
  let ns
  let on
  const outcome = await runIteration({
    settings,
    seed: 1,
    iteration: 0,
    schedule: { kind: 'decisions', decisions: [] },
    vitest: stubVitest,
    body: (ctx) => {
      const value = track ? ctx.track(make(), 'bench') : make()
      on = hooks.on && ctx.raceMode
      ns = timer(value)
    },
  })
  if (outcome.error !== undefined) throw outcome.error
  if (!on) throw new Error('bench: the access hooks were off inside the race-mode iteration')
  if (outcome.races.length > 0) throw new Error(`bench: a one-worker loop reported a race on ${outcome.races[0].location.label}`)
  // objectShadows (IterationRun, private): created by the first instrumented access recorded.
  if (instrumented && outcome.run.objectShadows === undefined) throw new Error('bench: the instrumented loop recorded nothing into the iteration')
  return ns
}

function outsideIteration(timer, make) {
  if (hooks.on) throw new Error('bench: the access hooks are on outside any iteration')
  return timer(make())
}

/** Every variant of `kind`, each on its own module copy: name → () => ns per access (one round). */
async function variants(kind) {
  const { make, tracked } = KINDS[kind]
  const race = async (instrumented) => chunkedTimer(await loadLoop(kind, instrumented), WARM_UP)
  const off = async (instrumented) => chunkedTimer(await loadLoop(kind, instrumented), WARM_UP * OFF_FACTOR)
  const t = {
    raw: await race(false),
    instrumented: await race(true),
    track: tracked ? await race(false) : undefined,
    rawOff: await off(false),
    instrumentedOff: await off(true),
  }
  return {
    raw: () => inRaceIteration(t.raw, make, { track: false, instrumented: false }),
    instrumented: () => inRaceIteration(t.instrumented, make, { track: false, instrumented: true }),
    ...(t.track ? { track: () => inRaceIteration(t.track, make, { track: true, instrumented: false }) } : {}),
    rawOff: () => outsideIteration(t.rawOff, make),
    instrumentedOff: () => outsideIteration(t.instrumentedOff, make),
  }
}

const kinds = Object.keys(KINDS)
const all = {}
for (const kind of kinds) all[kind] = await variants(kind)
const samples = Object.fromEntries(kinds.map((k) => [k, Object.fromEntries(Object.keys(all[k]).map((v) => [v, []]))]))
for (let r = 0; r <= ROUNDS; r++) {
  for (const kind of kinds) {
    for (const [name, measure] of Object.entries(all[kind])) {
      const ns = await measure()
      if (r > 0) samples[kind][name].push(ns) // round 0 warms up
    }
  }
}
const ns = Object.fromEntries(kinds.map((k) => [k, Object.fromEntries(Object.entries(samples[k]).map(([v, s]) => [v, median(s)]))]))

const rows = []
const part = 'instrumentation'
for (const kind of kinds) {
  const f = ns[kind]
  rows.push({ part, case: `${kind}, instrumented, race mode`, measured: `${num(f.instrumented)} ns`, baseline: `raw ${num(f.raw)} ns`, ratio: ratio(f.instrumented, f.raw) })
  if (f.track !== undefined) rows.push({ part, case: `${kind}, instrumented vs track(), race mode`, measured: `${num(f.instrumented)} ns`, baseline: `track() ${num(f.track)} ns`, ratio: ratio(f.instrumented, f.track) })
  else rows.push({ part, case: `${kind}, track(), race mode`, measured: 'n/a', baseline: 'track() cannot reach a binding', ratio: '' })
}
for (const kind of kinds) {
  const f = ns[kind]
  rows.push({ part, case: `${kind}, instrumented, outside an iteration`, measured: `${num(f.instrumentedOff)} ns`, baseline: `raw ${num(f.rawOff)} ns`, ratio: ratio(f.instrumentedOff, f.rawOff) })
}

const t = await transformTimes(TRANSFORM_ROUNDS)
const ms = t.msPerKLoc
const viteBoth = ms.vite + ms.runner
rows.push(
  { part, case: `transform, instrument() vs ${t.viteName}`, measured: `${num(ms.instrument)} ms/kLOC`, baseline: `${num(ms.vite)} ms/kLOC`, ratio: ratio(ms.instrument, ms.vite) },
  { part, case: `transform, instrument() vs ${t.runnerName}`, measured: `${num(ms.instrument)} ms/kLOC`, baseline: `${num(ms.runner)} ms/kLOC`, ratio: ratio(ms.instrument, ms.runner) },
  { part, case: `transform, instrument() vs both (a .ts module)`, measured: `${num(ms.instrument)} ms/kLOC`, baseline: `${num(viteBoth)} ms/kLOC`, ratio: ratio(ms.instrument, viteBoth) },
)

const worst = (key) => kinds.filter((k) => ns[k][key] !== undefined).reduce((a, b) => (ns[b][key] > ns[a][key] ? b : a))
const worstRace = worst('instrumented')
const offRatio = (k) => ns[k].instrumentedOff / ns[k].rawOff
const worstOff = kinds.reduce((a, b) => (offRatio(b) > offRatio(a) ? b : a))
report({
  title: part,
  rows,
  setup:
    `ns per access (each loop step one read + one write of one location), median of ${ROUNDS} interleaved rounds after a warm-up; ` +
    `a round: the median of ${CHUNKS} runs of about ${CHUNK_NS / 1000} µs each; ` +
    `race mode: in the body of a fresh race-mode iteration per round (worker 0, detector recording), outside an iteration: with the hooks installed and off; ` +
    `every variant a separate copy of the loop's module (own JIT feedback); transform: ms per 1,000 lines, per file the median of ${TRANSFORM_ROUNDS} rounds after a warm-up, ` +
    `${t.lines.toLocaleString('en')} lines of ${t.files.join(', ')}`,
  notes: [
    'instrumented: the loop as the plugin rewrites it (instrument(), mode full); raw: the same source as written; track(): the raw loop on ctx.track(value), in the same kind of iteration',
    'a hot loop repeats one location in one turn, so after the first access the detector takes its same-turn fast path; an access in a new turn costs more (the track() rows pay the same)',
    `${t.viteName}: what Vite does to a .ts/.jsx module; ${t.runnerName}: what Vite does to every module Vitest runs (.js and inlined deps too); both: a .ts module's Vite transform time without resolution and I/O`,
    'transform figures are instrument() alone; the plugin hook also maps each site to its original line through the combined source map',
  ],
  targets: [
    {
      target: `≤ ${GOAL_NS} ns per instrumented access in race mode`,
      met: ns[worstRace].instrumented <= GOAL_NS,
      detail: kinds.map((k) => `${k} ${num(ns[k].instrumented)} ns`).join(', '),
    },
    {
      target: `≤ ${GOAL_OFF}× raw per instrumented access outside a race-mode iteration`,
      met: offRatio(worstOff) <= GOAL_OFF,
      detail: kinds.map((k) => `${k} ${ratio(ns[k].instrumentedOff, ns[k].rawOff)}`).join(', '),
    },
    {
      target: `instrumenting adds at most Vite's own transform time again (instrument() / Vite ≤ ${GOAL_TRANSFORM})`,
      met: ms.instrument / viteBoth <= GOAL_TRANSFORM,
      detail: `${ratio(ms.instrument, viteBoth)} of ${t.viteName} + ${t.runnerName}; ${ratio(ms.instrument, ms.vite)} of ${t.viteName} alone, ${ratio(ms.instrument, ms.runner)} of ${t.runnerName} alone`,
    },
  ],
})
