// Transform time for bench/instrument.mjs: instrument() (mode 'full', as race mode runs it)
// against Vite's own transforms of the same real files, timed in interleaved rounds.
//
// Vite's side, through its public API: `transformWithOxc` (Vite 8; `transformWithEsbuild`
// before it), what Vite does to a .ts/.jsx module (parse, transform, print, source map); and
// `moduleRunnerTransform` (Vite's SSR transform), what Vite does to every module Vitest runs,
// plain .js and inlined dependencies included (imports and exports rewritten for the module
// runner, with a source map). A project's .ts module goes through both, a .js one through
// the second only; their sum is Vite's own transform time of a .ts module, without the
// resolution and file reads a full `transformRequest` adds (which would only dilute the
// comparison with I/O that instrumenting does not add).
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as vite from 'vite'
import { instrument } from '../dist/instrument/transform.js'
import { median } from './lib.mjs'

const ROOT = fileURLToPath(new URL('../', import.meta.url))

/** Unminified ESM dist files of installed packages: `[directory, file name pattern]`. */
const SOURCES = [
  ['node_modules/magic-string/dist', /^magic-string\.es\.mjs$/],
  ['node_modules/fast-check/lib', /^fast-check\.js$/],
  ['node_modules/vitest/dist/chunks', /^test\.[\w-]+\.js$/],
  ['node_modules/vitest/dist/chunks', /^cac\.[\w-]+\.js$/],
]

/** The files measured: { file (relative to the repository), code, lines }. */
export function sourceFiles() {
  const files = []
  for (const [dir, pattern] of SOURCES) {
    let names
    try {
      names = readdirSync(ROOT + dir).filter((n) => pattern.test(n))
    } catch {
      continue
    }
    for (const name of names) {
      const code = readFileSync(`${ROOT}${dir}/${name}`, 'utf8')
      files.push({ file: `${dir}/${name}`, code, lines: code.split('\n').length })
    }
  }
  if (files.length === 0) throw new Error('bench: none of the source files for the transform timing is installed (run npm ci)')
  return files
}

/** Vite's TS/JSX transform: transformWithOxc on Vite 8, transformWithEsbuild before. */
const viteTransform =
  typeof vite.transformWithOxc === 'function'
    ? { name: 'transformWithOxc', run: (code, file) => vite.transformWithOxc(code, file.replace(/\.[cm]js$/, '.js'), { sourcemap: true }) }
    : { name: 'transformWithEsbuild', run: (code, file) => vite.transformWithEsbuild(code, file.replace(/\.[cm]js$/, '.js'), { sourcemap: true }) }

const runnerTransform = vite.moduleRunnerTransform ?? vite.ssrTransform
if (typeof runnerTransform !== 'function') throw new Error(`bench: vite ${vite.version} exports neither moduleRunnerTransform nor ssrTransform`)

async function time(fn) {
  const start = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - start) / 1e6
}

/**
 * ms per 1,000 lines of instrument(), Vite's TS transform and Vite's module runner transform:
 * for each file and tool the median of `rounds` rounds (after one warm-up round), summed over
 * the files; with the files and the names of Vite's transforms measured.
 */
export async function transformTimes(rounds) {
  const files = sourceFiles()
  const lines = files.reduce((n, f) => n + f.lines, 0)
  const tools = {
    instrument: async ({ code, file }) => {
      if (instrument(code, { mode: 'full', file }) === undefined) throw new Error(`bench: instrument() found nothing to instrument in ${file}`)
    },
    vite: ({ code, file }) => viteTransform.run(code, file),
    runner: ({ code, file }) => runnerTransform(code, null, `/${file}`, code),
  }
  const samples = Object.fromEntries(Object.keys(tools).map((name) => [name, files.map(() => [])]))
  for (let r = 0; r <= rounds; r++) {
    // Interleaved per file, so that a burst of load on the shared machine hits every tool alike.
    for (const [i, f] of files.entries()) {
      for (const [name, fn] of Object.entries(tools)) {
        const ms = await time(() => fn(f))
        if (r > 0) samples[name][i].push(ms) // round 0 warms up
      }
    }
  }
  const perKLoc = (name) => (samples[name].reduce((sum, s) => sum + median(s), 0) / lines) * 1000
  return {
    files: files.map((f) => `${f.file} (${f.lines.toLocaleString('en')} lines)`),
    lines,
    viteName: viteTransform.name,
    runnerName: vite.moduleRunnerTransform ? 'moduleRunnerTransform' : 'ssrTransform',
    msPerKLoc: { instrument: perKLoc('instrument'), vite: perKLoc('vite'), runner: perKLoc('runner') },
  }
}
