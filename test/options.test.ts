import { describe, expect, it } from 'vitest'
import { applyOptions, applyRaceEnv, DEFAULT_SETTINGS, parseRaceFlags, RaceOptionError, resolveRunSettings } from '../src/options.js'

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
