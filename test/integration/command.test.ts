import { createRequire } from 'node:module'
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createVitest } from 'vitest/node'
import { FIXTURES, reportCount, runBin, runVitest } from './run-vitest.js'


/**
 * What a machine-readable reporter wrote: stdout itself, or, where Vitest 5 writes the report
 * to a file by default and says so on stdout ("JSON report written to …"), that file.
 */
function machineReport(stdout: string): string {
  const written = /report written to (.+)$/m.exec(stdout)
  if (written === null) return stdout
  expect(stdout.trim().split('\n')).toHaveLength(1)
  return readFileSync(written[1]!.trim(), 'utf8')
}

describe('switching race mode on', () => {
  it('npx vitest-race runs Vitest with race mode on, passing every other argument and reporting the summary', () => {
    const r = runBin('errors', ['run', 'two-races'])
    expect(reportCount(r.output)).toBe(2)
    expect(r.output).toContain('Found 2 data race(s)')
    expect(r.output).toContain('  two distinct races: stock.apples two-races.test.ts:9:11 ~ two-races.test.ts:9:11')
    expect(r.output).toContain('  two distinct races: stock.pears two-races.test.ts:10:11 ~ two-races.test.ts:10:11')
    expect(r.code).toBe(66)
  })

  it('accepts --race, and keeps Vitest exit codes: 0 when all pass, 1 for failures that are not races', () => {
    const pass = runBin('core', ['--race', 'run', 'debit-mutex'])
    expect(pass.output).toContain('1 passed')
    expect(pass.code).toBe(0)
    const fail = runBin('errors', ['run', 'worker-throws'])
    expect(fail.output).toContain('card declined')
    expect(fail.output).not.toContain('data race(s)')
    expect(fail.code).toBe(1)
  })

  it('-t filters tests as in Vitest', () => {
    const r = runBin('errors', ['run', 'strict', '-t', 'silent by default'])
    expect(r.output).toMatch(/Tests +1 passed \| 1 skipped/)
    expect(r.code).toBe(0)
  })

  it('VITEST_RACE=1 with plain vitest, and vitest run -- --race', () => {
    for (const r of [runVitest('errors', ['two-races'], { VITEST_RACE: '1' }), runVitest('errors', ['two-races', '--', '--race'])]) {
      expect(reportCount(r.output)).toBe(2)
      expect(r.output).toContain('Found 2 data race(s)')
      expect(r.code).toBe(66)
    }
  })
})

