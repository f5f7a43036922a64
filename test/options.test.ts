import { describe, expect, it } from 'vitest'
import { applyOptions, applyRaceEnv, applyRaceFlags, DEFAULT_SETTINGS, flagHelp, OPTIONS, parseRaceFlags, RaceOptionError, resolveRunSettings, TEST_OPTIONS } from '../src/options.js'

describe('applyOptions', () => {
  it('applies valid values', () => {
    const s = applyOptions(DEFAULT_SETTINGS, { iterations: 3, seed: '0x5eed1', historySize: 7, timeout: 100 }, 'concurrentTest options')
    expect(s).toMatchObject({ iterations: 3, seed: 0x5eed1, historySize: 7, timeout: 100, race: false })
    expect(Object.isFrozen(s)).toBe(true)
  })

  it.each([
    [{ iterations: 0 }, 'iterations = 0 (from concurrentTest options) is not valid: expected an integer ≥ 1.'],
    [{ iterations: -5 }, 'iterations = -5 (from concurrentTest options) is not valid: expected an integer ≥ 1.'],
    [{ iterations: 2.5 }, 'iterations = 2.5'],
    [{ historySize: 8 }, 'historySize = 8 (from concurrentTest options) is not valid: expected an integer from 0 to 7.'],
    [{ seed: 'abc' }, 'seed = "abc" (from concurrentTest options) is not valid: expected an integer from 0 to 0xffffffff'],
    [{ seed: -1 }, 'seed = -1'],
    [{ timeout: 0 }, 'timeout = 0'],
    [{ strategy: 'dfs' }, `strategy = "dfs" (from concurrentTest options) is not valid: expected 'random', 'pct' or 'exhaustive'.`],
    [{ depth: 0 }, 'depth = 0 (from concurrentTest options) is not valid: expected an integer from 1 to 100.'],
    [{ maxInterleavings: 0 }, 'maxInterleavings = 0'],
    [{ path: '1:x' }, 'path = "1:x" (from concurrentTest options) is not valid: expected a fast-check path such as "3:1:0".'],
    [{ semantics: 'loose' }, `semantics = "loose" (from concurrentTest options) is not valid: expected 'atomicity' or 'strict'.`],
    [{ iteratons: 5 }, 'iteratons = 5 (from concurrentTest options) is not valid: unknown option; known options are iterations, seed, timeout, historySize, semantics, strategy, depth, maxInterleavings, path, halt, exitcode, logPath, stripPathPrefix.'],
  ])('rejects %o', (options, message) => {
    expect(() => applyOptions(DEFAULT_SETTINGS, options as never, 'concurrentTest options')).toThrow(RaceOptionError)
    expect(() => applyOptions(DEFAULT_SETTINGS, options as never, 'concurrentTest options')).toThrow(message)
  })
})

