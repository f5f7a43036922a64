// Detection: how many iterations each approach needs to find a bug, over seeds 1..30.
//
// Bugs: every racy variant of the example project (its test files loaded as they are, see
// ./example-tests/), plus the four bugs of test/fixtures/exploration, loaded the same way, that
// only an assertion reveals (their state is plain closures, invisible to the detector). Approaches, each running the very same test
// body with at most CAP iterations per seed:
//   - race mode: vitest-race's explore with the detector on (random strategy, the default);
//     a run fails on a race report or on the body's own assertion;
//   - stress mode, random and pct strategies: explore with the detector off;
//   - fast-check's fc.scheduler, used as its documentation shows: the mocked I/O wrapped with
//     s.scheduleFunction, the body awaited through s.waitFor, fc.check with the seed;
//   - a plain Promise.all loop (the baseline): fanOut is Promise.all, the mocked I/O runs
//     as it is, nothing perturbs the schedule; the body simply runs again and again.
// Figures: the iteration (1-based) of the first failure, median / 90th percentile over the
// seeds (nearest rank; ">CAP" when past the cap); the ratio is the Promise.all loop's median
// over the approach's (how many times sooner it finds the bug). Then the wall time per
// iteration of each approach on equal work (the fixed variants, which never fail), as a ratio
// of the loop's: running the fixed variants under every approach also checks that the bench
// harness produces no false failure.
// Run: node bench/detection.mjs   (BENCH_CAP sets CAP; npm run bench runs it; the PGlite
// variant needs the example project installed: npm run demo)
import fc from 'fast-check'
import { expect } from 'vitest'
import { applyOptions, DEFAULT_SETTINGS } from '../dist/options.js'
import { explore } from '../dist/runtime/exploration.js'
import { loadExampleTests, loadFixtureTests } from './example-tests/load.mjs'
import { instrumentSqlClients } from '../dist/runtime/sql-clients.js'
import { num, percentile, ratio, report } from './lib.mjs'

const SEEDS = Array.from({ length: 30 }, (_, i) => i + 1)
const CAP = Number(process.env.BENCH_CAP ?? 500)
/** Iterations per fixed variant and approach in one round of the timing (a warm-up round, then TIMING_ROUNDS). */
const TIMING_ITERATIONS = 50
const TIMING_ROUNDS = 2
/**
 * Iterations of each fixed variant of a file with a beforeAll (a real resource: PGlite) in
 * race mode, only to check that they pass: the resource's own time would swamp the timing.
 */
const PGLITE_CHECK_ITERATIONS = 10

/** What each kind of bug (shown in the case column) means. */
const KIND_NOTE =
  'bug kinds: atomicity = an atomicity violation, which race mode should report; strict = order dependence, reported under semantics: strict; ' +
  'assertion = caught by the assertion only (untracked closures)'

// The four bugs of the exploration fixtures (test/fixtures/exploration), by file, with the names the table shows.
const FIXTURE_BUGS = {
  'ready-flag': 'ready flag read before the data',
  crawler: 'crawler counter at zero too early',
  'callback-twice': 'callback called twice',
  'last-launched': 'last launched instead of last completed',
}

// ---- approaches: each runs one body for one seed, at most `runs` iterations, and returns
// the first failure { run (1-based), race (a race report came with it) } or undefined.

const isAssertion = (e) => e instanceof Error && e.name === 'AssertionError'

/** A failure counted only if it is the bug's: an assertion or a race report; anything else is the bench's own error. */
function counted(approach, variant, run, error, races = 0) {
  if (races === 0 && !isAssertion(error)) {
    throw new Error(`bench: ${variant.name} under ${approach} failed with something other than an assertion or a race report`, { cause: error })
  }
  return { run, race: races > 0 }
}

/** vitest-race's explore, as a concurrentTest runs it, with the test's own options applied. */
const viaExplore = (approach, race, strategy) => async (variant, seed, runs) => {
  const options = applyOptions({ ...DEFAULT_SETTINGS, race }, variant.options, 'concurrentTest options')
  // explore makes one run with no context switch, then `iterations` more.
  const settings = { ...options, strategy, seed, iterations: runs - 1, path: undefined }
  // explore shrinks every failure, which is not measured here: once a run has thrown, the
  // later runs (the shrinking) pass at once. A failure by race report alone still shrinks.
  let thrown = false
  const body = async (ctx) => {
    if (thrown) return
    try {
      await variant.body(ctx)
    } catch (e) {
      thrown = true
      throw e
    }
  }
  const failure = await explore({ settings, body, vitest: { expect } })
  return failure && counted(approach, variant, failure.failedRun, failure.outcome.error, failure.outcome.races.length)
}

const fanOutAll = (n, fn) => {
  const signal = new AbortController().signal
  return Promise.all(Array.from({ length: n }, (_, i) => fn(i, signal)))
}

/** The context a body gets without vitest-race: nothing tracked, workers are plain calls. */
const plainContext = (iteration, seed) => ({
  expect,
  track: (value) => value,
  fanOut: fanOutAll,
  spawn: (fn) => fn(),
  scheduled: (fn) => fn,
  pause: async () => {},
  iteration,
  seed,
  raceMode: false,
})

