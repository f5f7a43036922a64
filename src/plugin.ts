/**
 * The Vitest plugin (main process): resolves options once, registers the runtime's setup
 * file and the run summary reporter, and provides the settings to test workers (DESIGN §7, §8).
 */
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isCI } from 'std-env'
import type { Plugin } from 'vitest/config'
import { FLAGS_ENV, parseRaceFlags, resolveRunSettings, type RaceOptions, type RaceSettings } from './options.js'
import { SETTINGS_KEY } from './provided.js'
import { RaceReporter } from './reporter.js'
import { instrumentCacheKey, instrumentConfig, instrumentContext, transformModule, type InstrumentContext } from './instrument/plugin.js'
import { resolveInstrument } from './instrument/instrument-options.js'
import { badOption } from './bad-option.js'
import { withVitestSeed } from './vitest-seed.js'

export type { RaceOptions } from './options.js'
// Also brings Vitest's `TaskMeta.race` (the per-test opt-out) into a project that loads the plugin's types.
export type { RaceMeta } from './provided.js'

const SETUP_FILE = fileURLToPath(new URL('./runtime/setup.js', import.meta.url))
const REPORTER_ADDED = Symbol.for('vitest-race.reporter')

/** Vitest's hook for a plugin's part of the on-disk module cache key (Vitest 5; `experimental_` from 4.0.11). */
type CacheKeyHook = (generator: () => string) => void
interface CacheKeyContext {
  readonly defineCacheKeyGenerator?: CacheKeyHook
  readonly experimental_defineCacheKeyGenerator?: CacheKeyHook
}

/**
 * The command's race flags: those the `vitest-race` command received (handed over in
 * VITEST_RACE_FLAGS), and any after `--` on a plain `vitest` command (`vitest run -- --race`).
 */
function commandFlags(): { race: boolean; flags: readonly string[] } {
  const fromBin = process.env[FLAGS_ENV] === undefined ? [] : (JSON.parse(process.env[FLAGS_ENV]!) as string[])
  const dashes = process.argv.indexOf('--')
  const afterDashes = dashes < 0 ? [] : process.argv.slice(dashes + 1)
  const { race, flags } = parseRaceFlags([...fromBin, ...afterDashes])
  return { race, flags }
}

function settingsFor(options: RaceOptions, root: string): RaceSettings {
  const { race, flags } = commandFlags()
  const settings = resolveRunSettings(options, process.env.VITEST_RACE, root, flags)
  // Progress only where a person watches: an interactive terminal, not CI.
  const interactive = process.stderr.isTTY === true && !isCI
  return Object.freeze({
    ...settings,
    race: settings.race || race,
    progressFile: interactive ? join(tmpdir(), `vitest-race-progress-${process.pid}.jsonl`) : undefined,
  })
}

/**
 * The vitest-race plugin. Race mode is on with the `vitest-race` command, with `VITEST_RACE`
 * (`1`, or GORACE-style options such as `"history_size=2 halt_on_error=1"`), or with
 * `vitest run -- --race`; otherwise `concurrentTest` runs in stress mode.
 *
 * @example
 * // vitest.config.ts
 * import { defineConfig } from 'vitest/config'
 * import { race } from 'vitest-race/plugin'
 * export default defineConfig({ plugins: [race({ iterations: 50 })] })
 */
export function race(options: RaceOptions = {}): Plugin {
  // A bad option is a RaceOptionError the host catches (createVitest rejects with it), never process.exit.
  const optionError = badOption(() => {
    settingsFor(options, '')
    resolveInstrument(options.instrument, process.cwd())
  })
  let instrumentation: InstrumentContext | undefined
  return {
    name: 'vitest-race',
    // After TypeScript is stripped and Vitest's own transforms: the transform sees JavaScript.
    enforce: 'post',
    config() {
      if (optionError !== undefined) throw optionError
      const inline = instrumentConfig(options.instrument)
      return { test: { setupFiles: [SETUP_FILE], ...(inline === undefined ? {} : inline.test) } }
    },
    configResolved(config) {
      const typeTests = (config as { test?: { typecheck?: { include?: string[] } } }).test?.typecheck?.include
      instrumentation = instrumentContext(options.instrument, config.root, settingsFor(options, config.root).race, typeTests)
    },
    transform(code, id) {
      return instrumentation === undefined ? undefined : (transformModule(instrumentation, this, code, id) as { code: string; map: never } | undefined)
    },
    configureVitest(context) {
      const { project, vitest } = context
      const cacheKeys = context as unknown as CacheKeyContext
      const defineKey = cacheKeys.defineCacheKeyGenerator ?? cacheKeys.experimental_defineCacheKeyGenerator
      defineKey?.(() => instrumentCacheKey(instrumentation))
      const root = project.config.root
      const inst = (instrumentation?.root === root ? instrumentation : instrumentContext(options.instrument, root, false)).settings
      const instrumentedDeps = inst.depDirs.map((d) => (d.endsWith('/') ? d : `${d}/`))
      const settings = Object.freeze({ ...settingsFor(options, root), instrumentedDeps, instrument: inst.enabled })
      project.provide(SETTINGS_KEY, withVitestSeed(settings, project.config.sequence.seed))
      const holder = vitest as unknown as { [REPORTER_ADDED]?: true }
      if (holder[REPORTER_ADDED] === true) return
      holder[REPORTER_ADDED] = true
      ;(vitest.config.reporters as unknown[]).push(new RaceReporter(settings))
    },
  }
}
