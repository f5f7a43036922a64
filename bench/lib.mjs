// Shared by the bench parts (bench/*.mjs). A part measures, then hands its figures to
// `report`: run alone, it prints them as a table; run by bench/run.mjs (with --json), it
// prints them as one JSON line, and run.mjs prints every part's figures in one table.
//
// A figure is a row { part, case, measured, baseline, ratio } of preformatted strings: what
// was measured, the baseline it is compared with, measured in the same run (the machine is
// shared and noisy: only ratios against same-run baselines mean anything), and their ratio.
// A target is { target, met, detail }: met is true, false, or null when it could not be measured.
import { DEFAULT_SETTINGS } from '../dist/options.js'
import { IterationRun } from '../dist/runtime/iteration.js'
import { randomSchedule, strategyFor } from '../dist/runtime/strategies.js'
import { fanOut, pause } from '../dist/runtime/workers.js'
import { runAs } from '../dist/runtime/context.js'
import { releaseTurns, retainTurns } from '../dist/runtime/async-hooks.js'

export { runAs } from '../dist/runtime/context.js'
export { releaseTurns, retainTurns } from '../dist/runtime/async-hooks.js'

/**
 * A fresh IterationRun as one concurrentTest iteration gets it, outside Vitest: race mode
 * (detector on) or stress mode (proxies and scheduler only). Pair with runAs({ run, worker: 0 })
 * to access its tracked values as the test body's worker, and in race mode with
 * retainTurns()/releaseTurns() (the async hooks behind turns, on while a race-mode iteration runs).
 */
export function iterationRun(race, settings = {}) {
  return new IterationRun({ ...DEFAULT_SETTINGS, ...settings, race }, 1, strategyFor(randomSchedule(1)), undefined)
}

/**
 * The scaling benches' iteration, run in `run` (race mode) as its test body: `n` workers, each
 * reading its own key, awaiting pause(), and writing it from the read plus one key every worker
 * shares. Wall and CPU time (process.cpuUsage, GC threads included): { ms, cpuMs }. Throws if
 * the detector reports a race (there is none).
 */
export async function keyedWorkers(run, n) {
  const state = run.tracker.track({ counts: {}, shared: 1 }, 'state')
  retainTurns()
  const cpu = process.cpuUsage()
  const start = performance.now()
  try {
    await runAs({ run, worker: 0 }, async () => {
      for (let i = 0; i < n; i++) state.counts[`k${i}`] = 0
      await fanOut(run, n, async (i) => {
        const k = `k${i}`
        const v = state.counts[k]
        await pause(run)
        state.counts[k] = v + state.shared
      })
    })
    await Promise.all(run.settled)
  } finally {
    releaseTurns()
  }
  const ms = performance.now() - start
  const used = process.cpuUsage(cpu)
  if (run.detector.races.length !== 0) throw new Error(`bench: ${n} workers: unexpected race on ${run.detector.races[0].location.label}`)
  return { ms, cpuMs: (used.user + used.system) / 1000 }
}

export function median(values) {
  return percentile([...values].sort((a, b) => a - b), 50)
}

/** Nearest-rank percentile of sorted values (the median of 30 is the 15th value). */
export function percentile(sorted, p) {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]
}

/** `value / base` as `×1.23` (two significant decimals below 10, whole numbers above). */
export function ratio(value, base) {
  const r = value / base
  return `×${r >= 10 ? r.toFixed(0) : r.toFixed(2)}`
}

/** A figure with about three significant digits. */
export function num(value) {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)
}

/** Hand a part's figures over: a table when run alone, one JSON line under --json (bench/run.mjs). */
export function report(part) {
  if (process.argv.includes('--json')) console.log(JSON.stringify(part))
  else printReport(`vitest-race bench: ${part.title}`, [part])
}

/**
 * One aligned markdown table of every part's rows, then each part's setup and notes, then
 * the targets and whether the measured figures meet them.
 * parts: [{ title, setup, rows, notes?, targets? }]
 */
export function printReport(heading, parts) {
  const header = ['part', 'case', 'measured', 'baseline (same run)', 'ratio']
  const rows = parts.flatMap((p) => p.rows.map((r) => [r.part, r.case, r.measured, r.baseline, r.ratio]))
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const right = [false, false, true, true, true]
  const line = (cells) => `| ${cells.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`
  console.log(heading)
  console.log()
  console.log(line(header))
  console.log(`| ${widths.map((w, i) => (right[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`)
  for (const r of rows) console.log(line(r))
  console.log()
  for (const p of parts) {
    console.log(`${p.title}: ${p.setup}`)
    for (const note of p.notes ?? []) console.log(`  - ${note}`)
  }
  const targets = parts.flatMap((p) => p.targets ?? [])
  if (targets.length === 0) return
  console.log()
  console.log('Targets:')
  for (const t of targets) console.log(`  [${t.met === null ? 'not measured' : t.met ? 'met' : 'NOT met'}] ${t.target}: ${t.detail}`)
}
