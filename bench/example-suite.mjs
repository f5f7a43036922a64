// The example project's whole suite (`vitest run` in example-project/) under race mode
// (VITEST_RACE=1) against plain `vitest run` (stress mode), in one run: wall time and peak
// resident memory (GNU time's %M: the largest process of the run), median of RUNS runs
// each, the two modes alternating so that the machine's load falls on both alike. Figures:
// race mode's time and memory as ratios of plain `vitest run`'s. Racy variants fail in both
// modes (the suite exits 1): the runs are timed, not judged.
// Run: node bench/example-suite.mjs (after `npm run demo` has installed the example project)
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { median, num, ratio, report } from './lib.mjs'

const RUNS = 3
/** The target: race mode costs at most this many times plain `vitest run`'s wall time. */
const MAX_SLOWDOWN = 3
const project = fileURLToPath(new URL('../example-project/', import.meta.url))
const target = `the example suite under race mode costs at most ${MAX_SLOWDOWN}× plain \`vitest run\` time`

function once(race) {
  const env = { ...process.env, NO_COLOR: '1', CI: 'true' }
  delete env.VITEST_RACE
  if (race) env.VITEST_RACE = '1'
  const r = spawnSync('/usr/bin/time', ['-f', 'vitest-race-time %e %M', 'node_modules/.bin/vitest', 'run'], { cwd: project, env, encoding: 'utf8' })
  const m = /vitest-race-time ([\d.]+) (\d+)/.exec(r.stderr ?? '')
  if (m === null) throw new Error(`no timing from /usr/bin/time in:\n${(r.stderr ?? String(r.error)).slice(-2000)}`)
  // A run that failed before running the tests (a config or build error) is not a figure.
  if (!/Tests\s+\d+/.test(r.stdout)) throw new Error(`vitest ran no tests:\n${(r.stdout + r.stderr).slice(-2000)}`)
  return { seconds: Number(m[1]), mib: Number(m[2]) / 1024 }
}

const setup = `\`vitest run\` in example-project/, wall time and peak RSS (largest process), median of ${RUNS} runs per mode, alternating; baseline: plain \`vitest run\` (stress mode)`
if (!existsSync(`${project}node_modules/.bin/vitest`)) {
  report({
    title: 'example suite',
    setup,
    rows: [],
    notes: ['not measured: example-project is not installed (run `npm run demo` first)'],
    targets: [{ target, met: null, detail: 'example-project is not installed' }],
  })
} else {
  const plain = []
  const race = []
  for (let i = 0; i < RUNS; i++) {
    plain.push(once(false))
    race.push(once(true))
  }
  const p = { seconds: median(plain.map((r) => r.seconds)), mib: median(plain.map((r) => r.mib)) }
  const r = { seconds: median(race.map((x) => x.seconds)), mib: median(race.map((x) => x.mib)) }
  report({
    title: 'example suite',
    setup,
    rows: [
      { part: 'example suite', case: 'wall time, race mode (VITEST_RACE=1)', measured: `${num(r.seconds)} s`, baseline: `plain vitest run ${num(p.seconds)} s`, ratio: ratio(r.seconds, p.seconds) },
      { part: 'example suite', case: 'peak RSS, race mode (VITEST_RACE=1)', measured: `${num(r.mib)} MiB`, baseline: `plain vitest run ${num(p.mib)} MiB`, ratio: ratio(r.mib, p.mib) },
    ],
    targets: [{ target, met: r.seconds / p.seconds <= MAX_SLOWDOWN, detail: `${ratio(r.seconds, p.seconds)} (${num(r.seconds)} s against ${num(p.seconds)} s)` }],
  })
}