async function viaFcScheduler(variant, seed, runs) {
  let iteration = 0
  let first
  const property = fc.asyncProperty(fc.scheduler(), async (s) => {
    iteration++
    const ctx = { ...plainContext(iteration, seed), scheduled: (fn) => s.scheduleFunction(fn), pause: () => s.schedule(Promise.resolve()) }
    try {
      await s.waitFor(variant.body(ctx))
    } catch (e) {
      first ??= { run: iteration, error: e }
      throw e
    }
  })
  await fc.check(property, { seed, numRuns: runs, endOnFailure: true })
  return first && counted('fc.scheduler', variant, first.run, first.error)
}

async function viaLoop(variant, seed, runs) {
  for (let run = 1; run <= runs; run++) {
    try {
      await variant.body(plainContext(run, seed))
    } catch (e) {
      return counted('Promise.all loop', variant, run, e)
    }
  }
  return undefined
}

const BASELINE = 'Promise.all loop'
const approaches = {
  'race mode': viaExplore('race mode', true, 'random'),
  'stress mode, random': viaExplore('stress mode, random', false, 'random'),
  'stress mode, pct': viaExplore('stress mode, pct', false, 'pct'),
  'fc.scheduler': viaFcScheduler,
  [BASELINE]: viaLoop,
}

// ---- the bugs, grouped as Vitest runs them: a file's beforeAll/afterAll around its tests,
// its beforeEach/afterEach around each test (here: each seed of each approach).

// The database clients, watched as the setup file watches them in a test worker.
await instrumentSqlClients(new URL('../example-project/', import.meta.url).pathname)
const notes = [KIND_NOTE]
const groups = []
for (const loaded of await loadFixtureTests(Object.keys(FIXTURE_BUGS))) {
  if (loaded.error !== undefined) throw new Error(`bench: test/fixtures/exploration/${loaded.file}.test.ts could not be loaded`, { cause: loaded.error })
  const racy = loaded.tests.map((t) => ({ ...t, name: FIXTURE_BUGS[loaded.file], kind: 'assertion' }))
  groups.push({ file: loaded.file, hooks: loaded.hooks, racy, fixed: [] })
}
for (const loaded of await loadExampleTests()) {
  if (loaded.error !== undefined) {
    notes.push(`example-project/test/${loaded.file}.test.ts not measured: ${String(loaded.error.message ?? loaded.error).split('\n')[0]} (run \`npm run demo\` to install the example project)`)
    continue
  }
  const racy = loaded.tests.filter((t) => t.name.startsWith('racy'))
  if (racy.length === 0) notes.push(`example-project/test/${loaded.file}.test.ts has no test named "racy…"`)
  const kindOf = (t) => (t.options?.semantics === 'strict' ? 'strict' : 'atomicity')
  groups.push({
    file: loaded.file,
    hooks: loaded.hooks,
    racy: racy.map((t) => ({ ...t, name: racy.length === 1 ? loaded.file : `${loaded.file}: ${t.name}`, kind: kindOf(t) })),
    fixed: loaded.tests.filter((t) => !t.name.startsWith('racy')).map((t) => ({ ...t, name: `${loaded.file}: ${t.name}` })),
  })
}

async function inFile(group, fn) {
  for (const hook of group.hooks.beforeAll) await hook()
  try {
    return await fn()
  } finally {
    for (const hook of group.hooks.afterAll) await hook()
  }
}

async function inTest(group, fn) {
  for (const hook of group.hooks.beforeEach) await hook()
  try {
    return await fn()
  } finally {
    for (const hook of group.hooks.afterEach) await hook()
  }
}

// ---- iterations to the first failure

/** median, p90 and misses of one approach over the seeds; a miss counts as CAP + 1. */
function summarize(found) {
  const runs = found.map((f) => f?.run ?? CAP + 1).sort((a, b) => a - b)
  return { median: percentile(runs, 50), p90: percentile(runs, 90), max: runs.at(-1), missed: runs.filter((r) => r > CAP).length, races: found.filter((f) => f?.race).length }
}

const cell = (v) => (v > CAP ? `>${CAP}` : String(v))
const pair = (s) => `${cell(s.median)} / ${cell(s.p90)}`

/** How many times sooner than the loop: the loop's median over this one's, bounded when either missed. */
function sooner(loop, s) {
  if (loop.median > CAP && s.median > CAP) return '—'
  if (loop.median > CAP) return `>${ratio(CAP, s.median)}`
  if (s.median > CAP) return `<${ratio(loop.median, CAP)}`
  return ratio(loop.median, s.median)
}

/** In race mode, what failed the reported iteration: a race report, or only the body's assertion. */
function caughtBy(s) {
  const found = SEEDS.length - s.missed
  if (found === 0) return ''
  if (s.races === found) return ', race report'
  return s.races === 0 ? ', assertion' : `, race report in ${s.races} of ${found}`
}

