// Tasks without fanOut (DESIGN §4b): a plain test that starts 10,000 tasks, in three shapes,
// under race mode's detector, against the same calls with the detector off, in one run.
// Figures: the time ratio, and the widest vector clock (the clock entries the detector
// made): finished tasks give their entry to later tasks that know their end, so the width
// follows the tasks alive at once, not the tasks started. Calls go through the hook the
// transform emits (`__vitestRace.f`), as instrumented code makes them.
// Run: node bench/tasks.mjs (after npm run build)
import '../dist/runtime/access-hooks.js'
import { DEFAULT_SETTINGS } from '../dist/options.js'
import { IterationRun } from '../dist/runtime/iteration.js'
import { RoundRobinStrategy } from '../dist/runtime/strategies.js'
import { releaseHooks, retainHooks } from '../dist/runtime/access-hooks.js'
import { num, ratio, releaseTurns, report, retainTurns, runAs } from './lib.mjs'

const H = globalThis.__vitestRace
const TASKS = 10_000
/** The target: clocks stay within this many entries of the tasks alive at once. */
const SLACK = 16
const tick = () => new Promise((resolve) => setImmediate(resolve))
const shared = { n: 0 }
const work = async () => {
  H.r(shared, 'n', -1)
  await tick()
}

const shapes = [
  { name: `10 batches of ${TASKS / 10} in Promise.all`, alive: TASKS / 10, body: async () => { for (let b = 0; b < 10; b++) await Promise.all(Array.from({ length: TASKS / 10 }, () => H.f(undefined, work, -1))) } },
  { name: `${TASKS} calls left in flight, each awaited before the next`, alive: 1, body: async () => { for (let i = 0; i < TASKS; i++) { const p = H.f(undefined, work, -1); await p } } },
  { name: `${TASKS / 10} at once in Promise.all`, alive: TASKS / 10, body: async () => { await Promise.all(Array.from({ length: TASKS / 10 }, () => H.f(undefined, work, -1))) } },
]

async function detected(body) {
  const run = new IterationRun({ ...DEFAULT_SETTINGS, race: true, seed: 1 }, 1, new RoundRobinStrategy(), undefined, {}, true)
  retainTurns()
  retainHooks(true)
  const start = performance.now()
  try {
    await runAs({ run, worker: 0 }, body)
  } finally {
    releaseHooks(true)
    releaseTurns()
  }
  return { ms: performance.now() - start, width: run.clockWidth, tasks: run.tasksStarted }
}

async function undetected(body) {
  const start = performance.now()
  await body()
  return performance.now() - start
}

const rows = []
const targets = []
for (const shape of shapes) {
  await undetected(shape.body) // warm-up
  const base = await undetected(shape.body)
  const d = await detected(shape.body)
  rows.push({ part: 'tasks', case: `${shape.name}: time`, measured: `${num(d.ms)} ms`, baseline: `detector off ${num(base)} ms`, ratio: ratio(d.ms, base) })
  rows.push({ part: 'tasks', case: `${shape.name}: widest clock`, measured: `${d.width} entries for ${d.tasks} tasks`, baseline: `${shape.alive} alive at once`, ratio: ratio(d.width, shape.alive + 1) })
  targets.push({ target: `${shape.name}: clocks within ${SLACK} entries of the tasks alive at once`, met: d.width <= shape.alive + 1 + SLACK, detail: `${d.width} entries` })
}
report({ title: 'tasks without fanOut', setup: `a plain test's calls through the transform's call hook, race mode against the same calls with the detector off, one run each after a warm-up`, rows, targets })
