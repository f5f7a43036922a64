// `npm run bench`: runs every part of the bench, one after the other, each in its own Node
// process (a clean heap and JIT each; memory.mjs needs --expose-gc), collects the figures
// each prints as JSON (--json), and prints them as one table, then the targets and whether
// the figures of this run meet them. Every part also runs alone (node bench/<part>.mjs).
// Needs a build (npm run bench builds first) and, for the example project's figures, the
// example project installed (npm run demo). BENCH_PARTS=instrument,threads runs only those
// parts (file names without .mjs), e.g. while working on one.
import { spawnSync } from 'node:child_process'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { printReport } from './lib.mjs'

const parts = [
  { file: 'track-access.mjs' },
  { file: 'instrument.mjs' },
  { file: 'promise-hooks.mjs' },
  { file: 'error-stacks.mjs' },
  { file: 'memory.mjs', node: ['--expose-gc'] },
  { file: 'threads.mjs' },
  { file: 'workers-scaling.mjs', node: ['--expose-gc'] },
  { file: 'pct-scaling.mjs' },
  { file: 'tasks.mjs' },
  { file: 'sql-parse.mjs' },
  { file: 'sql-statements.mjs' },
  { file: 'example-suite.mjs' },
  { file: 'detection.mjs' },
]

const partName = (file) => file.replace(/\.mjs$/, '')
const selected = (process.env.BENCH_PARTS ?? '').split(',').map((p) => partName(p.trim())).filter(Boolean)
const only = selected.length > 0 ? selected : undefined
const unknown = selected.filter((p) => !parts.some((x) => partName(x.file) === p))
if (unknown.length > 0) {
  process.stderr.write(`bench: BENCH_PARTS names no part ${unknown.join(', ')}; the parts are ${parts.map((x) => partName(x.file)).join(', ')}\n`)
  process.exit(2)
}

const results = []
let failed = false
for (const { file, node = [] } of parts.filter((x) => only === undefined || only.includes(partName(x.file)))) {
  const start = performance.now()
  process.stderr.write(`bench: ${file} …\n`)
  const r = spawnSync(process.execPath, [...node, fileURLToPath(new URL(file, import.meta.url)), '--json'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  })
  const seconds = ((performance.now() - start) / 1000).toFixed(0)
  const last = r.stdout?.trim().split('\n').at(-1) ?? ''
  let part
  try {
    part = r.status === 0 ? JSON.parse(last) : undefined
  } catch {
    part = undefined
  }
  if (part === undefined) {
    failed = true
    process.stderr.write(`bench: ${file} failed (exit ${r.status ?? r.signal}); its output ends with:\n${(r.stdout ?? '').slice(-2000)}\n`)
    results.push({ title: file, setup: 'FAILED: no figures (see the error above)', rows: [] })
    continue
  }
  process.stderr.write(`bench: ${file} done in ${seconds} s\n`)
  results.push(part)
}

const cpu = cpus()
printReport(`vitest-race bench, Node ${process.version}, ${process.platform} ${process.arch}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${new Date().toISOString().slice(0, 16)}Z`, results)
if (failed) process.exitCode = 1