describe("GORACE's options", () => {
  it.each([
    ['--race-halt', [['--race-halt'], {}]],
    ['halt_on_error=1', [[], { VITEST_RACE: 'halt_on_error=1' }]],
  ] as const)('%s: the first race ends the iteration, exactly one report', (_, [flags, env]) => {
    const r = runBin('errors', ['run', 'two-races', ...flags], env)
    expect(reportCount(r.output)).toBe(1)
    expect(r.output).toContain('Found 1 data race(s)')
    expect(r.output).not.toContain('RaceHalted')
    expect(r.code).toBe(66)
  })

  it.each([
    ['--race-exitcode=13', [['--race-exitcode=13'], {}]],
    ['exitcode=13', [[], { VITEST_RACE: 'exitcode=13' }]],
  ] as const)('%s sets the exit status of a run with races', (_, [flags, env]) => {
    expect(runBin('errors', ['run', 'two-races', ...flags], env).code).toBe(13)
  })

  it('--race-history-size=0: an evicted previous access prints [failed to restore the stack]', () => {
    const r = runBin('errors', ['run', 'history', '-t', 'history from the command line', '--race-history-size=0'])
    expect(r.output).toContain('Previous write at s.x by worker 1:\n  [failed to restore the stack]')
  })

  it.each(['log_path', '--race-log-path'])('%s: reports are also written, plain, to <log_path>.<pid>', (how) => {
    const dir = mkdtempSync(join(tmpdir(), 'vitest-race-log-'))
    const base = join(dir, 'races')
    const r = how === 'log_path' ? runBin('errors', ['run', 'two-races'], { VITEST_RACE: `log_path=${base}` }) : runBin('errors', ['run', 'two-races', `--race-log-path=${base}`])
    expect(r.code).toBe(66)
    const files = readdirSync(dir)
    expect(files).toHaveLength(1)
    expect(files[0]).toMatch(/^races\.\d+$/)
    const text = readFileSync(join(dir, files[0]!), 'utf8')
    expect(text.split('WARNING: DATA RACE')).toHaveLength(3)
    expect(text.startsWith('==================\nWARNING: DATA RACE\nWrite at stock.apples by worker 2:\n  two-races.test.ts:9:11\n')).toBe(true)
    expect(text).not.toMatch(/\u001b\[/)
  })

  it('strip_path_prefix is cut from every path in reports', () => {
    const r = runBin('errors', ['run', 'two-races'], { VITEST_RACE: `strip_path_prefix=${join(process.cwd(), 'test')}` })
    expect(r.output).toContain('Write at stock.apples by worker 2:\n  fixtures/errors/two-races.test.ts:9:11')
  })

  it.each([
    [{ VITEST_RACE: 'history_size=9' }, [], 'vitest-race: history_size = "9" (from VITEST_RACE) is not valid: expected an integer from 0 to 7.'],
    [{ VITEST_RACE: 'halt_on_error=maybe' }, [], 'vitest-race: halt_on_error = "maybe" (from VITEST_RACE) is not valid: expected true or false (1 or 0).'],
    [{ VITEST_RACE: 'exitcode=-1' }, [], 'vitest-race: exitcode = "-1" (from VITEST_RACE) is not valid: expected an integer from 0 to 255.'],
    [{ VITEST_RACE: 'colour=1' }, [], 'vitest-race: colour = "1" (from VITEST_RACE) is not valid: expected 1, or space-separated name=value pairs'],
    [{}, ['--race-history-size=9'], 'vitest-race: --race-history-size = "9" (from vitest-race flags) is not valid: expected an integer from 0 to 7.'],
    [{}, ['--race-colour=red'], 'vitest-race: --race-colour = "--race-colour=red" (from vitest-race flags) is not valid: unknown flag'],
  ])('a bad value stops the run before any test, in one line: %o %o', (env, flags, message) => {
    const r = runBin('errors', ['run', 'two-races', ...flags], env)
    expect(r.code).toBe(1)
    expect(r.output).toContain(message)
    expect(r.output).not.toContain('Test Files')
    expect(r.output.trim().split('\n').filter((l) => l.trim() !== '')).toHaveLength(1)
  })
})

describe('CI output', () => {
  it('--reporter=github-actions: an ::error at the current access and a ::warning at the previous one', () => {
    const r = runBin('errors', ['run', 'two-races', '--reporter=github-actions'], { GITHUB_ACTIONS: 'true' })
    expect(r.output).toMatch(/^::error file=.*two-races\.test\.ts,.*line=9,column=11::DataRaceError: WARNING: DATA RACE/m)
    expect(r.output).toMatch(/^::warning file=.*two-races\.test\.ts,line=9,col=11,title=vitest-race%3A previous access::Previous write at stock\.apples/m)
    expect(r.output).toMatch(/^::warning file=.*two-races\.test\.ts,line=10,col=11,.*::Previous write at stock\.pears/m)
    expect(r.output).toContain('Found 2 data race(s)')
  })

  it('--reporter=junit carries the whole report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vitest-race-junit-'))
    const file = join(dir, 'junit.xml')
    runBin('errors', ['run', 'two-races', '--reporter=junit', `--outputFile=${file}`])
    expect(existsSync(file)).toBe(true)
    const xml = readFileSync(file, 'utf8')
    expect(xml).toContain('WARNING: DATA RACE')
    expect(xml).toContain('Write at stock.apples by worker 2:')
    expect(xml).toContain('Previous write at stock.pears by worker 1:')
    expect(xml).toContain('Replay: VITEST_RACE=')
  })

  it('a race is blamed on the test that ran it, with describe.concurrent and files in parallel workers', () => {
    const r = runBin('blame', ['run'])
    expect(r.output).toContain('Found 2 data race(s)')
    expect(r.output).toMatch(/ {2}concurrent pair > racy one: a\.n /)
    expect(r.output).toMatch(/ {2}racy in another file: b\.n /)
    expect(r.output).toMatch(/Tests +2 failed \| 2 passed/)
  })
})

describe('vitest-race --help', () => {
  const require = createRequire(import.meta.url)
  const major = Number((require('vitest/package.json') as { version: string }).version.split('.')[0])

  it(`lists the race flags from the options table (Vitest ${major})`, () => {
    const r = runBin('errors', ['--help'])
    expect(r.output).toMatch(/--race-seed <seed> +seed of the run; a failure prints the seed that replays it \[0\.\.0xffffffff, default random; VITEST_RACE seed\]/)
    expect(r.output).toMatch(/--race-halt +the first race ends the iteration at once: exactly one report \[VITEST_RACE halt_on_error\]/)
    expect(r.code).toBe(0)
  })
})

describe('--race-seed and --race-path', () => {
  it('replay a failing schedule exactly, as VITEST_RACE="seed=… path=…" does', () => {
    const first = runVitest('exploration', ['ready-flag'])
    const path = /path ([\d:]+), random strategy/.exec(first.output)![1]!
    const steps = (o: string) => o.split('\n').filter((l) => /^ {2}\d+\. worker/.test(l))
    const replay = runBin('exploration', ['run', 'ready-flag', '--race-seed=0x1', `--race-path=${path}`])
    expect(replay.output).toContain('AssertionError: expected [] to have a length of 2')
    expect(replay.output).toContain(`failed in race mode on run`)
    expect(replay.output).toContain(`path ${path}`)
    expect(steps(replay.output)).toEqual(steps(first.output))
    expect(steps(replay.output).length).toBeGreaterThan(0)
  })
})

