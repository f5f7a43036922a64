#!/usr/bin/env node
/**
 * `vitest-race`: `vitest` with race mode on (DESIGN §8). Vitest's CLI rejects unknown
 * options, so this command takes `--race` and the `--race-…` flags out, hands them to the
 * plugin through VITEST_RACE_FLAGS, and runs Vitest's own CLI in this process with every
 * other argument untouched, so Vitest's exit status is the command's.
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { FLAGS_ENV, parseRaceFlags } from './options.js'

/** Vitest's own command, as the project resolves it (else as this package does). */
function vitestCli(): string {
  for (const from of [join(process.cwd(), 'package.json'), import.meta.url]) {
    try {
      const pkg = createRequire(from).resolve('vitest/package.json')
      const cli = join(dirname(pkg), 'vitest.mjs')
      if (existsSync(cli)) return cli
    } catch {
      // not resolvable from there: try the next place
    }
  }
  process.stderr.write('vitest-race: cannot find vitest; install it in this project (npm i -D vitest)\n')
  process.exit(1)
}

const { flags, rest } = parseRaceFlags(process.argv.slice(2))
process.env[FLAGS_ENV] = JSON.stringify(['--race', ...flags])
const cli = vitestCli()
process.argv = [process.argv[0]!, cli, ...rest]
await import(pathToFileURL(cli).href)
