/**
 * The Vitest plugin (main process): resolves options once, registers the runtime's setup
 * file, and provides the settings to test workers (DESIGN §7, §8).
 */
import { fileURLToPath } from 'node:url'
import type { Plugin } from 'vitest/config'
import { resolveRunSettings, type RaceOptions } from './options.js'
import { SETTINGS_KEY } from './provided.js'

export type { RaceOptions } from './options.js'

const SETUP_FILE = fileURLToPath(new URL('./runtime/setup.js', import.meta.url))

/**
 * The vitest-race plugin. Race mode is on when `VITEST_RACE` is set (`1`, or GORACE-style
 * options such as `"history_size=2"`); without it `concurrentTest` runs in stress mode.
 *
 * @example
 * // vitest.config.ts
 * import { defineConfig } from 'vitest/config'
 * import { race } from 'vitest-race/plugin'
 * export default defineConfig({ plugins: [race({ iterations: 50 })] })
 */
export function race(options: RaceOptions = {}): Plugin {
  // Validate at once, so a bad option stops the run before any test.
  resolveRunSettings(options, process.env.VITEST_RACE, '')
  return {
    name: 'vitest-race',
    config() {
      return { test: { setupFiles: [SETUP_FILE] } }
    },
    configureVitest({ project }) {
      project.provide(SETTINGS_KEY, resolveRunSettings(options, process.env.VITEST_RACE, project.config.root))
    },
  }
}