const rows = []
const byVariant = []
const started = performance.now()
for (const group of groups) {
  await inFile(group, async () => {
    for (const variant of group.racy) {
      const t = performance.now()
      const stats = {}
      for (const [approach, find] of Object.entries(approaches)) {
        const found = []
        for (const seed of SEEDS) found.push(await inTest(group, () => find(variant, seed, CAP)))
        stats[approach] = summarize(found)
        const s = stats[approach]
        if (s.missed > 0 && s.median <= CAP) notes.push(`${variant.name} / ${approach}: ${s.missed} of ${SEEDS.length} seeds found nothing in ${CAP} iterations`)
      }
      byVariant.push({ variant, stats })
      const loop = stats[BASELINE]
      for (const [approach, s] of Object.entries(stats)) {
        if (approach === BASELINE) continue
        const how = approach === 'race mode' ? caughtBy(s) : ''
        rows.push({ part: 'detection', case: `${variant.name} [${variant.kind}]: ${approach}`, measured: `${pair(s)}${how}`, baseline: `${BASELINE} ${pair(loop)}`, ratio: sooner(loop, s) })
      }
      process.stderr.write(`detection: ${variant.name} ${((performance.now() - t) / 1000).toFixed(1)} s\n`)
    }
  })
}

// ---- time per iteration on equal work: the fixed in-memory variants, which must never fail

const time = Object.fromEntries(Object.keys(approaches).map((a) => [a, { runs: 0, ms: 0 }]))
const timed = groups.filter((g) => g.hooks.beforeAll.length === 0 && g.fixed.length > 0)
for (let round = 0; round <= TIMING_ROUNDS; round++) {
  for (const group of timed) {
    for (const variant of group.fixed) {
      for (const [approach, find] of Object.entries(approaches)) {
        const start = performance.now()
        const failure = await inTest(group, () => find(variant, round + 1, TIMING_ITERATIONS))
        const ms = performance.now() - start
        if (failure !== undefined) throw new Error(`bench: the fixed variant ${variant.name} failed under ${approach} (run ${failure.run}): a false failure`)
        if (round === 0) continue // warm-up
        time[approach].runs += TIMING_ITERATIONS
        time[approach].ms += ms
      }
    }
  }
}
const unTimed = groups.filter((g) => g.hooks.beforeAll.length > 0 && g.fixed.length > 0)
for (const group of unTimed) {
  await inFile(group, async () => {
    for (const variant of group.fixed) {
      const failure = await inTest(group, () => approaches['race mode'](variant, 1, PGLITE_CHECK_ITERATIONS))
      if (failure !== undefined) throw new Error(`bench: the fixed variant ${variant.name} failed in race mode (run ${failure.run}): a false failure`)
    }
  })
}
const perRun = Object.fromEntries(Object.entries(time).map(([a, t]) => [a, t.ms / t.runs]))
for (const [approach, ms] of Object.entries(perRun)) {
  if (approach === BASELINE) continue
  rows.push({ part: 'detection', case: `time per iteration (fixed variants): ${approach}`, measured: `${num(ms)} ms`, baseline: `${BASELINE} ${num(perRun[BASELINE])} ms`, ratio: ratio(ms, perRun[BASELINE]) })
}
const fixedCount = timed.reduce((n, g) => n + g.fixed.length, 0)
notes.push(
  `time per iteration: ${fixedCount} fixed variants (${timed.map((g) => g.file).join(', ')}), ${TIMING_ITERATIONS} iterations each per approach, ${TIMING_ROUNDS} rounds after a warm-up; none failed` +
    (unTimed.length > 0 ? `; the fixed ${unTimed.map((g) => g.file).join(', ')} variants (real PGlite) passed ${PGLITE_CHECK_ITERATIONS} race-mode iterations each, untimed` : ''),
)
process.stderr.write(`detection: ${((performance.now() - started) / 1000).toFixed(0)} s in all\n`)

// ---- the target: race mode finds every atomicity violation in its first iteration, by a race report

const atomicity = byVariant.filter((v) => v.variant.kind === 'atomicity')
const late = atomicity.filter((v) => v.stats['race mode'].max !== 1 || v.stats['race mode'].races !== SEEDS.length)
report({
  title: 'detection',
  setup: `iteration of the first failure, median / p90 over seeds ${SEEDS[0]}..${SEEDS.at(-1)} (cap ${CAP} per seed); ratio: the ${BASELINE}'s median over the approach's (how many times sooner)`,
  rows,
  notes,
  targets: [
    {
      target: 'race mode finds every atomicity violation in iteration 1 (by a race report, every seed)',
      met: atomicity.length === 0 ? null : late.length === 0,
      detail:
        late.length === 0
          ? `${atomicity.map((v) => v.variant.name).join(', ')}: iteration 1 for every seed`
          : `${late.map((v) => `${v.variant.name}: ${pair(v.stats['race mode'])}`).join('; ')}; iteration 1: ${atomicity.filter((v) => !late.includes(v)).map((v) => v.variant.name).join(', ') || 'none'}`,
    },
  ],
})