describe('VITEST_RACE', () => {
  it.each([undefined, '', '0', 'false'])('%o leaves race mode off', (env) => {
    expect(applyRaceEnv(DEFAULT_SETTINGS, env).race).toBe(false)
  })

  it.each(['1', 'true'])('%o turns race mode on', (env) => {
    expect(applyRaceEnv(DEFAULT_SETTINGS, env).race).toBe(true)
  })

  it('reads GORACE-style options and turns race mode on', () => {
    expect(applyRaceEnv(DEFAULT_SETTINGS, 'history_size=2 seed=0x7  iterations=3')).toMatchObject({ race: true, historySize: 2, seed: 7, iterations: 3 })
  })

  it.each([
    ['history_size=9', 'history_size = "9" (from VITEST_RACE) is not valid: expected an integer from 0 to 7.'],
    ['halt_on_error=maybe', 'halt_on_error = "maybe" (from VITEST_RACE) is not valid: expected true or false (1 or 0).'],
    ['exitcode=-1', 'exitcode = "-1" (from VITEST_RACE) is not valid: expected an integer from 0 to 255.'],
    ['colour=1', 'colour = "1" (from VITEST_RACE) is not valid: expected 1, or space-separated name=value pairs'],
    ['seed', 'seed = "seed" (from VITEST_RACE)'],
  ])('rejects %s', (env, message) => {
    expect(() => applyRaceEnv(DEFAULT_SETTINGS, env)).toThrow(message)
  })

  it('race=0 passes options without turning the detector on (a stress-mode replay)', () => {
    expect(applyRaceEnv(DEFAULT_SETTINGS, 'race=0 seed=0x1 path=6:2:3')).toMatchObject({ race: false, seed: 1, path: '6:2:3' })
    expect(applyRaceEnv(DEFAULT_SETTINGS, 'strategy=pct depth=2 max_interleavings=10')).toMatchObject({ race: true, strategy: 'pct', depth: 2, maxInterleavings: 10 })
    expect(() => applyRaceEnv(DEFAULT_SETTINGS, 'race=maybe')).toThrow('race = "maybe" (from VITEST_RACE) is not valid: expected 0, 1, true or false.')
  })

  it('reads every GORACE option', () => {
    expect(applyRaceEnv(DEFAULT_SETTINGS, 'history_size=2 halt_on_error=1 exitcode=13 log_path=/tmp/r strip_path_prefix=/src')).toMatchObject({
      race: true,
      historySize: 2,
      halt: true,
      exitcode: 13,
      logPath: '/tmp/r',
      stripPathPrefix: '/src',
    })
  })

  it('later layers win: plugin, then the environment, then the command flags', () => {
    const s = resolveRunSettings({ historySize: 3, exitcode: 1 }, 'history_size=0 exitcode=2', '/root', ['--race-exitcode=3', '--race-halt'])
    expect(s).toMatchObject({ historySize: 0, exitcode: 3, halt: true, race: true })
  })

  it('parses the command flags, in both forms, and leaves every other argument alone', () => {
    expect(parseRaceFlags(['run', '--race', '-t', 'x', '--race-seed', '0x7', '--race-halt', '--reporter=junit', '--race-exitcode=13'])).toEqual({
      race: true,
      flags: ['--race-seed=0x7', '--race-halt', '--race-exitcode=13'],
      rest: ['run', '-t', 'x', '--reporter=junit'],
    })
  })

  it('later layers win: plugin, then the environment', () => {
    const s = resolveRunSettings({ iterations: 5, historySize: 3 }, 'history_size=0', '/root')
    expect(s).toMatchObject({ iterations: 5, historySize: 0, race: true, root: '/root' })
  })
})

describe('the descriptor table', () => {
  it('gives the defaults', () => {
    for (const d of Object.values(OPTIONS)) expect((DEFAULT_SETTINGS as unknown as Record<string, unknown>)[d.name], d.name).toEqual(d.default)
    expect(DEFAULT_SETTINGS).toMatchObject({ race: false, iterations: 50, historySize: 1, exitcode: 66, suppressions: [], instrument: true })
  })

  it('gives every VITEST_RACE name and flag it lists', () => {
    for (const d of Object.values(OPTIONS)) {
      const sample = d.values.kind === 'boolean' ? 'true' : d.values.kind === 'choice' ? d.values.choices.at(-1)! : d.values.kind === 'schedule-path' ? '1:2' : d.values.kind === 'text' ? '/x' : '4'
      if (d.env !== undefined) expect(applyRaceEnv(DEFAULT_SETTINGS, `${d.env}=${sample}`)[d.name], d.env).not.toEqual(d.default)
      if (d.flag !== undefined) expect(applyRaceFlags(DEFAULT_SETTINGS, [`${d.flag}=${sample}`])[d.name], d.flag).not.toEqual(d.default)
    }
  })

  it('gives the command help: every flag, its values and default, its VITEST_RACE name', () => {
    const help = flagHelp()
    const flags = Object.values(OPTIONS).filter((d) => d.flag !== undefined)
    expect(help.map(([flag]) => flag.split(' ')[0])).toEqual(['--race', ...flags.map((d) => d.flag)])
    expect(help).toContainEqual(['--race-history-size <n>', expect.stringContaining('[0..7, default 1; VITEST_RACE history_size]')])
    expect(help).toContainEqual(['--race-strategy <name>', expect.stringContaining('[random | pct | exhaustive, default random; VITEST_RACE strategy]')])
    expect(help).toContainEqual(['--race-halt', expect.stringContaining('[VITEST_RACE halt_on_error]')])
    for (const [, text] of help) expect(text).not.toContain('`')
  })
})

