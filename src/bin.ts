#!/usr/bin/env node
/**
 * `vitest-race`: `vitest` with race mode on (DESIGN §8). Vitest's CLI rejects unknown
 * options, so this command takes `--race` and the `--race-…` flags out, hands them to the
 * plugin through VITEST_RACE_FLAGS, and runs Vitest in this process through its public Node
 * API (`vitest/node`) with every other argument untouched, so Vitest's exit status is the
 * command's (and the reporter's GORACE exitcode on races). Vitest 5 exports `createCLI`: its
 * own CLI, to which the race flags are added so that `--help` lists them. Vitest 4 exports
 * `parseCLI` and `startVitest`, which this command calls as Vitest 4's CLI does.
 */
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { FLAGS_ENV, flagHelp, parseRaceFlags, RaceOptionError, resolveRunSettings } from './options.js'

/** The parts of `vitest/node` this command uses (Vitest 4 and 5 differ: createCLI is 5's). */
interface VitestNode {
  readonly version: string
  readonly parseCLI: (argv: string[]) => { filter: string[]; options: CliOptions }
  readonly startVitest: (mode: 'test' | 'benchmark', filters: string[], options: CliOptions) => Promise<{ shouldKeepServer(): boolean; exit(): Promise<void> }>
  readonly createCLI?: () => { option(name: string, description: string): unknown; parse(): unknown }
}

type CliOptions = Record<string, unknown> & { help?: boolean; version?: boolean }

/** The command's own options, for `vitest-race --help` (they are taken out of argv before Vitest parses it), from the options table. */
const HELP = flagHelp()

function fail(message: string): never {
  process.stderr.write(`${message}\n`)
  process.exit(1)
}

/** `vitest/node` as the project resolves it (else as this package does), through Vitest's package exports. */
async function loadVitestNode(): Promise<VitestNode> {
  for (const from of [join(process.cwd(), 'package.json'), import.meta.url]) {
    let entry: string
    try {
      entry = createRequire(from).resolve('vitest/node')
    } catch {
      continue // not resolvable from there: try the next place
    }
    return (await import(pathToFileURL(entry).href)) as VitestNode
  }
  fail('vitest-race: cannot find vitest; install it in this project (npm i -D vitest)')
}

/** What Vitest 4's CLI does to the parsed options before startVitest (its `normalizeCliOptions`). */
function normalizeOptions(filters: readonly string[], options: CliOptions): CliOptions {
  const o: CliOptions = { ...options }
  if (o.exclude !== undefined) {
    o.cliExclude = Array.isArray(o.exclude) ? o.exclude : [o.exclude]
    delete o.exclude
  }
  if (filters.some((f) => f.includes(':'))) o.includeTaskLocation ??= true
  const typecheck = o.typecheck as { only?: unknown; enabled?: boolean } | undefined
  if (typeof typecheck?.only === 'boolean') typecheck.enabled ??= true
  if (o.clearCache === true || o.listTags === true) {
    o.watch = false
    o.run = true
  }
  return o
}

/** Vitest 4: parse with parseCLI, run with startVitest, as Vitest 4's own `start` does. */
async function runVitest4(vitest: VitestNode, args: readonly string[]): Promise<void> {
  const command = args[0]
  if (command === 'list' || command === 'init') fail(`vitest-race: "vitest ${command}" needs Vitest 5 through vitest-race; run it with vitest itself`)
  // parseCLI prints Vitest's help or version itself.
  const { filter, options } = vitest.parseCLI(['vitest', ...args])
  if (options.help === true) {
    process.stdout.write(`vitest-race options:\n${HELP.map(([name, text]) => `  ${name.padEnd(36)}${text}`).join('\n')}\n`)
    return
  }
  if (options.version === true) return
  const mode = command === 'bench' ? 'benchmark' : 'test'
  try {
    const slashed = filter.map((f) => (process.platform === 'win32' ? f.replace(/\\/g, '/') : f))
    const ctx = await vitest.startVitest(mode, slashed, normalizeOptions(filter, options))
    if (!ctx.shouldKeepServer()) await ctx.exit()
  } catch (e) {
    // A bad race() option: its message is the one line to show.
    if (e instanceof Error && e.name === 'RaceOptionError') {
      process.stderr.write(`${e.message}\n`)
    } else {
      console.error('\nvitest-race: Vitest did not start')
      console.error(e)
    }
    process.exitCode ??= 1
    process.exit()
  }
}

const { flags, rest } = parseRaceFlags(process.argv.slice(2))
// A bad VITEST_RACE or flag: one line, before Vitest starts.
try {
  resolveRunSettings(undefined, process.env.VITEST_RACE, process.cwd(), flags)
} catch (e) {
  if (!(e instanceof RaceOptionError)) throw e
  fail(e.message)
}
process.env[FLAGS_ENV] = JSON.stringify(['--race', ...flags])
const vitest = await loadVitestNode()
process.argv = [process.argv[0]!, process.argv[1]!, ...rest]
if (typeof vitest.createCLI === 'function') {
  const cli = vitest.createCLI()
  for (const [name, description] of HELP) cli.option(name, description)
  cli.parse()
} else {
  await runVitest4(vitest, rest)
}