describe('machine-readable reporters on stdout', () => {
  it('--reporter=json: stdout stays one JSON document; the summary goes to stderr; the exit code is 66', () => {
    const r = runBin('errors', ['run', 'two-races', '--reporter=json'])
    const json = JSON.parse(machineReport(r.stdout)) as { numFailedTests: number; testResults: { assertionResults: { failureMessages: string[] }[] }[] }
    expect(json.numFailedTests).toBe(1)
    expect(json.testResults[0]!.assertionResults[0]!.failureMessages[0]).toContain('WARNING: DATA RACE')
    expect(r.stdout).not.toContain('Found 2 data race(s)')
    expect(r.output).toContain('Found 2 data race(s)')
    expect(r.code).toBe(66)
  })

  it('--reporter=junit: stdout stays one XML document, with GitHub annotations on in CI', () => {
    const r = runBin('errors', ['run', 'two-races', '--reporter=junit'], { GITHUB_ACTIONS: 'true' })
    const xml = machineReport(r.stdout).trim()
    expect(xml.startsWith('<?xml')).toBe(true)
    expect(xml.endsWith('</testsuites>')).toBe(true)
    expect(xml.split('<?xml')).toHaveLength(2)
    expect(xml).not.toContain('Found 2 data race(s)')
    expect(xml).not.toContain('::warning')
    expect(r.output).toContain('Found 2 data race(s)')
    expect(r.output).toMatch(/^::warning file=.*two-races\.test\.ts,line=9,col=11,/m)
    expect(r.code).toBe(66)
  })
})

describe('a bad race() option', () => {
  const message = 'vitest-race: historySize = 9 (from race() plugin options) is not valid: expected an integer from 0 to 7.'

  it('is an error a host catches: createVitest rejects with the RaceOptionError, and this process goes on', async () => {
    const exit = process.exit
    let exited = false
    process.exit = ((() => {
      exited = true
    }) as unknown) as typeof process.exit
    try {
      const started = createVitest('test', { root: join(FIXTURES, 'bad-plugin'), watch: false, reporters: [] })
      await expect(started).rejects.toMatchObject({ name: 'RaceOptionError', message })
    } finally {
      process.exit = exit
    }
    expect(exited).toBe(false)
  })

  it('vitest-race shows it in one line (on Vitest 5, after the Startup Error banner of its CLI), as plain vitest does', () => {
    const major = Number((createRequire(import.meta.url)('vitest/package.json') as { version: string }).version.split('.')[0])
    const bin = runBin('bad-plugin', ['run'])
    expect(bin.code).toBe(1)
    if (major < 5) expect(bin.output.trim()).toBe(message)
    expect(bin.output).toContain(message)
    expect(bin.output).not.toContain('    at ')
    const plain = runVitest('bad-plugin', [])
    expect(plain.code).toBe(1)
    expect(plain.output).toContain(`RaceOptionError: ${message}`)
    expect(plain.output).not.toContain('    at ')
  })
})

describe('Vitest projects', () => {
  const warning = 'vitest-race: race mode is on, but project "plain" has no race() plugin: its tests run without the race detector.'

  it('a project without the plugin is named once; the summary and exit code come from the project with it', () => {
    const r = runBin('projects', ['run'])
    expect(r.output.split(warning)).toHaveLength(2)
    expect(r.output).toContain('Found 1 data race(s)')
    expect(r.output).toMatch(/Tests +1 failed \| 1 passed/)
    expect(r.code).toBe(66)
  })

  it('--project keeps the summary and the exit code, and no warning for a project that does not run', () => {
    const r = runBin('projects', ['run', '--project', 'racy'])
    expect(r.output).toContain('Found 1 data race(s)')
    expect(r.output).not.toContain('has no race() plugin')
    expect(r.code).toBe(66)
  })

  it('no warning without race mode', () => {
    const r = runVitest('projects', [])
    expect(r.output).not.toContain('has no race() plugin')
    expect(r.code).toBe(0)
  })
})

describe('--sequence.seed', () => {
  it('seeds vitest-race when no race seed is given; a race seed wins', () => {
    expect(runBin('projects', ['run', '--project', 'racy', '--sequence.seed=4660']).output).toContain('Replay: VITEST_RACE="seed=0x1234"')
    expect(runBin('projects', ['run', '--project', 'racy', '--sequence.seed=4660', '--race-seed=7']).output).toContain('Replay: VITEST_RACE="seed=0x7"')
  })
})