describe('plugin-only options', () => {
  it.each(['concurrentTest options', 'concurrentTest.threads options'] as const)('instrument and suppressions are refused from %s, naming race()', (source) => {
    expect(() => applyOptions(DEFAULT_SETTINGS, { suppressions: ['x'] }, source)).toThrow(`suppressions = ["x"] (from ${source}) is not valid: only race() in vitest.config sets it.`)
    expect(() => applyOptions(DEFAULT_SETTINGS, { instrument: false }, source)).toThrow(`instrument = false (from ${source}) is not valid: only race() in vitest.config sets it.`)
    expect(TEST_OPTIONS).not.toContain('suppressions')
    expect(TEST_OPTIONS).not.toContain('instrument')
  })

  it('have no VITEST_RACE name and no flag', () => {
    expect(() => applyRaceEnv(DEFAULT_SETTINGS, 'suppressions=x')).toThrow('suppressions = "x" (from VITEST_RACE) is not valid: expected 1, or space-separated name=value pairs')
    expect(() => applyRaceFlags(DEFAULT_SETTINGS, ['--race-suppressions=x'])).toThrow('unknown flag')
  })

  it('instrument: its entry delegates to the instrument check, and resolves to on or off', () => {
    expect(applyOptions(DEFAULT_SETTINGS, { instrument: false }, 'race() plugin options').instrument).toBe(false)
    expect(applyOptions(DEFAULT_SETTINGS, { instrument: { include: ['src/**'] } }, 'race() plugin options').instrument).toBe(true)
    expect(() => applyOptions(DEFAULT_SETTINGS, { instrument: 5 } as never, 'race() plugin options')).toThrow(
      'instrument = 5 (from race() plugin options) is not valid: expected false or an object { deps?, include?, exclude? }.',
    )
    expect(() => applyOptions(DEFAULT_SETTINGS, { instrument: { deps: ['Not A Name!'] } }, 'race() plugin options')).toThrow(
      'instrument.deps = "Not A Name!" (from race() plugin options) is not valid: expected an npm package name.',
    )
  })
})

describe('suppressions', () => {
  const apply = (suppressions: unknown) => applyOptions(DEFAULT_SETTINGS, { suppressions } as never, 'race() plugin options')

  it('resolves package names, globs and fn:<name> as given, frozen', () => {
    const s = apply(['legacy-cache', '@scope/pkg', 'src/legacy/**', 'test/*.test.ts', 'fn:debit', 'fn:Ledger.debit'])
    expect(s.suppressions).toEqual(['legacy-cache', '@scope/pkg', 'src/legacy/**', 'test/*.test.ts', 'fn:debit', 'fn:Ledger.debit'])
    expect(Object.isFrozen(s.suppressions)).toBe(true)
    expect(apply([]).suppressions).toEqual([])
  })

  it('reaches the run settings from race()', () => {
    expect(resolveRunSettings({ suppressions: ['src/legacy/**'] }, undefined, '/root').suppressions).toEqual(['src/legacy/**'])
  })

  it.each([
    ['src/legacy/**', 'suppressions = "src/legacy/**" (from race() plugin options) is not valid: expected an array of strings, each an npm package name, a glob relative to the project root, or fn:<function name>.'],
    [[''], 'suppressions[0] = "" (from race() plugin options) is not valid: expected a non-empty string: an npm package name'],
    [['ok', '  '], 'suppressions[1] = "  " (from race() plugin options) is not valid: expected a non-empty string'],
    [['ok', 3], 'suppressions[1] = 3 (from race() plugin options) is not valid: expected a non-empty string'],
    [['fn:'], 'suppressions[0] = "fn:" (from race() plugin options) is not valid: expected fn: followed by a function name without spaces, such as fn:debit or fn:Ledger.debit.'],
    [['fn:a b'], 'suppressions[0] = "fn:a b" (from race() plugin options) is not valid: expected fn: followed by a function name'],
    [['/abs/src/**'], 'suppressions[0] = "/abs/src/**" (from race() plugin options) is not valid: expected a glob relative to the project root, not an absolute path.'],
    [['C:\\src\\**'], 'suppressions[0] = "C:\\\\src\\\\**" (from race() plugin options) is not valid: expected a glob relative to the project root'],
  ])('rejects %j, naming the entry', (value, message) => {
    expect(() => apply(value)).toThrow(RaceOptionError)
    expect(() => apply(value)).toThrow(message)
  })
})
