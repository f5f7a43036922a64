/** The race() plugin's hooks on their own: options checked once, setup file, inlined deps, provided settings, one reporter. */
import { afterEach, describe, expect, it } from 'vitest'
import { RaceOptionError, type RaceSettings } from '../src/options.js'
import { race } from '../src/plugin.js'
import { SETTINGS_KEY } from '../src/provided.js'
import { RaceReporter } from '../src/reporter.js'

type Hook = (...args: unknown[]) => unknown
const hook = (plugin: object, name: string) => (plugin as Record<string, Hook>)[name]!.bind(plugin)

/** What configureVitest is given: a project that records what it is provided, and the Vitest instance. */
function vitestWith(root: string, sequenceSeed = 42) {
  const provided = new Map<string, unknown>()
  const project = { config: { root, sequence: { seed: sequenceSeed } }, provide: (key: string, value: unknown) => provided.set(key, value) }
  const vitest = { config: { reporters: [] as unknown[] } }
  return { project, vitest, provided }
}

const env = { ...process.env }
afterEach(() => {
  process.env = { ...env }
})

describe('race()', () => {
  it('never throws itself: a bad option is thrown by the config hook, with a one-line stack', () => {
    const plugin = race({ historySize: 9 })
    expect(plugin.name).toBe('vitest-race')
    let error: unknown
    try {
      hook(plugin, 'config')()
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(RaceOptionError)
    expect((error as Error).message).toBe('vitest-race: historySize = 9 (from race() plugin options) is not valid: expected an integer from 0 to 7.')
    expect((error as Error).stack).toBe(`RaceOptionError: ${(error as Error).message}`)
  })

  it.each([
    [{ suppressions: ['/abs/**'] }, 'suppressions[0] = "/abs/**" (from race() plugin options) is not valid: expected a glob relative to the project root'],
    [{ instrument: { deps: ['no-such-package-for-vitest-race'] } }, 'instrument.deps = "no-such-package-for-vitest-race" (from race() plugin options) is not valid: the package is not installed'],
  ])('checks every option the same way: %j', (options, message) => {
    expect(() => hook(race(options as never), 'config')()).toThrow(message)
  })

  it('registers the runtime setup file, and inlines instrument.deps for Vite', () => {
    const config = hook(race(), 'config')() as { test: { setupFiles: string[] } }
    expect(config.test.setupFiles).toHaveLength(1)
    expect(config.test.setupFiles[0]).toMatch(/runtime[/\\]setup\.js$/)
    const withDeps = hook(race({ instrument: { deps: ['async-mutex'] } }), 'config')() as { test: { server: { deps: { inline: string[] } } } }
    expect(withDeps.test.server.deps.inline).toEqual(['async-mutex'])
  })

  it('provides the resolved settings to the test workers: plugin options, VITEST_RACE, the instrument flag and the suppressions', () => {
    process.env.VITEST_RACE = 'history_size=3'
    delete process.env.VITEST_RACE_FLAGS
    const plugin = race({ iterations: 7, suppressions: ['legacy-cache', 'src/legacy/**', 'fn:debit'], instrument: false })
    const { project, vitest, provided } = vitestWith('/project')
    hook(plugin, 'configureVitest')({ project, vitest })
    const settings = provided.get(SETTINGS_KEY) as RaceSettings
    expect(settings).toMatchObject({ race: true, iterations: 7, historySize: 3, root: '/project', instrument: false, instrumentedDeps: [] })
    expect(settings.suppressions).toEqual(['legacy-cache', 'src/legacy/**', 'fn:debit'])
    // Vitest's sequence.seed seeds the run when no race seed is given.
    expect(settings.seed).toBe(42)
    expect(Object.isFrozen(settings)).toBe(true)
  })

  it('adds one run summary reporter, however many projects configure it', () => {
    const plugin = race()
    const a = vitestWith('/a')
    hook(plugin, 'configureVitest')({ project: a.project, vitest: a.vitest })
    hook(plugin, 'configureVitest')({ project: { ...a.project, config: { root: '/b', sequence: { seed: 1 } } }, vitest: a.vitest })
    expect(a.vitest.config.reporters).toHaveLength(1)
    expect(a.vitest.config.reporters[0]).toBeInstanceOf(RaceReporter)
  })

  it('stays in stress mode without the switch (no VITEST_RACE, no flags)', () => {
    delete process.env.VITEST_RACE
    delete process.env.VITEST_RACE_FLAGS
    const { project, vitest, provided } = vitestWith('/project')
    hook(race(), 'configureVitest')({ project, vitest })
    expect((provided.get(SETTINGS_KEY) as RaceSettings).race).toBe(false)
  })

  it('turns race mode on from the flags the vitest-race command hands over', () => {
    delete process.env.VITEST_RACE
    process.env.VITEST_RACE_FLAGS = JSON.stringify(['--race', '--race-exitcode=3'])
    const { project, vitest, provided } = vitestWith('/project')
    hook(race(), 'configureVitest')({ project, vitest })
    expect(provided.get(SETTINGS_KEY)).toMatchObject({ race: true, exitcode: 3 })
  })
})
