/** Runs Vitest itself on a fixture project and returns what it printed and its exit code. */
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
/** Vitest's own command. */
export const VITEST = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs')
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url))

export interface VitestRun {
  readonly code: number | null
  /** stdout and stderr together, without colour codes. */
  readonly output: string
  /** stdout alone, as written. */
  readonly stdout: string
}

const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url))

/** `vitest run <args>` in `test/fixtures/<fixture>`, with `env` added to a clean environment. */
export function runVitest(fixture: string, args: string[], env: Record<string, string | undefined> = {}): VitestRun {
  return run(fixture, [VITEST, 'run', ...args], env)
}

/** The `vitest-race` command (dist/bin.js) with `args`, in `test/fixtures/<fixture>`. */
export function runBin(fixture: string, args: string[], env: Record<string, string | undefined> = {}): VitestRun {
  return run(fixture, [BIN, ...args], env)
}

function run(fixture: string, argv: string[], env: Record<string, string | undefined>): VitestRun {
  const base = { ...process.env }
  for (const key of Object.keys(base)) {
    if (key.startsWith('VITEST') || key.startsWith('GITHUB_') || key === 'NODE_OPTIONS' || key === 'TEST') delete base[key]
  }
  const result = spawnSync(process.execPath, argv, {
    cwd: join(FIXTURES, fixture),
    env: { ...base, NO_COLOR: '1', FORCE_COLOR: undefined, CI: 'true', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  })
  // eslint-disable-next-line no-control-regex
  const output = `${result.stdout}\n${result.stderr}`.replace(/\u001b\[[0-9;]*m/g, '')
  return { code: result.status, output, stdout: result.stdout }
}

/** The number of `WARNING: DATA RACE` reports in an output. */
export function reportCount(output: string): number {
  return output.split('WARNING: DATA RACE').length - 1
}
