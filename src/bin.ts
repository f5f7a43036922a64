#!/usr/bin/env node
/**
 * `vitest-race`: `vitest` with race mode on (DESIGN §8). Vitest's CLI rejects unknown
 * options, so this command takes `--race` and the `--race-…` flags out, hands them to the
 * plugin through VITEST_RACE_FLAGS, and runs Vitest's own CLI in this process with every
 * other argument untouched, so Vitest's exit status is the command's.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { FLAGS_ENV, parseRaceFlags } from './options.js'

/** Vitest's package folder and major version, as the project resolves it (else as this package does). */
function findVitest(): { dir: string; major: number } {
  for (const from of [join(process.cwd(), 'package.json'), import.meta.url]) {
    try {
      const manifest = createRequire(from).resolve('vitest/package.json')
      const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }
      return { dir: dirname(manifest), major: Number(version.split('.')[0]) }
    } catch {
      // not resolvable from there: try the next place
    }
  }
  process.stderr.write('vitest-race: cannot find vitest; install it in this project (npm i -D vitest)\n')
  process.exit(1)
}

/** The command's own options, for `vitest-race --help` (they are taken out of argv before Vitest parses it). */
const HELP: readonly (readonly [string, string])[] = [
  ['--race', 'Turn race mode on (it is on for vitest-race anyway)'],
  ['--race-seed <seed>', 'Seed of the run; a failure prints the seed that replays it'],
  ['--race-path <path>', 'With --race-seed, replay one failing schedule exactly'],
  ['--race-history-size <n>', 'GORACE history_size, 0..7 (default: 1)'],
  ['--race-halt', 'GORACE halt_on_error: the first race ends the iteration'],
  ['--race-exitcode <code>', 'GORACE exitcode: exit status of a run with races (default: 66)'],
  ['--race-log-path <path>', 'GORACE log_path: also write reports to <path>.<pid>'],
  ['--race-strip-path-prefix <prefix>', 'GORACE strip_path_prefix (default: the project root)'],
  ['--race-iterations <n>', 'Runs of each concurrentTest body (default: 50)'],
  ['--race-strategy <name>', 'random, pct or exhaustive (default: random)'],
  ['--race-semantics <name>', 'atomicity or strict (default: atomicity)'],
]

const { flags, rest } = parseRaceFlags(process.argv.slice(2))
process.env[FLAGS_ENV] = JSON.stringify(['--race', ...flags])
const vitest = findVitest()
const cli = join(vitest.dir, 'vitest.mjs')
process.argv = [process.argv[0]!, cli, ...rest]
if (vitest.major >= 5) {
  // Vitest 5 builds its CLI with createCLI: add our options so that --help lists them.
  const node = (await import(pathToFileURL(join(vitest.dir, 'dist', 'node.js')).href)) as {
    createCLI?: () => { option(name: string, description: string): unknown; parse(): unknown }
  }
  if (typeof node.createCLI === 'function') {
    const command = node.createCLI()
    for (const [name, description] of HELP) command.option(name, description)
    command.parse()
  } else {
    await import(pathToFileURL(cli).href)
  }
} else {
  await import(pathToFileURL(cli).href)
}
