// The example project's suite under race mode against plain `vitest run` (stress mode), in
// one run: wall time and peak resident memory (GNU time's %M, the largest process), median
// of 3 runs each. The target: race mode costs at most 3× plain time.
// Run: npm run bench (after `npm run demo` has installed the example project)
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const project = fileURLToPath(new URL('../example-project/', import.meta.url))
if (!existsSync(`${project}node_modules/.bin/vitest`)) {
  console.log('example-project is not installed: run `npm run demo` first')
  process.exit(0)
}

function once(race) {
  const env = { ...process.env, NO_COLOR: '1', CI: 'true' }
  delete env.VITEST_RACE
  if (race) env.VITEST_RACE = '1'
  const r = spawnSync('/usr/bin/time', ['-f', 'vitest-race-time %e %M', 'node_modules/.bin/vitest', 'run'], { cwd: project, env, encoding: 'utf8' })
  const m = /vitest-race-time ([\d.]+) (\d+)/.exec(r.stderr)
  if (m === null) throw new Error(`no timing in:\n${r.stderr.slice(-2000)}`)
  return { seconds: Number(m[1]), mib: Number(m[2]) / 1024 }
}

function median(values) {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
}

const rows = []
for (const [label, race] of [['plain vitest run (stress mode)', false], ['race mode (VITEST_RACE=1)', true]]) {
  const runs = [once(race), once(race), once(race)]
  rows.push({ label, seconds: median(runs.map((r) => r.seconds)), mib: median(runs.map((r) => r.mib)) })
}
console.log(`vitest-race bench: the example project's suite, median of 3 runs, Node ${process.version}`)
console.log('| run | wall s | × plain | peak RSS MiB | × plain |')
console.log('| --- | ---: | ---: | ---: | ---: |')
for (const r of rows) console.log(`| ${r.label} | ${r.seconds.toFixed(2)} | ${(r.seconds / rows[0].seconds).toFixed(2)} | ${r.mib.toFixed(0)} | ${(r.mib / rows[0].mib).toFixed(2)} |`)
